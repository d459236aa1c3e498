package com.adclip.data;

import com.adclip.AdclipException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * MVTec AD: {@code CLASS/train/good}, {@code CLASS/test/TYPE} ({@code good} is defect-free),
 * {@code CLASS/ground_truth/TYPE/STEM_mask.png}. The root may also be one class folder.
 */
final class MvtecReader {

    private MvtecReader() {}

    static boolean isClassDir(Path dir) {
        return Files.isDirectory(dir.resolve("test")) && Files.isDirectory(dir.resolve("ground_truth"));
    }

    static boolean matches(Path root) {
        return isClassDir(root) || ImageFiles.folders(root).stream().anyMatch(MvtecReader::isClassDir);
    }

    static Dataset read(Path root) {
        Map<String, Path> classes = new LinkedHashMap<>();
        if (isClassDir(root)) {
            classes.put(root.getFileName() == null ? "object" : root.getFileName().toString(), root);
        } else {
            for (Path dir : ImageFiles.folders(root)) {
                if (!Files.isDirectory(dir.resolve("test"))) {
                    throw new AdclipException("MVTec AD dataset " + root + ": class folder " + dir + " has no test/ "
                            + "folder (expected CLASS/train/good, CLASS/test/TYPE, CLASS/ground_truth/TYPE)");
                }
                classes.put(dir.getFileName().toString(), dir);
            }
        }
        Map<String, List<Sample>> train = new LinkedHashMap<>();
        Map<String, List<Sample>> test = new LinkedHashMap<>();
        for (Map.Entry<String, Path> cls : classes.entrySet()) {
            List<Sample> tr = split(cls.getKey(), cls.getValue(), "train");
            List<Sample> te = split(cls.getKey(), cls.getValue(), "test");
            if (tr.isEmpty() && te.isEmpty()) {
                throw new AdclipException("class " + cls.getKey() + " has no images (folder " + cls.getValue()
                        + "; expected images in train/good and test/TYPE)");
            }
            if (!tr.isEmpty()) {
                train.put(cls.getKey(), tr);
            }
            if (!te.isEmpty()) {
                test.put(cls.getKey(), te);
            }
        }
        return new Dataset(root, Layout.MVTEC, train, test, Map.of());
    }

    private static List<Sample> split(String cls, Path classDir, String split) {
        Path dir = classDir.resolve(split);
        List<Sample> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        for (Path typeDir : ImageFiles.folders(dir)) {
            String type = typeDir.getFileName().toString();
            boolean anomaly = !type.equals(Sample.GOOD);
            for (Path image : ImageFiles.images(typeDir)) {
                Optional<MaskSource> mask = Optional.empty();
                if (anomaly) {
                    Path m = classDir.resolve("ground_truth").resolve(type)
                            .resolve(ImageFiles.stem(image) + "_mask.png");
                    if (Files.isRegularFile(m)) {
                        mask = Optional.of(new MaskSource.File(m));
                    }
                }
                out.add(new Sample(image, mask, cls, type, anomaly));
            }
        }
        return out;
    }
}
