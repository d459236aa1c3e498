package com.adclip.report;

import com.adclip.AdclipException;
import com.adclip.eval.BinaryCounts;
import com.adclip.eval.ClassMetrics;
import com.adclip.eval.CurvePoints;
import com.adclip.eval.MetricValue;
import com.adclip.files.AtomicFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.text.StringEscapeUtils;

/**
 * What {@code adclip test} found, and its four files: {@code metrics.json}, {@code metrics.csv},
 * {@code report.md} and {@code report.html} (one self-contained page: plots and pictures embedded as
 * {@code data:} URIs, no script, nothing fetched).
 *
 * @param about what produced the numbers (model, bundle, data, threshold...), shown in that order
 * @param classes per class
 * @param mean the mean over classes
 * @param pooled all images together
 * @param threshold the image threshold (NG when {@code score >= threshold})
 * @param thresholdOrigin where the threshold came from (e.g. the bundle's strategy, or {@code --threshold})
 * @param pixelThreshold the map threshold (defective pixel when {@code value > threshold})
 * @param imageCurve all images' curve, or null when only one label is present
 * @param pixelCurve the pixel curve over images with pixel ground truth, thinned for drawing; null for none
 * @param goodScores the good images' scores
 * @param defectScores the defective images' scores
 * @param gallery worst false negatives, worst false positives, some true positives
 * @param failures images that could not be evaluated, with why
 * @param notes remarks printed under the table (e.g. skipped images)
 * @param comparison pooled metrics of the same images scored differently, side by side (with a reference bank:
 *     {@code prompt only} and {@code fused with the reference bank}, each at its own thresholds); empty for none
 */
public record EvaluationReport(Map<String, String> about, Map<String, ClassMetrics> classes, ClassMetrics mean,
        ClassMetrics pooled, double threshold, String thresholdOrigin, double pixelThreshold, CurvePoints imageCurve,
        CurvePoints pixelCurve, double[] goodScores, double[] defectScores, List<GalleryItem> gallery,
        List<String> failures, List<String> notes, Map<String, ClassMetrics> comparison) {

    public EvaluationReport {
        comparison = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(comparison));
    }

    /** A report without a side-by-side comparison. */
    public EvaluationReport(Map<String, String> about, Map<String, ClassMetrics> classes, ClassMetrics mean,
            ClassMetrics pooled, double threshold, String thresholdOrigin, double pixelThreshold, CurvePoints imageCurve,
            CurvePoints pixelCurve, double[] goodScores, double[] defectScores, List<GalleryItem> gallery,
            List<String> failures, List<String> notes) {
        this(about, classes, mean, pooled, threshold, thresholdOrigin, pixelThreshold, imageCurve, pixelCurve,
                goodScores, defectScores, gallery, failures, notes, Map.of());
    }

    /** The rule every at-threshold number uses, in words. */
    public static final String RULE = "NG when score >= threshold (BinaryCounts.Rule.SCORE_AT_LEAST)";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String[][] COLUMNS = {{"image_auroc", "image AUROC"}, {"image_ap", "AP"},
        {"image_f1_max", "F1-max"}, {"pixel_auroc", "pixel AUROC"}, {"pixel_aupro", "AUPRO"},
        {"pixel_f1_max", "pixel F1-max"}, {"precision", "P"}, {"recall", "R"}, {"f1", "F1"}};

    /** Writes the four files into {@code dir}. */
    public void writeAll(Path dir) {
        write(dir.resolve("metrics.json"), json());
        write(dir.resolve("metrics.csv"), csv());
        write(dir.resolve("report.md"), markdown());
        write(dir.resolve("report.html"), html());
    }

    // ---- metrics.json / metrics.csv

    /** {@code metrics.json}: values in [0, 1], null with a reason when not computable. */
    public String json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("threshold", threshold);
        root.put("threshold_origin", thresholdOrigin);
        root.put("rule", RULE);
        root.put("pixel_threshold", pixelThreshold);
        MetricValue map = mean.get("image_ap");
        if (map.computable()) {
            root.put("mAP", map.get());
        } else {
            root.putNull("mAP");
        }
        ObjectNode cls = root.putObject("classes");
        classes.forEach((name, m) -> entry(cls.putObject(name), m));
        entry(root.putObject("mean"), mean);
        entry(root.putObject("pooled"), pooled);
        if (!comparison.isEmpty()) {
            ObjectNode side = root.putObject("comparison");
            comparison.forEach((name, m) -> entry(side.putObject(name), m));
        }
        ObjectNode info = root.putObject("about");
        about.forEach(info::put);
        failures.forEach(root.putArray("failed")::add);
        notes.forEach(root.putArray("notes")::add);
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void entry(ObjectNode node, ClassMetrics m) {
        ObjectNode reasons = JSON.createObjectNode();
        for (String name : ClassMetrics.NAMES) {
            MetricValue v = m.get(name);
            if (v.computable()) {
                node.put(name, v.get() + 0.0); // + 0.0 turns -0.0 into 0.0
            } else {
                node.putNull(name);
                reasons.put(name, v.reason());
            }
        }
        node.put("n_good", m.good());
        node.put("n_defect", m.defective());
        if (m.counts() != null) {
            BinaryCounts c = m.counts();
            ObjectNode confusion = node.putObject("confusion");
            confusion.put("tn", c.trueNegatives());
            confusion.put("fp", c.falsePositives());
            confusion.put("fn", c.falseNegatives());
            confusion.put("tp", c.truePositives());
        }
        if (!reasons.isEmpty()) {
            node.set("reasons", reasons);
        }
        if (!m.notes().isEmpty()) {
            ObjectNode notes = node.putObject("notes");
            m.notes().forEach(notes::put);
        }
    }

    /** {@code metrics.csv}: one row per class, then {@code mean} and {@code pooled}; empty cells are null. */
    public String csv() {
        StringBuilder out = new StringBuilder("class," + String.join(",", ClassMetrics.NAMES) + ",n_good,n_defect\n");
        rows().forEach((name, m) -> {
            out.append(csvCell(name));
            for (String metric : ClassMetrics.NAMES) {
                MetricValue v = m.get(metric);
                out.append(",").append(v.computable() ? Double.toString(v.get() + 0.0) : "");
            }
            out.append(',').append(m.good()).append(',').append(m.defective()).append('\n');
        });
        return out.toString();
    }

    private Map<String, ClassMetrics> rows() {
        Map<String, ClassMetrics> rows = new LinkedHashMap<>(classes);
        rows.put("mean", mean);
        rows.put("pooled", pooled);
        return rows;
    }

    private static String csvCell(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    // ---- the table

    /** The table as the reference prints it (pipe format, percent with one decimal, {@code n/a} for null). */
    public String table() {
        return table("class", rows());
    }

    /** The side-by-side table (pooled metrics per way of scoring), empty when there is no comparison. */
    public String comparisonTable() {
        return comparison.isEmpty() ? "" : table("pooled, scored by", comparison);
    }

    private static String table(String first, Map<String, ClassMetrics> metrics) {
        List<String[]> rows = new ArrayList<>();
        String[] header = new String[COLUMNS.length + 1];
        header[0] = first;
        for (int i = 0; i < COLUMNS.length; i++) {
            header[i + 1] = COLUMNS[i][1];
        }
        rows.add(header);
        metrics.forEach((name, m) -> {
            String[] row = new String[COLUMNS.length + 1];
            row[0] = name;
            for (int i = 0; i < COLUMNS.length; i++) {
                row[i + 1] = percent(m.get(COLUMNS[i][0]));
            }
            rows.add(row);
        });
        int[] width = new int[header.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            out.append('|');
            for (int i = 0; i < row.length; i++) {
                String cell = i == 0 ? pad(row[i], width[i], false) : pad(row[i], width[i], true);
                out.append(' ').append(cell).append(" |");
            }
            out.append('\n');
            if (r == 0) {
                out.append('|');
                for (int i = 0; i < row.length; i++) {
                    out.append(i == 0 ? ":" + "-".repeat(width[i] + 1) : "-".repeat(width[i] + 1) + ":").append('|');
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** The lines printed under the table: threshold, rule, mAP, notes. */
    public List<String> summaryLines() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "threshold %s (%s); P, R, F1: %s", number(threshold), thresholdOrigin,
                RULE));
        lines.add("mAP (mean over classes of image AP): " + percent(mean.get("image_ap")));
        lines.addAll(notes);
        if (!failures.isEmpty()) {
            lines.add(failures.size() + " image(s) could not be evaluated and are left out (see metrics.json)");
        }
        return lines;
    }

    static String percent(MetricValue v) {
        return v.computable() ? String.format(Locale.ROOT, "%.1f", 100 * v.get() + 0.0) : "n/a";
    }

    static String number(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }

    // ---- report.md

    /** {@code report.md}: what produced it, the table, the reasons for missing numbers, confusion matrices. */
    public String markdown() {
        StringBuilder md = new StringBuilder("# AD-CLIP evaluation\n\n");
        about.forEach((k, v) -> md.append("- **").append(k).append("**: ").append(v).append('\n'));
        md.append("\nValues in percent. ").append(RULE).append(".\n\n");
        md.append(table()).append('\n');
        for (String line : summaryLines()) {
            md.append("- ").append(line).append('\n');
        }
        if (!comparison.isEmpty()) {
            md.append("\n## Prompt only and fused with the reference bank\n\nAll images, each way at its own "
                    + "thresholds.\n\n").append(comparisonTable());
        }
        List<String> reasons = reasons();
        if (!reasons.isEmpty()) {
            md.append("\n## Not computable\n\n");
            reasons.forEach(r -> md.append("- ").append(r).append('\n'));
        }
        md.append("\n## Confusion matrices at the threshold\n\n| class | TN | FP | FN | TP |\n|:--|--:|--:|--:|--:|\n");
        Map<String, ClassMetrics> withCounts = new LinkedHashMap<>(classes);
        withCounts.put("pooled", pooled);
        withCounts.forEach((name, m) -> {
            BinaryCounts c = m.counts();
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d |%n", name, c.trueNegatives(),
                    c.falsePositives(), c.falseNegatives(), c.truePositives()));
        });
        if (!failures.isEmpty()) {
            md.append("\n## Images left out\n\n");
            failures.forEach(f -> md.append("- ").append(f).append('\n'));
        }
        md.append("\nPlots and the gallery are in report.html.\n");
        return md.toString();
    }

    private List<String> reasons() {
        List<String> out = new ArrayList<>();
        rows().forEach((name, m) -> {
            for (String metric : ClassMetrics.NAMES) {
                MetricValue v = m.get(metric);
                if (!v.computable() && !metric.equals("f1_max_threshold") && !metric.equals("f1_max")) {
                    out.add(name + " / " + metric + ": " + v.reason());
                }
            }
            m.notes().forEach((metric, note) -> out.add(name + " / " + metric + ": " + note));
        });
        return out;
    }

    // ---- report.html

    /** {@code report.html}: one self-contained page. */
    /** Shown at the top of every output made with {@code --weights random:NAME}. */
    public static final String RANDOM_WEIGHTS_WARNING = "random weights: numbers are meaningless";

    public String html() {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>AD-CLIP evaluation</title>\n")
                .append("<style>\nbody{font-family:sans-serif;margin:24px;color:#222;max-width:1250px}\n")
                .append("table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:4px 8px}")
                .append("th{background:#f2f2f2}td.n{text-align:right;font-variant-numeric:tabular-nums}")
                .append("tr.sum td{font-weight:bold;background:#fafafa}.na{color:#999}\n")
                .append(".plots img{margin:4px;border:1px solid #ddd}.card{display:inline-block;vertical-align:top;")
                .append("margin:6px;padding:6px;border:1px solid #ddd;border-radius:4px}.card img{margin:2px}")
                .append(".small{font-size:85%;color:#555}\n</style></head><body>\n");
        h.append("<h1>AD-CLIP evaluation</h1>\n");
        if (about.containsKey("WARNING")) {
            h.append("<p style=\"background:#b00020;color:#fff;font-size:140%;padding:10px\">")
                    .append(esc(about.get("WARNING"))).append("</p>\n");
        }
        h.append("<table>\n");
        about.forEach((k, v) -> h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v))
                .append("</td></tr>\n"));
        h.append("</table>\n<h2>Metrics</h2>\n<p class=\"small\">Percent. P, R and F1 at threshold ")
                .append(esc(number(threshold))).append(": ").append(esc(RULE))
                .append(". Pixel metrics on the S&times;S maps of images with pixel ground truth. "
                        + "<span class=\"na\">n/a</span> = not computable (reason on hover and below).</p>\n");
        metricsTable(h, rows());
        if (!comparison.isEmpty()) {
            h.append("<h2>Prompt only and fused with the reference bank</h2>\n<p class=\"small\">All images, "
                    + "each way at its own thresholds.</p>\n");
            metricsTable(h, comparison);
        }
        h.append("<ul>\n");
        summaryLines().forEach(l -> h.append("<li>").append(esc(l)).append("</li>\n"));
        reasons().forEach(r -> h.append("<li class=\"small\">").append(esc(r)).append("</li>\n"));
        h.append("</ul>\n");
        confusion(h);
        plots(h);
        galleryHtml(h);
        if (!failures.isEmpty()) {
            h.append("<h2>Images left out</h2>\n<ul>\n");
            failures.forEach(f -> h.append("<li>").append(esc(f)).append("</li>\n"));
            h.append("</ul>\n");
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private void metricsTable(StringBuilder h, Map<String, ClassMetrics> metrics) {
        h.append("<table>\n<tr><th>class</th>");
        for (String[] c : COLUMNS) {
            h.append("<th>").append(esc(c[1])).append("</th>");
        }
        h.append("<th>good</th><th>defective</th></tr>\n");
        metrics.forEach((name, m) -> {
            boolean sum = m == mean || m == pooled;
            h.append(sum ? "<tr class=\"sum\">" : "<tr>").append("<td>").append(esc(name)).append("</td>");
            for (String[] c : COLUMNS) {
                MetricValue v = m.get(c[0]);
                if (v.computable()) {
                    h.append("<td class=\"n\">").append(percent(v)).append("</td>");
                } else {
                    h.append("<td class=\"n na\" title=\"").append(esc(v.reason())).append("\">n/a</td>");
                }
            }
            h.append("<td class=\"n\">").append(m.good()).append("</td><td class=\"n\">").append(m.defective())
                    .append("</td></tr>\n");
        });
        h.append("</table>\n");
    }

    private void confusion(StringBuilder h) {
        BinaryCounts c = pooled.counts();
        h.append("<h2>Confusion matrix (all images, threshold ").append(esc(number(threshold))).append(")</h2>\n")
                .append("<table><tr><th></th><th>predicted OK</th><th>predicted NG</th></tr>\n")
                .append("<tr><th>good</th><td class=\"n\">").append(c.trueNegatives()).append(" (TN)</td>")
                .append("<td class=\"n\">").append(c.falsePositives()).append(" (FP)</td></tr>\n")
                .append("<tr><th>defective</th><td class=\"n\">").append(c.falseNegatives()).append(" (FN)</td>")
                .append("<td class=\"n\">").append(c.truePositives()).append(" (TP)</td></tr></table>\n");
        if (classes.size() > 1) {
            h.append("<table><tr><th>class</th><th>TN</th><th>FP</th><th>FN</th><th>TP</th></tr>\n");
            classes.forEach((name, m) -> h.append("<tr><td>").append(esc(name)).append("</td><td class=\"n\">")
                    .append(m.counts().trueNegatives()).append("</td><td class=\"n\">")
                    .append(m.counts().falsePositives()).append("</td><td class=\"n\">")
                    .append(m.counts().falseNegatives()).append("</td><td class=\"n\">")
                    .append(m.counts().truePositives()).append("</td></tr>\n"));
            h.append("</table>\n");
        }
    }

    private void plots(StringBuilder h) {
        h.append("<h2>Curves and scores</h2>\n<div class=\"plots\">\n");
        String point = "threshold " + number(threshold);
        if (imageCurve != null) {
            int at = imageCurve.indexAt(threshold);
            img(h, ReportCharts.png(ReportCharts.roc("Image ROC (AUROC " + percent(pooled.get("image_auroc"))
                    + "%)", imageCurve, at, point)), "image ROC curve");
            img(h, ReportCharts.png(ReportCharts.precisionRecall("Image precision-recall (AP "
                    + percent(pooled.get("image_ap")) + "%)", imageCurve, at, point)), "image precision-recall curve");
        } else {
            h.append("<p>No image curves: the images have only one label.</p>\n");
        }
        img(h, ReportCharts.png(ReportCharts.scoreHistogram("Image scores", goodScores, defectScores, threshold)),
                "histogram of image scores");
        if (pixelCurve != null && pixelCurve.positives() > 0 && pixelCurve.negatives() > 0) {
            int at = pixelCurve.indexAt(Math.nextUp((float) pixelThreshold));
            String label = "map threshold " + number(pixelThreshold);
            img(h, ReportCharts.png(ReportCharts.roc("Pixel ROC (AUROC " + percent(pooled.get("pixel_auroc")) + "%)",
                    pixelCurve, at, label)), "pixel ROC curve");
            img(h, ReportCharts.png(ReportCharts.precisionRecall("Pixel precision-recall (AP "
                    + percent(pooled.get("pixel_ap")) + "%)", pixelCurve, at, label)), "pixel precision-recall curve");
        } else {
            h.append("<p>No pixel curves: no image with a defect mask and normal pixels.</p>\n");
        }
        h.append("</div>\n");
    }

    private void galleryHtml(StringBuilder h) {
        h.append("<h2>Gallery</h2>\n<p class=\"small\">Each card: the image, and the anomaly map over it (JET, "
                + "blue = low) with the ground-truth outline in green and the predicted regions boxed in white.</p>\n");
        if (gallery.isEmpty()) {
            h.append("<p>No images to show.</p>\n");
        }
        String kind = null;
        for (GalleryItem g : gallery) {
            if (!g.kind().equals(kind)) {
                if (kind != null) {
                    h.append("</div>\n");
                }
                kind = g.kind();
                h.append("<h3>").append(esc(kind)).append("</h3>\n<div>\n");
            }
            h.append("<div class=\"card\">");
            img(h, ReportCharts.png(g.picture()), g.image());
            img(h, ReportCharts.png(g.overlay()), g.image() + " anomaly overlay");
            h.append("<div class=\"small\">").append(esc(g.image())).append(" (").append(esc(g.className()))
                    .append(", ").append(g.anomalous() ? "defective" : "good").append(")<br>score ")
                    .append(String.format(Locale.ROOT, "%.4f", g.score())).append("</div></div>\n");
        }
        if (kind != null) {
            h.append("</div>\n");
        }
    }

    private static void img(StringBuilder h, byte[] png, String alt) {
        h.append("<img alt=\"").append(esc(alt)).append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png)).append("\">\n");
    }

    private static String esc(String s) {
        return StringEscapeUtils.escapeHtml4(s);
    }

    private static void write(Path file, String text) {
        try {
            AtomicFiles.writeString(file, text);
        } catch (IOException e) {
            throw new AdclipException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
