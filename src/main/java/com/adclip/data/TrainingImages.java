package com.adclip.data;

import com.adclip.AdclipException;
import com.adclip.Sha256;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a bundle records about the data it was trained on: the SHA-256 of every training image's bytes (so a
 * copy under another name is still recognised), and the carved test split with its images by path relative to
 * the data root and hash. Stored in the bundle's training provenance under {@link #KEY}.
 *
 * @param trainHashes the SHA-256 of every image the prompts were trained on (validation images excluded)
 * @param split how the test split was carved, or null when the data had explicit splits
 * @param test the test images: path relative to the data root, then SHA-256
 */
public record TrainingImages(Set<String> trainHashes, TestSplit split, Map<String, String> test) {

    /** The key of this record in a bundle's training map. */
    public static final String KEY = "data_split";

    public TrainingImages {
        // sorted, so that two identical runs write byte-identical manifests (Set.copyOf's order varies per JVM)
        trainHashes = java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(trainHashes));
        test = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(test));
    }

    /**
     * The record of a run training on {@code train} with {@code dataset}'s test split.
     *
     * @param dataset the dataset as trained, its test split already carved
     * @param split how the test split was carved, or null when nothing was carved
     */
    public static TrainingImages of(Dataset dataset, TestSplit split, Collection<Sample> train) {
        Set<String> hashes = new LinkedHashSet<>();
        train.forEach(s -> hashes.add(hash(s)));
        Map<String, String> test = new LinkedHashMap<>();
        dataset.samples("test").forEach(s -> test.put(TestSplit.relative(dataset, s), hash(s)));
        return new TrainingImages(hashes, split, test);
    }

    /** The SHA-256 of a sample's image file. */
    static String hash(Sample sample) {
        try {
            return Sha256.of(sample.image());
        } catch (IOException e) {
            throw new AdclipException("cannot read image " + sample.image() + ": " + e.getMessage(), e);
        }
    }

    /** As stored in the bundle (JSON-friendly maps and lists). */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (split != null) {
            Map<String, Object> carved = new LinkedHashMap<>();
            carved.put("fraction", split.fraction());
            carved.put("seed", split.seed());
            out.put("test_split", carved);
        }
        List<Map<String, String>> tests = new ArrayList<>();
        test.forEach((path, sha) -> {
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("path", path);
            entry.put("sha256", sha);
            tests.add(entry);
        });
        out.put("test_images", tests);
        out.put("train_images_sha256", new ArrayList<>(trainHashes));
        return out;
    }

    /** Reads the record from a bundle's training map; empty when the bundle has none (imported, older). */
    public static Optional<TrainingImages> from(Map<String, Object> training) {
        if (!(training.get(KEY) instanceof Map<?, ?> m)) {
            return Optional.empty();
        }
        TestSplit split = null;
        if (m.get("test_split") instanceof Map<?, ?> s) {
            split = new TestSplit(((Number) s.get("fraction")).doubleValue(), ((Number) s.get("seed")).longValue());
        }
        Map<String, String> test = new LinkedHashMap<>();
        if (m.get("test_images") instanceof List<?> list) {
            for (Object o : list) {
                Map<?, ?> e = (Map<?, ?>) o;
                test.put(String.valueOf(e.get("path")), String.valueOf(e.get("sha256")));
            }
        }
        Set<String> hashes = new LinkedHashSet<>();
        if (m.get("train_images_sha256") instanceof List<?> list) {
            list.forEach(h -> hashes.add(String.valueOf(h)));
        }
        return Optional.of(new TrainingImages(hashes, split, test));
    }

    /**
     * Which of {@code evaluated} the model trained on, by content. A file that cannot be read is not counted
     * (the evaluation reports it).
     */
    public Overlap overlap(Dataset dataset, List<Sample> evaluated) {
        List<String> seen = new ArrayList<>();
        for (Sample s : evaluated) {
            String sha;
            try {
                sha = Sha256.of(s.image());
            } catch (IOException e) {
                continue;
            }
            if (trainHashes.contains(sha)) {
                seen.add(TestSplit.relative(dataset, s));
            }
        }
        return new Overlap(evaluated.size(), seen);
    }

    /**
     * Evaluated images that were also training images.
     *
     * @param evaluated how many images are evaluated
     * @param seen those the model trained on, by path relative to the data root
     */
    public record Overlap(int evaluated, List<String> seen) {
        public Overlap {
            seen = List.copyOf(seen);
        }

        /** Whether any evaluated image was a training image. */
        public boolean any() {
            return !seen.isEmpty();
        }

        /** "12 of 30 test images were used in training: these numbers are optimistic". */
        public String sentence(String split) {
            return String.format(Locale.ROOT, "%d of %d %s images were used in training: these numbers are "
                    + "optimistic", seen.size(), evaluated, split);
        }
    }
}
