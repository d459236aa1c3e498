package com.adclip.types;

import com.adclip.AdclipException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A product's defect types, in a fixed order (the order of every per-type tensor and array).
 *
 * @param types at least one, names unique (case-sensitive)
 */
public record TypeVocabulary(List<DefectType> types) {
    /**
     * Defect-type names the data layouts use when they know no type: {@code anomaly} (VisA, meta.json without
     * types) and {@code synthetic} (pasted training anomalies). They never enter a vocabulary.
     */
    public static final List<String> PLACEHOLDERS = List.of("anomaly", "synthetic", "defective");

    public TypeVocabulary {
        types = List.copyOf(types);
        if (types.isEmpty()) {
            throw new IllegalArgumentException("a type vocabulary needs at least one type");
        }
        if (types.stream().map(DefectType::name).distinct().count() != types.size()) {
            throw new IllegalArgumentException("defect type names must be unique: "
                    + types.stream().map(DefectType::name).toList());
        }
    }

    /** The type names, in vocabulary order. */
    public List<String> names() {
        return types.stream().map(DefectType::name).toList();
    }

    public int size() {
        return types.size();
    }

    /** The index of {@code name}, or -1. */
    public int indexOf(String name) {
        return names().indexOf(name);
    }

    /**
     * The vocabulary of the training data's defect type names (in order of first appearance, placeholders and
     * {@code good} left out) followed by {@code given}'s types not among them; a given type with phrases replaces
     * the data's phrases of the same name. Null when there is no type at all.
     */
    public static TypeVocabulary of(List<String> dataTypes, TypeVocabulary given) {
        Map<String, DefectType> merged = new LinkedHashMap<>();
        for (String name : dataTypes) {
            String n = name == null ? "" : name.strip();
            if (!n.isEmpty() && !n.equals("good") && !PLACEHOLDERS.contains(n)) {
                merged.putIfAbsent(n, DefectType.named(n));
            }
        }
        if (given != null) {
            given.types().forEach(t -> merged.put(t.name(), t));
        }
        return merged.isEmpty() ? null : new TypeVocabulary(new ArrayList<>(merged.values()));
    }

    /**
     * Parses {@code --defect-types}: comma-separated names, each optionally followed by {@code =} and its prompt
     * phrases separated by {@code |}, e.g. {@code scratch,crack=hairline crack|fissure,stain=oil stain}. The type's
     * own name (spoken: {@code _} as a space) is always the first phrase.
     *
     * @throws AdclipException (usage) for an empty list, an empty name or phrase, a repeated name
     */
    public static TypeVocabulary parse(String option) {
        if (option == null || option.isBlank()) {
            throw AdclipException.usage("--defect-types needs at least one type name, e.g. scratch,crack", null);
        }
        List<DefectType> types = new ArrayList<>();
        for (String item : option.split(",")) {
            String[] parts = item.split("=", 2);
            String name = parts[0].strip();
            if (name.isEmpty()) {
                throw AdclipException.usage("--defect-types: empty type name in \"" + option + "\"", null);
            }
            List<String> phrases = new ArrayList<>();
            phrases.add(DefectType.spoken(name));
            if (parts.length == 2) {
                for (String phrase : parts[1].split("\\|")) {
                    if (phrase.isBlank()) {
                        throw AdclipException.usage("--defect-types: empty phrase for " + name + " in \"" + option
                                + "\"", null);
                    }
                    if (!phrases.contains(phrase.strip())) {
                        phrases.add(phrase.strip());
                    }
                }
            }
            try {
                types.add(new DefectType(name, phrases));
            } catch (IllegalArgumentException e) {
                throw AdclipException.usage("--defect-types: " + e.getMessage(), e);
            }
        }
        try {
            return new TypeVocabulary(types);
        } catch (IllegalArgumentException e) {
            throw AdclipException.usage("--defect-types: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return Arrays.toString(names().toArray());
    }
}
