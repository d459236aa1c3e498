package com.adclip.data;

import com.adclip.AdclipException;
import com.adclip.image.ImagePreprocessor;
import com.adclip.files.FileErrors;
import java.awt.Dimension;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a loaded dataset for problems that do not stop loading: defective images without a mask, masks whose
 * size differs from their image, duplicate images (same SHA-256 of the file bytes), unreadable files.
 *
 * <p>Sizes come from the image headers (ImageIO readers, EXIF orientation applied), so a header that cannot be
 * read makes a file unreadable, but a file whose pixel data is truncated or corrupt is only found with
 * {@code decode}, which decodes every image and mask fully (as training would; much slower). Every image is
 * read once in full for its hash.
 */
public final class DatasetInspection {

    private DatasetInspection() {}

    /** Kinds of problems, in report order. */
    public enum Kind {
        NO_MASK("defective images with no mask (image-level label only)"),
        MASK_SIZE("masks whose size differs from their image"),
        DUPLICATE("duplicate images (same content)"),
        UNREADABLE("unreadable files");

        private final String title;

        Kind(String title) {
            this.title = title;
        }

        /** A heading for the report. */
        public String title() {
            return title;
        }
    }

    /**
     * One problem.
     *
     * @param kind what is wrong
     * @param file the file concerned
     * @param detail what exactly, or "" when the kind says it all
     */
    public record Problem(Kind kind, Path file, String detail) {}

    /**
     * Counts for one class, over its distinct images (an image in two splits counts once).
     *
     * @param name the class
     * @param good good images
     * @param defective defective images
     * @param defectTypes defective images per type, sorted by type
     * @param splits images per split (train, test, val; absent when 0)
     */
    public record ClassSummary(String name, int good, int defective, Map<String, Integer> defectTypes,
            Map<String, Integer> splits) {}

    /**
     * The inspection result.
     *
     * @param dataset the dataset inspected
     * @param classes per class, in the dataset's order
     * @param problems in {@link Kind} order, then in dataset order
     * @param unusableClasses classes none of whose images could be read
     */
    public record Report(Dataset dataset, List<ClassSummary> classes, List<Problem> problems,
            List<String> unusableClasses) {
        /** Whether every class has at least one readable image. */
        public boolean usable() {
            return unusableClasses.isEmpty();
        }
    }

    /** Inspects {@code dataset}; {@code decode} decodes every image and mask fully to check readability. */
    public static Report inspect(Dataset dataset, boolean decode) {
        List<ClassSummary> classes = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        List<String> unusable = new ArrayList<>();
        Map<String, Path> hashes = new LinkedHashMap<>();
        for (String cls : dataset.classes()) {
            Map<Path, Sample> distinct = new LinkedHashMap<>();
            Map<String, Integer> splits = new LinkedHashMap<>();
            for (String split : Dataset.SPLITS) {
                List<Sample> samples = dataset.split(split).getOrDefault(cls, List.of());
                if (!samples.isEmpty()) {
                    splits.put(split, samples.size());
                }
                samples.forEach(s -> distinct.putIfAbsent(s.image(), s));
            }
            int good = 0;
            int readable = 0;
            Map<String, Integer> types = new TreeMap<>();
            for (Sample s : distinct.values()) {
                if (s.anomaly()) {
                    types.merge(s.defectType(), 1, Integer::sum);
                } else {
                    good++;
                }
                if (check(s, decode, hashes, problems)) {
                    readable++;
                }
            }
            if (readable == 0) {
                unusable.add(cls);
            }
            classes.add(new ClassSummary(cls, good, distinct.size() - good, types, splits));
        }
        problems.sort((a, b) -> a.kind().compareTo(b.kind()));
        return new Report(dataset, classes, List.copyOf(problems), unusable);
    }

    /** Adds the problems of one sample; whether its image is readable. */
    private static boolean check(Sample s, boolean decode, Map<String, Path> hashes, List<Problem> problems) {
        Dimension imageSize = size(s.image(), decode, problems);
        if (imageSize != null) {
            try {
                String hash = sha256(s.image());
                Path first = hashes.putIfAbsent(hash, s.image());
                if (first != null) {
                    problems.add(new Problem(Kind.DUPLICATE, s.image(), "same content as " + first));
                }
            } catch (IOException e) {
                problems.add(new Problem(Kind.UNREADABLE, s.image(), "cannot read the file: " + FileErrors.reason(e)));
                imageSize = null;
            }
        }
        if (s.anomaly() && s.mask().isEmpty()) {
            problems.add(new Problem(Kind.NO_MASK, s.image(), ""));
        }
        if (s.mask().orElse(null) instanceof MaskSource.File f) {
            Dimension maskSize = size(f.path(), decode, problems);
            if (maskSize != null && imageSize != null && !maskSize.equals(imageSize)) {
                problems.add(new Problem(Kind.MASK_SIZE, f.path(), "mask " + maskSize.width + "x" + maskSize.height
                        + ", image " + imageSize.width + "x" + imageSize.height + " (" + s.image() + ")"));
            }
        }
        return imageSize != null;
    }

    private static Dimension size(Path file, boolean decode, List<Problem> problems) {
        try {
            Dimension size = ImagePreprocessor.loadedSize(file);
            if (decode) {
                ImagePreprocessor.loadGray(file);
            }
            return size;
        } catch (AdclipException e) {
            problems.add(new Problem(Kind.UNREADABLE, file, e.getMessage()));
            return null;
        }
    }

    private static String sha256(Path file) throws IOException {
        return com.adclip.Sha256.of(file);
    }
}
