package com.adclip.report;

import com.adclip.AdclipException;
import com.adclip.anomaly.DefectRegions;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.anomaly.MapExport;
import com.adclip.anomaly.Prediction;
import com.adclip.Outcome;
import com.adclip.files.AtomicFiles;
import com.adclip.types.TypeDistribution;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
    private final ArrayNode rows = JSON.createArrayNode();
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
        ObjectNode row = rows.addObject();
        row.put("image", given);
        if (outcome.failed()) {
            row.put("verdict", "ERROR");
            row.put("error", outcome.error());
            row.put("ms", round(outcome.millis()));
            csvRows.add(new String[] {given, "ERROR", "", "", "", "", "", "", "", round(outcome.millis()) + "",
                outcome.error(), "", ""});
            return;
        }
        Prediction p = outcome.prediction();
        row.put("score", p.score());
        ObjectNode probabilities = row.putObject("probabilities");
        probabilities.put("normal", p.normal());
        probabilities.put("anomaly", p.score());
        row.put("verdict", p.verdict().name());
        String map = null;
        String overlay = null;
        String mask = null;
        if (images) {
            map = writeMaps(outputName, outcome);
            overlay = outputName + "_overlay.png";
            mask = outputName + "_mask.png";
        }
        row.put("map", map);
        row.put("overlay", overlay);
        row.put("mask", mask);
        row.put("width", p.width());
        row.put("height", p.height());
        ArrayNode regions = row.putArray("regions");
        for (DefectRegions.Region r : p.regions()) {
            ObjectNode region = regions.addObject();
            region.put("x", r.x());
            region.put("y", r.y());
            region.put("width", r.width());
            region.put("height", r.height());
            region.put("area", r.area());
            region.put("max_score", r.maxScore());
            region.put("mean_score", r.meanScore());
            if (r.types() != null) {
                putTypes(region, r.types());
            }
        }
        if (p.types() != null) {
            typed = true;
            putTypes(row, p.types());
        }
        row.put("ms", round(outcome.millis()));
        boolean showType = p.types() != null && p.verdict() == com.adclip.Verdict.NG;
        csvRows.add(new String[] {given, p.verdict().name(), fmt(p.score()), fmt(p.normal()), fmt(p.score()),
            Integer.toString(p.regions().size()), nullToEmpty(map), nullToEmpty(overlay), nullToEmpty(mask),
            Double.toString(round(outcome.millis())), "", showType ? p.types().top() : "",
            showType ? fmt(p.types().topProbability()) : ""});
    }

    /** {@code "types": {name: probability, ...}}, most probable first (see docs/defect-types.md). */
    public static void putTypes(ObjectNode node, TypeDistribution types) {
        ObjectNode out = node.putObject("types");
        types.probabilities().forEach(out::put);
    }

    private String writeMaps(String name, Outcome outcome) {
        Prediction p = outcome.prediction();
        Path npy = dir.resolve(name + ".npy");
        try {
            Files.createDirectories(npy.getParent());
        } catch (IOException e) {
            throw new AdclipException("cannot create " + npy.getParent() + ": " + e.getMessage(), e);
        }
        MapExport.writeNpy(npy, p.map(), p.height(), p.width());
        MapExport.writeMaskPng(dir.resolve(name + "_mask.png"), p.mask(), p.height(), p.width());
        MapExport.writePng(dir.resolve(name + "_overlay.png"),
                MapExport.overlay(outcome.picture(), p.map(), 0f, mapMax, p.regions()));
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
