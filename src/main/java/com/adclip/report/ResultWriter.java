package com.adclip.report;

import com.adclip.AdclipException;
import com.adclip.anomaly.DefectRegions;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.anomaly.MapExport;
import com.adclip.anomaly.Prediction;
import com.adclip.Outcome;
import com.adclip.Verdict;
import com.adclip.files.AtomicFiles;
import com.adclip.types.TypeDistribution;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Writes predict's outputs: per-image map files and the results table (JSON, optionally CSV). */
public final class ResultWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final boolean images;
    private final boolean csv;
    private final float mapMax;
    private final List<Object> rows = new ArrayList<>(); // ImageRow or FailedRow
    private final List<String[]> csvRows = new ArrayList<>();
    private boolean typed;

    /**
     * @param images whether to write each image's .npy map, overlay and mask
     * @param csv whether to write results.csv next to results.json
     */
    public ResultWriter(Path dir, boolean images, boolean csv, DetectorConfig config) {
        this.dir = dir;
        this.images = images;
        this.csv = csv;
        this.mapMax = config.featureBlocks().size();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new AdclipException("cannot create output folder " + dir + ": " + e.getMessage(), e);
        }
        csvRows.add(new String[] {"image", "verdict", "score", "p_normal", "p_anomaly", "regions", "map", "overlay",
            "mask", "ms", "error", "type", "type_probability"});
    }

    /**
     * Adds one image's row and writes its map files.
     *
     * @param given the image as the user named it
     * @param outputName the file stem of its map files, relative to the output folder
     */
    public void write(String given, String outputName, Outcome outcome) {
        if (outcome.failed()) {
            rows.add(new FailedRow(given, "ERROR", outcome.error(), round(outcome.millis())));
            csvRows.add(new String[] {given, "ERROR", "", "", "", "", "", "", "", round(outcome.millis()) + "",
                outcome.error(), "", ""});
            return;
        }
        Prediction p = outcome.prediction();
        String map = null;
        String overlay = null;
        String mask = null;
        if (images) {
            map = writeMaps(outputName, outcome);
            overlay = outputName + "_overlay.png";
            mask = outputName + "_mask.png";
        }
        typed |= p.types() != null;
        rows.add(new ImageRow(given, p.score(), p.probabilities(), p.verdict(), map, overlay, mask, p.width(),
                p.height(), p.regions().stream().map(RegionRow::of).toList(), p.types(), round(outcome.millis())));
        boolean showType = p.types() != null && p.verdict() == Verdict.NG;
        csvRows.add(new String[] {given, p.verdict().name(), fmt(p.score()), fmt(p.normal()), fmt(p.score()),
            Integer.toString(p.regions().size()), nullToEmpty(map), nullToEmpty(overlay), nullToEmpty(mask),
            Double.toString(round(outcome.millis())), "", showType ? p.types().top() : "",
            showType ? fmt(p.types().topProbability()) : ""});
    }

    /**
     * One image's object in results.json ({@code docs/predict.md}), in this order.
     *
     * @param map the .npy file relative to the output folder, null with {@code --no-images} (likewise overlay, mask)
     * @param types the image's defect types, most probable first; absent for a bundle without defect types
     * @param ms to 0.1
     */
    record ImageRow(String image, double score, Prediction.Probabilities probabilities, Verdict verdict, String map,
            String overlay, String mask, int width, int height, List<RegionRow> regions,
            @JsonInclude(JsonInclude.Include.NON_NULL) TypeDistribution types, double ms) {}

    /**
     * One region of an {@link ImageRow}: bounding box, area and scores.
     *
     * @param types the region's defect types; absent for a bundle without defect types
     */
    record RegionRow(int x, int y, int width, int height, int area, @JsonProperty("max_score") float maxScore,
            @JsonProperty("mean_score") float meanScore,
            @JsonInclude(JsonInclude.Include.NON_NULL) TypeDistribution types) {

        static RegionRow of(DefectRegions.Region r) {
            return new RegionRow(r.x(), r.y(), r.width(), r.height(), r.area(), r.maxScore(), r.meanScore(),
                    r.types());
        }
    }

    /** A failed input's object in results.json: {@code verdict} is {@code "ERROR"}. */
    record FailedRow(String image, String verdict, String error, double ms) {}

    private String writeMaps(String name, Outcome outcome) {
        Prediction p = outcome.prediction();
        Path npy = dir.resolve(name + ".npy");
        try {
            Files.createDirectories(npy.getParent());
        } catch (IOException e) {
            throw new AdclipException("cannot create " + npy.getParent() + ": " + e.getMessage(), e);
        }
        MapExport.writeAll(npy, dir.resolve(name + "_mask.png"), dir.resolve(name + "_overlay.png"), p,
                outcome.picture(), mapMax);
        return name + ".npy";
    }

    /** Writes results.json (and results.csv) atomically. */
    public void finish() {
        writeAtomically(dir.resolve("results.json"), writer -> JSON.writeValue(writer, rows));
        if (csv) {
            // the type columns only for a bundle with defect types (older bundles: the columns as before)
            int columns = typed ? csvRows.get(0).length : csvRows.get(0).length - 2;
            List<String> lines = csvRows.stream().map(r -> csvLine(java.util.Arrays.copyOf(r, columns))).toList();
            writeAtomically(dir.resolve("results.csv"), writer -> writer.write(String.join("\n", lines) + "\n"));
        }
    }

    private interface Body {
        void write(Writer writer) throws IOException;
    }

    private static void writeAtomically(Path file, Body body) {
        try {
            AtomicFiles.write(file, temp -> {
                try (Writer writer = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                    body.write(writer);
                }
            });
        } catch (IOException e) {
            throw new AdclipException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static String csvLine(String... cells) {
        List<String> quoted = new ArrayList<>();
        for (String cell : cells) {
            boolean quote = cell.contains(",") || cell.contains("\"") || cell.contains("\n");
            quoted.add(quote ? "\"" + cell.replace("\"", "\"\"") + "\"" : cell);
        }
        return String.join(",", quoted);
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.6f", value);
    }

    private static double round(double millis) {
        return Math.round(millis * 10) / 10.0;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
