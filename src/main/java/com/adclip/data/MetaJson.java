package com.adclip.data;

import com.adclip.AdclipException;
import com.adclip.files.AtomicFiles;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * The reference's dataset index, {@code meta.json}: {@code {"train"|"test"|"val": {CLASS: [{img_path,
 * mask_path, cls_name, specie_name, anomaly}]}}}, paths relative to the file's folder, {@code mask_path} ""
 * for no mask.
 */
public final class MetaJson {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MetaJson() {}

    /** Reads an index; every listed image and mask must exist. */
    static Dataset read(Path file) {
        if (!Files.exists(file)) {
            throw new AdclipException("meta.json file " + file + " does not exist; pass a dataset folder or an "
                    + "existing meta.json");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new AdclipException("cannot parse " + file + " as JSON: "
                    + e.getMessage().lines().findFirst().orElse("") + " (is it a meta.json index?)", e);
        }
        if (tree == null || !tree.isObject()) {
            throw new AdclipException(file + " is not a meta.json index: expected an object with train/test/val "
                    + "splits");
        }
        Path root = file.toAbsolutePath().normalize().getParent();
        Map<String, Map<String, List<Sample>>> splits = new LinkedHashMap<>();
        for (String split : Dataset.SPLITS) {
            splits.put(split, readSplit(file, root, split, tree.get(split)));
        }
        if (!Dataset.SPLITS.stream().anyMatch(tree::has)) {
            throw new AdclipException(file + " is not a meta.json index: it has none of the keys train, test, val "
                    + "(found " + fieldNames(tree) + ")");
        }
        return new Dataset(root, Layout.META_JSON, splits.get("train"), splits.get("test"), splits.get("val"));
    }

    private static String fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names.isEmpty() ? "nothing" : String.join(", ", names);
    }

    private static Map<String, List<Sample>> readSplit(Path file, Path root, String split, JsonNode node) {
        Map<String, List<Sample>> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new AdclipException(file + ": split \"" + split + "\" must map class names to lists of images");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> cls = it.next();
            String where = file + ": " + split + "/" + cls.getKey();
            if (!cls.getValue().isArray()) {
                throw new AdclipException(where + " must be a list of images");
            }
            if (cls.getValue().isEmpty()) {
                throw new AdclipException(where + " has no images; remove the class or add its images");
            }
            List<Sample> samples = new ArrayList<>();
            int index = 0;
            for (JsonNode entry : cls.getValue()) {
                samples.add(entry(where + " entry " + index++, root, cls.getKey(), entry));
            }
            out.put(cls.getKey(), samples);
        }
        return out;
    }

    private static Sample entry(String where, Path root, String classKey, JsonNode entry) {
        if (!entry.isObject()) {
            throw new AdclipException(where + " must be an object with img_path, mask_path, cls_name, "
                    + "specie_name, anomaly");
        }
        String imgPath = text(entry, "img_path", where);
        if (imgPath == null || imgPath.isEmpty()) {
            throw new AdclipException(where + " has no img_path");
        }
        Path image = root.resolve(imgPath).normalize();
        if (!Files.isRegularFile(image)) {
            throw new AdclipException(where + ": image " + image + " does not exist");
        }
        JsonNode anomalyNode = entry.get("anomaly");
        boolean anomaly;
        if (anomalyNode != null && anomalyNode.isBoolean()) {
            anomaly = anomalyNode.booleanValue();
        } else if (anomalyNode != null && anomalyNode.isIntegralNumber()
                && (anomalyNode.intValue() == 0 || anomalyNode.intValue() == 1)) {
            anomaly = anomalyNode.intValue() == 1;
        } else {
            throw new AdclipException(where + ": \"anomaly\" must be 0 or 1, got " + anomalyNode);
        }
        String maskPath = Optional.ofNullable(text(entry, "mask_path", where)).orElse("");
        Optional<MaskSource> mask = Optional.empty();
        if (anomaly && !maskPath.isEmpty()) {
            Path maskFile = root.resolve(maskPath).normalize();
            if (!Files.isRegularFile(maskFile)) {
                throw new AdclipException(where + ": mask " + maskFile + " does not exist (set mask_path to \"\" "
                        + "for a defective image without a mask)");
            }
            mask = Optional.of(new MaskSource.File(maskFile));
        }
        String cls = Optional.ofNullable(text(entry, "cls_name", where)).filter(s -> !s.isBlank())
                .orElse(classKey);
        String specie = Optional.ofNullable(text(entry, "specie_name", where)).filter(s -> !s.isBlank())
                .orElse(anomaly ? "anomaly" : Sample.GOOD);
        return new Sample(image, mask, cls, specie, anomaly);
    }

    private static String text(JsonNode entry, String key, String where) {
        JsonNode node = entry.get(key);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new AdclipException(where + ": \"" + key + "\" must be a string, got " + node);
        }
        return node.textValue();
    }

    /**
     * What {@link #write} wrote.
     *
     * @param file the index
     * @param images entries written (an image in two splits counts twice)
     * @param drawnMasks masks rasterised from boxes/polygons and written as PNG files
     * @param masksDir where those PNGs are ({@code masks/} next to the index)
     */
    public record Written(Path file, int images, int drawnMasks, Path masksDir) {}

    /**
     * Writes {@code dataset} as a {@code meta.json} index at {@code out}, paths relative to its folder. Masks
     * drawn from boxes/polygons are written as 0/255 L PNGs {@code masks/<image path>_mask.png} next to it,
     * since the index can only name mask files. The index is written atomically.
     */
    public static Written write(Dataset dataset, Path out) {
        Path file = out.toAbsolutePath().normalize();
        Path dir = file.getParent();
        Path masksDir = dir.resolve("masks");
        ObjectNode tree = JSON.createObjectNode();
        int images = 0;
        int drawn = 0;
        java.util.Set<Path> written = new java.util.HashSet<>();
        for (String split : Dataset.SPLITS) {
            Map<String, List<Sample>> samples = dataset.split(split);
            if (split.equals("val") && samples.isEmpty()) {
                continue;
            }
            ObjectNode splitNode = tree.putObject(split);
            for (Map.Entry<String, List<Sample>> cls : samples.entrySet()) {
                ArrayNode list = splitNode.putArray(cls.getKey());
                for (Sample s : cls.getValue()) {
                    String maskPath = "";
                    if (s.mask().isPresent()) {
                        MaskSource m = s.mask().get();
                        Path maskFile;
                        if (m instanceof MaskSource.File f) {
                            maskFile = f.path();
                        } else {
                            maskFile = drawnMaskPath(dataset.root(), masksDir, s.image());
                            if (written.add(maskFile)) {
                                writePng(m.toGray(), maskFile);
                                drawn++;
                            }
                        }
                        maskPath = ImageFiles.relative(dir, maskFile);
                    }
                    ObjectNode e = list.addObject();
                    e.put("img_path", ImageFiles.relative(dir, s.image()));
                    e.put("mask_path", maskPath);
                    e.put("cls_name", s.className());
                    e.put("specie_name", s.defectType());
                    e.put("anomaly", s.anomaly() ? 1 : 0);
                    images++;
                }
            }
        }
        writeAtomically(file, tree);
        return new Written(file, images, drawn, masksDir);
    }

    private static Path drawnMaskPath(Path root, Path masksDir, Path image) {
        String rel = image.startsWith(root) ? ImageFiles.relative(root, image) : image.getFileName().toString();
        int dot = rel.lastIndexOf('.');
        String base = dot > rel.lastIndexOf('/') ? rel.substring(0, dot) : rel;
        return masksDir.resolve(base + "_mask.png").normalize();
    }

    private static void writePng(BufferedImage gray, Path file) {
        try {
            Files.createDirectories(file.getParent());
            if (!ImageIO.write(gray, "png", file.toFile())) {
                throw new AdclipException("cannot write mask " + file + ": no PNG writer");
            }
        } catch (IOException e) {
            throw new AdclipException("cannot write mask " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writeAtomically(Path file, JsonNode tree) {
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.writeString(file, JSON.writeValueAsString(tree) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new AdclipException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
