package com.adclip.data;

import com.adclip.AdclipException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Box and polygon annotation files of a plain folder ({@code annotations.json} or {@code annotations.csv} at
 * its root), read into shapes per image path (relative to the root, {@code /} separators). Schemas are in
 * {@code docs/datasets.md}.
 */
final class Annotations {

    static final String JSON_NAME = "annotations.json";
    static final String CSV_NAME = "annotations.csv";

    /**
     * The shapes of one image, their defect-type labels, and where they were read (for messages).
     *
     * @param labels one per shape, {@code ""} for a shape without a label
     * @param origin the file and entry, e.g. {@code annotations.csv row 3}
     */
    record Entry(List<MaskShape> shapes, List<String> labels, String origin) {}

    private Annotations() {}

    /** The annotation file under {@code root}, if any; both kinds at once is an error. */
    static Path find(Path root) {
        Path json = root.resolve(JSON_NAME);
        Path csv = root.resolve(CSV_NAME);
        boolean hasJson = Files.isRegularFile(json);
        boolean hasCsv = Files.isRegularFile(csv);
        if (hasJson && hasCsv) {
            throw new AdclipException("dataset " + root + " has both " + JSON_NAME + " and " + CSV_NAME
                    + "; keep one annotation file");
        }
        return hasJson ? json : hasCsv ? csv : null;
    }

    /** Reads an annotation file into shapes per relative image path (insertion order). */
    static Map<String, Entry> read(Path file) {
        return file.getFileName().toString().endsWith(".csv") ? readCsv(file) : readJson(file);
    }

    // ---- JSON

    private static Map<String, Entry> readJson(Path file) {
        JsonNode tree;
        try {
            tree = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new AdclipException("cannot parse " + file + " as JSON: "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
        JsonNode images = tree == null ? null : tree.get("images");
        if (images != null && images.isObject()) {
            return readSimpleJson(file, images);
        }
        if (images != null && images.isArray() && tree.has("annotations")) {
            return readCoco(file, images, tree.get("annotations"), tree.get("categories"));
        }
        throw new AdclipException(file + ": expected {\"images\": {\"PATH\": [{\"box\": [x,y,w,h]}, "
                + "{\"polygon\": [[x,y], ...]}]}} or a COCO file with \"images\" and \"annotations\" lists");
    }

    private static Map<String, Entry> readSimpleJson(Path file, JsonNode images) {
        Map<String, Entry> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = images.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> image = it.next();
            String where = file.getFileName() + " image \"" + image.getKey() + "\"";
            if (!image.getValue().isArray()) {
                throw new AdclipException(file + ": image \"" + image.getKey() + "\" must map to a list of "
                        + "{\"box\": [x,y,w,h]} or {\"polygon\": [[x,y], ...]} objects");
            }
            List<MaskShape> shapes = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            int index = 0;
            for (JsonNode shape : image.getValue()) {
                String at = file + ": image \"" + image.getKey() + "\" shape " + index++;
                labels.add(label(shape.get("label"), at));
                JsonNode box = shape.get("box");
                JsonNode polygon = shape.get("polygon");
                if (box != null && polygon == null) {
                    shapes.add(box(numbers(box, at + " box"), at));
                } else if (polygon != null && box == null) {
                    shapes.add(polygon(points(polygon, at), at));
                } else {
                    throw new AdclipException(at + ": expected exactly one of \"box\" or \"polygon\"");
                }
            }
            out.put(normalise(image.getKey()), new Entry(List.copyOf(shapes), List.copyOf(labels), where));
        }
        return out;
    }

    private static Map<String, Entry> readCoco(Path file, JsonNode images, JsonNode annotations,
            JsonNode categoryList) {
        Map<Long, String> categories = categories(file, categoryList);
        Map<Long, String> names = new HashMap<>();
        Map<String, Entry> out = new LinkedHashMap<>();
        for (JsonNode image : images) {
            JsonNode id = image.get("id");
            JsonNode name = image.get("file_name");
            if (id == null || !id.canConvertToLong() || name == null || !name.isTextual()) {
                throw new AdclipException(file + ": every COCO image needs a numeric \"id\" and a \"file_name\", got "
                        + image);
            }
            names.put(id.longValue(), normalise(name.textValue()));
            out.put(normalise(name.textValue()), new Entry(new ArrayList<>(), new ArrayList<>(),
                    file.getFileName() + " image \"" + name.textValue() + "\""));
        }
        if (annotations == null || !annotations.isArray()) {
            throw new AdclipException(file + ": \"annotations\" must be a list");
        }
        int index = 0;
        for (JsonNode a : annotations) {
            String at = file + ": annotation " + index++;
            JsonNode imageId = a.get("image_id");
            String name = imageId == null || !imageId.canConvertToLong() ? null : names.get(imageId.longValue());
            if (name == null) {
                throw new AdclipException(at + ": image_id " + imageId + " is not in \"images\"");
            }
            List<MaskShape> shapes = out.get(name).shapes();
            List<String> labels = out.get(name).labels();
            String label = category(a.get("category_id"), categories, at);
            JsonNode seg = a.get("segmentation");
            if (seg != null && seg.isObject()) {
                throw new AdclipException(at + ": RLE segmentations are not supported; export polygons or masks");
            }
            if (seg != null && seg.isArray() && !seg.isEmpty()) {
                for (JsonNode poly : seg) {
                    double[] flat = numbers(poly, at + " segmentation");
                    shapes.add(polygon(pairs(flat, at + " segmentation"), at));
                    labels.add(label);
                }
            } else if (a.has("bbox")) {
                shapes.add(box(numbers(a.get("bbox"), at + " bbox"), at));
                labels.add(label);
            } else {
                throw new AdclipException(at + ": has neither a polygon \"segmentation\" nor a \"bbox\"");
            }
        }
        Map<String, Entry> frozen = new LinkedHashMap<>();
        out.forEach((k, v) -> frozen.put(k, new Entry(List.copyOf(v.shapes()), List.copyOf(v.labels()), v.origin())));
        return frozen;
    }

    /** A shape's {@code "label"}: {@code ""} when absent, else a non-blank string. */
    private static String label(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            return "";
        }
        if (!node.isTextual() || node.textValue().isBlank()) {
            throw new AdclipException(at + ": \"label\" must be a defect type name, got " + node);
        }
        return node.textValue().strip();
    }

    /** COCO {@code categories}: id to name; empty when the file has none. */
    private static Map<Long, String> categories(Path file, JsonNode list) {
        Map<Long, String> out = new HashMap<>();
        if (list == null || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            throw new AdclipException(file + ": \"categories\" must be a list of {\"id\": N, \"name\": \"...\"}");
        }
        for (JsonNode c : list) {
            JsonNode id = c.get("id");
            JsonNode name = c.get("name");
            if (id == null || !id.canConvertToLong() || name == null || !name.isTextual() || name.textValue().isBlank()) {
                throw new AdclipException(file + ": every COCO category needs a numeric \"id\" and a \"name\", got "
                        + c);
            }
            out.put(id.longValue(), name.textValue().strip());
        }
        return out;
    }

    /** The label of a COCO annotation: its category's name, {@code ""} without a {@code category_id}. */
    private static String category(JsonNode id, Map<Long, String> categories, String at) {
        if (id == null || id.isNull() || categories.isEmpty()) {
            return "";
        }
        String name = id.canConvertToLong() ? categories.get(id.longValue()) : null;
        if (name == null) {
            throw new AdclipException(at + ": category_id " + id + " is not in \"categories\"");
        }
        return name;
    }

    private static double[] numbers(JsonNode node, String at) {
        if (node == null || !node.isArray()) {
            throw new AdclipException(at + ": expected a list of numbers, got " + node);
        }
        double[] out = new double[node.size()];
        for (int i = 0; i < out.length; i++) {
            if (!node.get(i).isNumber()) {
                throw new AdclipException(at + ": expected numbers, got " + node.get(i));
            }
            out[i] = node.get(i).doubleValue();
        }
        return out;
    }

    private static List<MaskShape.Point> points(JsonNode node, String at) {
        if (node == null || !node.isArray()) {
            throw new AdclipException(at + ": \"polygon\" must be a list of [x, y] points");
        }
        List<MaskShape.Point> out = new ArrayList<>();
        for (JsonNode p : node) {
            double[] xy = numbers(p, at + " polygon point");
            if (xy.length != 2) {
                throw new AdclipException(at + ": a polygon point must be [x, y], got " + p);
            }
            out.add(point(xy[0], xy[1], at));
        }
        return out;
    }

    // ---- CSV

    private static Map<String, Entry> readCsv(Path file) {
        Map<String, List<MaskShape>> shapes = new LinkedHashMap<>();
        Map<String, List<String>> labels = new HashMap<>();
        Map<String, String> origins = new HashMap<>();
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
                .setIgnoreSurroundingSpaces(true).setIgnoreEmptyLines(true).setTrim(true).build();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser parser = format.parse(reader)) {
            Map<String, Integer> header = parser.getHeaderMap();
            boolean boxes = header.keySet().containsAll(List.of("x", "y", "w", "h"));
            boolean polygons = header.containsKey("polygon");
            if (!header.containsKey("image") || !(boxes || polygons)) {
                throw new AdclipException(file + ": the header must have an \"image\" column and either "
                        + "\"x,y,w,h\" or \"polygon\" columns, found " + String.join(",", header.keySet()));
            }
            for (CSVRecord row : parser) {
                String at = file + " row " + (row.getRecordNumber() + 1);
                String image = cell(row, "image");
                if (image.isEmpty()) {
                    throw new AdclipException(at + ": empty \"image\" cell");
                }
                String polygon = polygons ? cell(row, "polygon") : "";
                MaskShape shape;
                if (!polygon.isEmpty()) {
                    String[] parts = polygon.split("[\\s,]+");
                    double[] flat = new double[parts.length];
                    for (int i = 0; i < parts.length; i++) {
                        flat[i] = number(parts[i], at + " polygon");
                    }
                    shape = polygon(pairs(flat, at + " polygon"), at);
                } else if (boxes) {
                    shape = box(new double[] {number(cell(row, "x"), at + " x"), number(cell(row, "y"), at + " y"),
                        number(cell(row, "w"), at + " w"), number(cell(row, "h"), at + " h")}, at);
                } else {
                    throw new AdclipException(at + ": empty \"polygon\" cell");
                }
                String key = normalise(image);
                shapes.computeIfAbsent(key, k -> new ArrayList<>()).add(shape);
                labels.computeIfAbsent(key, k -> new ArrayList<>()).add(cell(row, "label"));
                origins.putIfAbsent(key, file.getFileName() + " row " + (row.getRecordNumber() + 1));
            }
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            throw new AdclipException("cannot read " + file + " as CSV: " + e.getMessage(), e);
        }
        Map<String, Entry> out = new LinkedHashMap<>();
        shapes.forEach((k, v) -> out.put(k, new Entry(List.copyOf(v), List.copyOf(labels.get(k)), origins.get(k))));
        return out;
    }

    private static String cell(CSVRecord row, String column) {
        return row.isSet(column) ? row.get(column).strip() : "";
    }

    private static double number(String text, String at) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new AdclipException(at + ": \"" + text + "\" is not a number");
        }
    }

    // ---- shapes

    private static MaskShape box(double[] v, String at) {
        if (v.length != 4) {
            throw new AdclipException(at + ": a box is [x, y, w, h] in pixels, got " + v.length + " numbers");
        }
        try {
            return new MaskShape.Box(v[0], v[1], v[2], v[3]);
        } catch (IllegalArgumentException e) {
            throw new AdclipException(at + ": " + e.getMessage());
        }
    }

    private static List<MaskShape.Point> pairs(double[] flat, String at) {
        if (flat.length % 2 != 0) {
            throw new AdclipException(at + ": a polygon is x1 y1 x2 y2 ...; got an odd count of numbers ("
                    + flat.length + ")");
        }
        List<MaskShape.Point> out = new ArrayList<>();
        for (int i = 0; i < flat.length; i += 2) {
            out.add(point(flat[i], flat[i + 1], at));
        }
        return out;
    }

    private static MaskShape.Point point(double x, double y, String at) {
        try {
            return new MaskShape.Point(x, y);
        } catch (IllegalArgumentException e) {
            throw new AdclipException(at + ": " + e.getMessage());
        }
    }

    private static MaskShape polygon(List<MaskShape.Point> points, String at) {
        try {
            return new MaskShape.Polygon(points);
        } catch (IllegalArgumentException e) {
            throw new AdclipException(at + ": " + e.getMessage());
        }
    }

    /** An image key as a relative path with {@code /} separators and no leading {@code ./}. */
    static String normalise(String key) {
        String k = key.strip().replace('\\', '/');
        while (k.startsWith("./")) {
            k = k.substring(2);
        }
        return k;
    }
}
