package com.adclip.data;

import com.adclip.AdclipException;
import com.adclip.Sha256;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How a test split is carved out of a class that has none (a plain folder without {@code train/}/{@code test/}
 * folders lists every image in both): within each class, the good images and the images of each defect type
 * are taken apart and {@code round(fraction × n)} of each group go to {@code test} (clamped to 1..n-1 when the
 * group has at least 2 images, so both parts keep every label; a group of 1 stays in {@code train}). Which ones
 * is decided by sorting the group on {@code sha256(seed ":" path relative to the data root)}, so the choice is
 * reproducible from the seed on any machine and barely moves when images are added. This is anomalib's
 * {@code normal_split_ratio} / {@code test_split_mode: from_dir|synthetic} idea, applied to defects too since
 * training here uses them.
 *
 * @param fraction share of each group that goes to test, in [0, 1); 0 carves nothing
 * @param seed the seed of the choice
 */
public record TestSplit(double fraction, long seed) {

    /** What {@code train}, {@code test} and {@code dataset inspect} use unless told otherwise. */
    public static final TestSplit DEFAULT = new TestSplit(0.2, 0);

    public TestSplit {
        if (!(fraction >= 0 && fraction < 1)) {
            throw AdclipException.usage("--test-split must be a fraction in [0, 1) (0 = no carved test split), got "
                    + fraction, null);
        }
    }

    /** Whether this carves anything. */
    public boolean carves() {
        return fraction > 0;
    }

    /** The classes of {@code dataset} whose train and test splits are the same images (nothing explicit). */
    public static List<String> sharedClasses(Dataset dataset) {
        List<String> out = new ArrayList<>();
        dataset.train().forEach((cls, samples) -> {
            if (!samples.isEmpty() && samples.equals(dataset.test().get(cls))) {
                out.add(cls);
            }
        });
        return out;
    }

    /**
     * {@code dataset} with a test split carved out of every class that shares its images between train and
     * test; other classes are unchanged. Order within each part is the original order.
     */
    public Dataset apply(Dataset dataset) {
        List<String> shared = sharedClasses(dataset);
        if (!carves() || shared.isEmpty()) {
            return dataset;
        }
        Map<String, List<Sample>> train = new LinkedHashMap<>(dataset.train());
        Map<String, List<Sample>> test = new LinkedHashMap<>(dataset.test());
        for (String cls : shared) {
            List<Sample> samples = dataset.train().get(cls);
            Set<Sample> held = held(dataset, samples);
            train.put(cls, samples.stream().filter(s -> !held.contains(s)).toList());
            test.put(cls, samples.stream().filter(held::contains).toList());
        }
        return new Dataset(dataset.root(), dataset.layout(), train, test, dataset.val());
    }

    private Set<Sample> held(Dataset dataset, List<Sample> samples) {
        Map<String, List<Sample>> groups = new TreeMap<>();
        for (Sample s : samples) {
            groups.computeIfAbsent(s.anomaly() ? s.defectType() : Sample.GOOD, k -> new ArrayList<>()).add(s);
        }
        Set<Sample> held = new java.util.HashSet<>();
        for (List<Sample> group : groups.values()) {
            int n = group.size();
            int k = (int) Math.round(fraction * n);
            k = n >= 2 ? Math.max(1, Math.min(n - 1, k)) : 0;
            group.stream().sorted(Comparator.comparing(s -> key(dataset, s))).limit(k).forEach(held::add);
        }
        return held;
    }

    private String key(Dataset dataset, Sample sample) {
        return Sha256.of(seed + ":" + relative(dataset, sample));
    }

    /** The sample's path relative to the data root with {@code /}, as the bundle records it. */
    public static String relative(Dataset dataset, Sample sample) {
        return sample.image().startsWith(dataset.root()) ? ImageFiles.relative(dataset.root(), sample.image())
                : sample.image().toString();
    }

    /**
     * One line per class saying which split train and test use, e.g. {@code bottle: train 24, test 6 (carved:
     * 20 % of good and of each defect type, seed 0)}.
     */
    public List<String> describe(Dataset original) {
        Dataset carved = apply(original);
        List<String> shared = sharedClasses(original);
        List<String> lines = new ArrayList<>();
        for (String cls : original.classes()) {
            String how;
            if (!shared.contains(cls)) {
                how = "from the dataset's own splits";
            } else if (carves()) {
                how = String.format(Locale.ROOT, "test carved out: %.0f %% of the good images and of each defect "
                        + "type, seed %d", 100 * fraction, seed);
            } else {
                how = "no test split: train and test are the same images, test numbers measure nothing";
            }
            lines.add(String.format(Locale.ROOT, "%s: train %d, test %d%s (%s)", cls, size(carved.train(), cls),
                    size(carved.test(), cls), size(carved.val(), cls) > 0 ? ", val " + size(carved.val(), cls) : "",
                    how));
        }
        return lines;
    }

    private static int size(Map<String, List<Sample>> split, String cls) {
        return split.getOrDefault(cls, List.of()).size();
    }
}
