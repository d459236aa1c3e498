package com.adclip.data;

import com.adclip.AdclipException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The plain folder layout: {@code [CLASS/][train|test|val/](good|TYPE)/IMAGE}, masks beside the images
 * ({@code NAME_mask.png}) or in a {@code masks/} tree mirroring the image tree, or boxes/polygons in an
 * annotation file at the root. See {@code docs/datasets.md}.
 */
final class FolderReader {

    static final List<String> SPLIT_NAMES = List.of("train", "test", "val");
    static final String GOOD = "good";
    static final String MASKS = "masks";

    private FolderReader() {}

    /** Whether {@code dir} is one class: it has {@code good/} or {@code train/}, {@code test/}, {@code val/}. */
    static boolean isClassDir(Path dir) {
        return Files.isDirectory(dir.resolve(GOOD)) || SPLIT_NAMES.stream().anyMatch(s -> Files.isDirectory(dir.resolve(s)));
    }

    /** Whether {@code root} looks like a plain folder dataset (a class, or a folder holding some). */
    static boolean matches(Path root) {
        if (isClassDir(root)) {
            return true;
        }
        return classCandidates(root).stream().anyMatch(FolderReader::isClassDir);
    }

    private static List<Path> classCandidates(Path root) {
        return ImageFiles.folders(root).stream().filter(p -> !p.getFileName().toString().equals(MASKS)).toList();
    }

    static Dataset read(Path root) {
        Path annotationFile = Annotations.find(root);
        Map<String, Annotations.Entry> annotations = annotationFile == null ? Map.of()
                : new LinkedHashMap<>(Annotations.read(annotationFile));
        Map<String, Path> classes = new LinkedHashMap<>();
        if (isClassDir(root)) {
            Path name = root.getFileName();
            classes.put(name == null ? "object" : name.toString(), root);
        } else {
            for (Path dir : classCandidates(root)) {
                if (!isClassDir(dir)) {
                    throw new AdclipException("folder " + dir + " is neither a class (with good/ or train/, test/, "
                            + "val/ inside) nor the masks/ tree; move it out of the dataset or see docs/datasets.md");
                }
                classes.put(dir.getFileName().toString(), dir);
            }
        }
        Set<String> used = new HashSet<>();
        Map<String, List<Sample>> train = new LinkedHashMap<>();
        Map<String, List<Sample>> test = new LinkedHashMap<>();
        Map<String, List<Sample>> val = new LinkedHashMap<>();
        Context ctx = new Context(root, annotationFile, annotations, used);
        for (Map.Entry<String, Path> cls : classes.entrySet()) {
            String name = cls.getKey();
            Path dir = cls.getValue();
            boolean split = SPLIT_NAMES.stream().anyMatch(s -> Files.isDirectory(dir.resolve(s)));
            if (split && Files.isDirectory(dir.resolve(GOOD))) {
                throw new AdclipException("class folder " + dir + " has both good/ and train/test/val folders; "
                        + "put good/ inside the split folders");
            }
            int count = 0;
            if (split) {
                for (String s : SPLIT_NAMES) {
                    Path splitDir = dir.resolve(s);
                    if (Files.isDirectory(splitDir)) {
                        List<Sample> samples = types(ctx, name, splitDir);
                        count += samples.size();
                        if (!samples.isEmpty()) {
                            (s.equals("train") ? train : s.equals("test") ? test : val).put(name, samples);
                        }
                    }
                }
            } else {
                List<Sample> samples = types(ctx, name, dir);
                count = samples.size();
                train.put(name, samples);
                test.put(name, samples);
            }
            if (count == 0) {
                throw new AdclipException("class " + name + " has no images (folder " + dir + "); put images in "
                        + "its good/ and defect-type folders (" + String.join(", ", ImageFiles.EXTENSIONS.stream()
                        .sorted().toList()) + ")");
            }
        }
        for (String key : annotations.keySet()) {
            if (!used.contains(key)) {
                throw new AdclipException(annotationFile + ": " + annotations.get(key).origin() + " names image "
                        + key + ", which is not a dataset image (looked for " + root.resolve(key).normalize() + ")");
            }
        }
        return new Dataset(root, Layout.FOLDER, train, test, val);
    }

    private record Context(Path root, Path annotationFile, Map<String, Annotations.Entry> annotations,
            Set<String> used) {}

    private static List<Sample> types(Context ctx, String cls, Path dir) {
        List<Sample> out = new ArrayList<>();
        for (Path typeDir : ImageFiles.folders(dir)) {
            String type = typeDir.getFileName().toString();
            if (type.equals(MASKS)) {
                continue;
            }
            boolean anomaly = !type.equals(GOOD);
            for (Path image : ImageFiles.images(typeDir)) {
                out.add(new Sample(image, mask(ctx, image, anomaly), cls, anomaly ? type : Sample.GOOD, anomaly));
            }
        }
        return out;
    }

    private static Optional<MaskSource> mask(Context ctx, Path image, boolean anomaly) {
        String rel = ImageFiles.relative(ctx.root(), image);
        Annotations.Entry entry = ctx.annotations().get(rel);
        if (entry != null) {
            ctx.used().add(rel);
        }
        if (!anomaly) {
            if (entry != null && !entry.shapes().isEmpty()) {
                throw new AdclipException(ctx.annotationFile() + ": " + entry.origin() + " draws defects on "
                        + rel + ", which is in a good/ folder; move the image to a defect folder or drop its shapes");
            }
            return Optional.empty();
        }
        String stem = ImageFiles.stem(image);
        Path relDir = ctx.root().relativize(image.getParent());
        Path masks = ctx.root().resolve(MASKS).resolve(relDir);
        for (Path candidate : List.of(image.resolveSibling(stem + "_mask.png"), masks.resolve(stem + ".png"),
                masks.resolve(stem + "_mask.png"))) {
            if (Files.isRegularFile(candidate)) {
                return Optional.of(new MaskSource.File(candidate));
            }
        }
        if (entry != null && !entry.shapes().isEmpty()) {
            return Optional.of(new MaskSource.Drawn(image, entry.shapes(), entry.labels(), entry.origin()));
        }
        return Optional.empty();
    }
}
