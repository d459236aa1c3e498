package com.adclip.data;

import com.adclip.AdclipException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * A loaded dataset: samples per split and class, classes in a stable order (sorted by name for folder
 * layouts, file order for {@code meta.json} and VisA's csv).
 *
 * <p>A plain folder without {@code train/}/{@code test/} folders puts every image in both {@code train} and
 * {@code test} (use {@link #withValidationSplit} to hold some out).
 *
 * @param root the dataset root (the folder of {@code meta.json} for an index)
 * @param layout how it was laid out
 * @param train training samples per class (may be empty)
 * @param test test samples per class (may be empty)
 * @param val validation samples per class (may be empty)
 */
public record Dataset(Path root, Layout layout, Map<String, List<Sample>> train, Map<String, List<Sample>> test,
        Map<String, List<Sample>> val) {

    /** The split names, in order. */
    public static final List<String> SPLITS = List.of("train", "test", "val");

    public Dataset {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(layout, "layout");
        train = copy(train);
        test = copy(test);
        val = copy(val);
    }

    private static Map<String, List<Sample>> copy(Map<String, List<Sample>> split) {
        Map<String, List<Sample>> out = new LinkedHashMap<>();
        split.forEach((cls, samples) -> out.put(cls, List.copyOf(samples)));
        return Collections.unmodifiableMap(out);
    }

    /** The split called {@code name} ({@code train}, {@code test} or {@code val}). */
    public Map<String, List<Sample>> split(String name) {
        return switch (name) {
            case "train" -> train;
            case "test" -> test;
            case "val" -> val;
            default -> throw new IllegalArgumentException("unknown split " + name + "; use train, test or val");
        };
    }

    /** The samples of a split in class order. */
    public List<Sample> samples(String split) {
        List<Sample> out = new ArrayList<>();
        split(split).values().forEach(out::addAll);
        return out;
    }

    /** Every class in any split, in order of first appearance (train, test, val). */
    public List<String> classes() {
        Set<String> names = new LinkedHashSet<>();
        names.addAll(train.keySet());
        names.addAll(test.keySet());
        names.addAll(val.keySet());
        return List.copyOf(names);
    }

    /**
     * Moves a stratified, seeded random {@code fraction} of the training samples into {@code val}: within
     * every class, the good and the defective images are shuffled separately with one
     * {@code java.util.Random(seed)} (classes in order, good before defective) and
     * {@code round(fraction × n)} of each group go to {@code val}, clamped to 1..n-1 when the group has at
     * least 2 images so both parts keep that label; a group of 1 stays in {@code train}. Order within each
     * part is the original order. {@code test} is unchanged.
     *
     * @throws AdclipException (usage) if the fraction is not in (0, 1) or the dataset already has a val split
     */
    public Dataset withValidationSplit(double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw AdclipException.usage("--val-split must be a fraction between 0 and 1 (exclusive), got "
                    + fraction, null);
        }
        int existing = samples("val").size();
        if (existing > 0) {
            throw AdclipException.usage("dataset " + root + " already has a val split (" + existing
                    + " images); drop --val-split to use it, or remove it from the dataset", null);
        }
        Random random = new Random(seed);
        Map<String, List<Sample>> newTrain = new LinkedHashMap<>();
        Map<String, List<Sample>> newVal = new LinkedHashMap<>();
        train.forEach((cls, samples) -> {
            Set<Sample> held = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (boolean anomaly : new boolean[] {false, true}) {
                List<Sample> group = new ArrayList<>(samples.stream().filter(s -> s.anomaly() == anomaly).toList());
                int n = group.size();
                int k = (int) Math.round(fraction * n);
                k = n >= 2 ? Math.max(1, Math.min(n - 1, k)) : 0;
                Collections.shuffle(group, random);
                held.addAll(group.subList(0, k));
            }
            newTrain.put(cls, samples.stream().filter(s -> !held.contains(s)).toList());
            List<Sample> v = samples.stream().filter(held::contains).toList();
            if (!v.isEmpty()) {
                newVal.put(cls, v);
            }
        });
        return new Dataset(root, layout, newTrain, test, newVal);
    }

    /** One line: layout, root and counts per split. */
    public String summary() {
        int n = classes().size();
        return String.format(Locale.ROOT, "%s at %s: %d %s, %d train / %d test / %d val images",
                layout.description(), root, n, n == 1 ? "class" : "classes", samples("train").size(),
                samples("test").size(),
                samples("val").size());
    }
}
