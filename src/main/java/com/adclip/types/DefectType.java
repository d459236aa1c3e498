package com.adclip.types;

import java.util.List;

/**
 * One defect type of a product's vocabulary.
 *
 * @param name the type's name, as outputs and ground truth spell it (a defect folder's name, an annotation label,
 *     or a name given with {@code --defect-types})
 * @param phrases what the text prompts call it ("{object} has a {phrase} defect"): the name with {@code _} and
 *     {@code -} as spaces, then any synonyms or description given; the text embedding averages over them
 */
public record DefectType(String name, List<String> phrases) {
    public DefectType {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a defect type needs a name");
        }
        name = name.strip();
        if (name.equalsIgnoreCase(TypeDistribution.UNKNOWN) || name.equalsIgnoreCase("good")) {
            throw new IllegalArgumentException("\"" + name + "\" cannot be a defect type name (it is reserved)");
        }
        phrases = phrases == null || phrases.isEmpty() ? List.of(spoken(name)) : List.copyOf(phrases);
        if (phrases.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("defect type " + name + " has a blank phrase");
        }
    }

    /** A type named {@code name}, prompted by its spoken form only. */
    public static DefectType named(String name) {
        return new DefectType(name, null);
    }

    /** {@code broken_large} → {@code broken large}. */
    static String spoken(String name) {
        return name.strip().replace('_', ' ').replace('-', ' ');
    }
}
