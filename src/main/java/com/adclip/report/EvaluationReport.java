package com.adclip.report;

import com.adclip.AdclipException;
import com.adclip.eval.BinaryCounts;
import com.adclip.eval.ClassMetrics;
import com.adclip.eval.CurvePoints;
import com.adclip.eval.MetricValue;
import com.adclip.eval.TypeEvaluation;
import com.adclip.eval.TypeRecall;
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
 * @param types recall per class and defect type, with the escapes of each
 * @param training how the model was trained (shown in report.html)
 * @param mapMax the largest map value (the number of feature layers): the top of the heat maps' colour scale
 * @param comparison pooled metrics of the same images scored differently, side by side (with a reference bank:
 *     {@code prompt only} and {@code fused with the reference bank}, each at its own thresholds); empty for none
 * @param defectTypes the defect-type evaluation (issue 15), or null when the detector predicted no types or the
 *     ground truth has none (then no type section is written)
 */
public record EvaluationReport(Map<String, String> about, Map<String, ClassMetrics> classes, ClassMetrics mean,
        ClassMetrics pooled, double threshold, String thresholdOrigin, double pixelThreshold, CurvePoints imageCurve,
        CurvePoints pixelCurve, double[] goodScores, double[] defectScores, List<GalleryItem> gallery,
        List<String> failures, List<String> notes, List<TypeRecall> types, TrainingProvenance training,
        float mapMax, Map<String, ClassMetrics> comparison, TypeEvaluation.Result defectTypes) {

    public EvaluationReport {
        comparison = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(comparison));
    }

    /** A report without a defect-type evaluation. */
    public EvaluationReport(Map<String, String> about, Map<String, ClassMetrics> classes, ClassMetrics mean,
            ClassMetrics pooled, double threshold, String thresholdOrigin, double pixelThreshold, CurvePoints imageCurve,
            CurvePoints pixelCurve, double[] goodScores, double[] defectScores, List<GalleryItem> gallery,
            List<String> failures, List<String> notes, List<TypeRecall> types, TrainingProvenance training,
            float mapMax, Map<String, ClassMetrics> comparison) {
        this(about, classes, mean, pooled, threshold, thresholdOrigin, pixelThreshold, imageCurve, pixelCurve,
                goodScores, defectScores, gallery, failures, notes, types, training, mapMax, comparison, null);
    }

    /** A report without a side-by-side comparison. */
    public EvaluationReport(Map<String, String> about, Map<String, ClassMetrics> classes, ClassMetrics mean,
            ClassMetrics pooled, double threshold, String thresholdOrigin, double pixelThreshold, CurvePoints imageCurve,
            CurvePoints pixelCurve, double[] goodScores, double[] defectScores, List<GalleryItem> gallery,
            List<String> failures, List<String> notes, List<TypeRecall> types, TrainingProvenance training,
            float mapMax) {
        this(about, classes, mean, pooled, threshold, thresholdOrigin, pixelThreshold, imageCurve, pixelCurve,
                goodScores, defectScores, gallery, failures, notes, types, training, mapMax, Map.of());
    }

    /** The rule every at-threshold number uses, in words. */
    public static final String RULE = "NG when score >= threshold";

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
        if (defectTypes != null) {
            TypeSection.json(root, defectTypes);
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
        lines.add(String.format(Locale.ROOT, "threshold %s (%s); P, R and F1 count a part as NG when its score >= "
                + "threshold", number(threshold), thresholdOrigin));
        lines.add("mAP (mean over classes of image AP): " + percent(mean.get("image_ap")));
        if (defectTypes != null) {
            lines.add(TypeSection.summaryLine(defectTypes));
        }
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
        return String.format(Locale.ROOT, "%.3g", v);
    }

    /**
     * The sentence a quality manager reads first: at threshold T, X % of defective parts escape (scored OK) and
     * Y % of good parts are rejected (scored NG), with the counts behind each share.
     */
    static String plainSummary(String className, BinaryCounts c, double threshold) {
        long defective = c.truePositives() + c.falseNegatives();
        long good = c.trueNegatives() + c.falsePositives();
        String escape = defective == 0 ? "no defective part was tested, so escapes are unknown"
                : String.format(Locale.ROOT, "%s of defective parts escape (%d of %d)",
                        share(c.falseNegatives(), defective), c.falseNegatives(), defective);
        String reject = good == 0 ? "no good part was tested, so false rejects are unknown"
                : String.format(Locale.ROOT, "%s of good parts are rejected (%d of %d)",
                        share(c.falsePositives(), good), c.falsePositives(), good);
        return String.format(Locale.ROOT, "%s: at threshold %s, %s; %s.", className, number(threshold), escape, reject);
    }

    private static String share(long part, long whole) {
        return String.format(Locale.ROOT, "%.1f %%", 100.0 * part / whole);
    }

    /** The per-class sentences, then all parts together when there are several classes. */
    public List<String> plainSummaries() {
        List<String> out = new ArrayList<>();
        classes.forEach((name, m) -> out.add(plainSummary(name, m.counts(), threshold)));
        if (classes.size() > 1) {
            out.add(plainSummary("all classes", pooled.counts(), threshold));
        }
        return out;
    }

    /** What the map threshold means, with its unit: the map is a sum of per-layer defect probabilities. */
    String pixelThresholdText() {
        int layers = Math.round(mapMax);
        return String.format(Locale.ROOT, "%s on the defect map's scale of 0 to %d (the sum of %d layers' defect "
                + "probabilities): pixels above it form the predicted defect areas", number(pixelThreshold), layers,
                layers);
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }

    // ---- report.md

    /** {@code report.md}: what produced it, the table, the reasons for missing numbers, confusion matrices. */
    public String markdown() {
        StringBuilder md = new StringBuilder("# AD-CLIP evaluation\n\n");
        plainSummaries().forEach(line -> md.append("**").append(line).append("**\n\n"));
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
        if (!types.isEmpty()) {
            md.append("\n## Recall per defect type\n\n| class | defect type | defective | caught | recall | escaped |\n"
                    + "|:--|:--|--:|--:|--:|:--|\n");
            for (TypeRecall r : types) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %s | %s |%n", r.className(), r.defectType(),
                        r.defective(), r.caught(), share(r.caught(), r.defective()), escapesText(r)));
            }
        }
        if (defectTypes != null) {
            TypeSection.markdown(md, defectTypes);
        }
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

    /** The {@code about} key of "N of M test images were used in training...", shown as a banner in the page. */
    public static final String TRAINING_OVERLAP = "training overlap";

    /** Shown at the top of every output made with {@code --weights random:NAME}. */
    public static final String RANDOM_WEIGHTS_WARNING = "random weights: numbers are meaningless";

    /** {@code report.html}: one self-contained page. */
    public String html() {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>AD-CLIP evaluation</title>\n")
                .append("<style>\nbody{font-family:sans-serif;margin:24px;color:#222;max-width:1250px}\n")
                .append("table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:4px 8px}")
                .append("th{background:#f2f2f2}td.n{text-align:right;font-variant-numeric:tabular-nums}")
                .append("tr.sum td{font-weight:bold;background:#fafafa}.na{color:#999}\n")
                .append(".plots img{margin:4px;border:1px solid #ddd}")
                .append(".summary{font-size:125%;background:#eef4ff;border-left:6px solid #2a5db0;padding:10px 14px}")
                .append(".summary li{margin:4px 0}.escapes{font-size:85%;color:#555}")
                .append("table.gallery td{vertical-align:top;text-align:center}table.gallery img{display:block}table.gallery td img:not(.scale){border:1px solid #888}")
                .append("table.gallery td.info{text-align:left;min-width:170px}")
                .append(".small{font-size:85%;color:#555}\n</style></head><body>\n");
        h.append("<h1>AD-CLIP evaluation</h1>\n");
        if (about.containsKey("WARNING")) {
            h.append("<p style=\"background:#b00020;color:#fff;font-size:140%;padding:10px\">")
                    .append(esc(about.get("WARNING"))).append("</p>\n");
        }
        if (about.containsKey(TRAINING_OVERLAP)) {
            h.append("<p id=\"training-overlap\" style=\"background:#b36b00;color:#fff;font-size:120%;padding:8px\">")
                    .append(esc(about.get(TRAINING_OVERLAP))).append("</p>\n");
        }
        h.append("<div class=\"summary\" id=\"summary\"><ul>\n");
        plainSummaries().forEach(l -> h.append("<li>").append(esc(l)).append("</li>\n"));
        h.append("</ul></div>\n");
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
        typesHtml(h);
        if (defectTypes != null) {
            TypeSection.html(h, defectTypes);
        }
        confusion(h);
        plots(h);
        trainingHtml(h);
        galleryHtml(h);
        if (!failures.isEmpty()) {
            h.append("<h2>Images left out</h2>\n<ul>\n");
            failures.forEach(f -> h.append("<li>").append(esc(f)).append("</li>\n"));
            h.append("</ul>\n");
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private void typesHtml(StringBuilder h) {
        h.append("<h2>Recall per defect type</h2>\n");
        if (types.isEmpty()) {
            h.append("<p>No defective image was evaluated.</p>\n");
            return;
        }
        h.append("<p class=\"small\">At threshold ").append(esc(number(threshold)))
                .append(". Escaped = defective parts scored OK, lowest score first.</p>\n")
                .append("<table id=\"types\"><tr><th>class</th><th>defect type</th><th>defective</th><th>caught</th>"
                        + "<th>recall</th><th>escaped</th></tr>\n");
        for (TypeRecall r : types) {
            h.append("<tr><td>").append(esc(r.className())).append("</td><td>").append(esc(r.defectType()))
                    .append("</td><td class=\"n\">").append(r.defective()).append("</td><td class=\"n\">")
                    .append(r.caught()).append("</td><td class=\"n\">").append(esc(share(r.caught(), r.defective())))
                    .append("</td><td class=\"escapes\">").append(esc(escapesText(r))).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    static String escapesText(TypeRecall r) {
        if (r.escapes().isEmpty()) {
            return "none";
        }
        List<String> out = new ArrayList<>();
        r.escapes().forEach(e -> out.add(e.image() + " (" + number(e.score()) + ")"));
        return String.join(", ", out);
    }

    private void trainingHtml(StringBuilder h) {
        h.append("<h2>How the model was trained</h2>\n");
        if (!training.facts().isEmpty()) {
            h.append("<table id=\"training\">\n");
            training.facts().forEach((k, v) -> h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v))
                    .append("</td></tr>\n"));
            h.append("</table>\n");
        }
        if (!training.epochs().isEmpty()) {
            img(h, ReportCharts.png(ReportCharts.lossCurve("Loss per epoch", training.epochs())), "training loss curve");
        } else {
            h.append("<p class=\"small\" id=\"no-loss-curve\">").append(esc(training.lossNote())).append("</p>\n");
        }
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
            String label = "defect-map threshold " + number(pixelThreshold) + " of " + Math.round(mapMax);
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
        h.append("<h2>Gallery</h2>\n<p class=\"small\">Per class, the worst misses and false alarms. Panels: the "
                + "image; the ground truth (white = defect); the heat map over the image (colour scale beside it: "
                + "0 to ").append(Math.round(mapMax)).append(", the sum of ").append(Math.round(mapMax))
                .append(" layers' defect probabilities); the predicted mask (map above ").append(esc(number(pixelThreshold)))
                .append("); the outline overlay (prediction in red, ground truth in green).</p>\n");
        if (gallery.isEmpty()) {
            h.append("<p>No images to show.</p>\n");
            return;
        }
        String scale = Base64.getEncoder().encodeToString(ReportCharts.png(ReportCharts.colourScale(0f, mapMax,
                scaleHeight(), "defect map")));
        Map<String, List<GalleryItem>> byClass = new LinkedHashMap<>();
        gallery.forEach(g -> byClass.computeIfAbsent(g.className(), c -> new ArrayList<>()).add(g));
        byClass.forEach((name, items) -> {
            h.append("<h3>").append(esc(name)).append("</h3>\n<table class=\"gallery\"><tr><th>image</th>"
                    + "<th>ground truth</th><th>heat map</th><th>scale</th><th>predicted mask</th><th>outline</th>"
                    + "<th>case</th></tr>\n");
            for (GalleryItem g : items) {
                h.append("<tr class=\"card\">");
                cell(h, ReportCharts.png(g.picture()), g.image());
                if (g.truth() != null) {
                    cell(h, ReportCharts.png(g.truth()), g.image() + " ground truth");
                } else {
                    h.append("<td class=\"small\">").append("no mask").append("</td>");
                }
                cell(h, ReportCharts.png(g.heat()), g.image() + " heat map");
                h.append("<td><img class=\"scale\" alt=\"colour scale\" src=\"data:image/png;base64,").append(scale)
                        .append("\"></td>");
                cell(h, ReportCharts.png(g.predicted()), g.image() + " predicted mask");
                cell(h, ReportCharts.png(g.outline()), g.image() + " outline overlay");
                h.append("<td class=\"info small\"><b>").append(esc(g.kind())).append("</b><br>")
                        .append(esc(g.image())).append("<br>").append(g.anomalous() ? "defective" : "good")
                        .append(", score ").append(esc(number(g.score()))).append("</td></tr>\n");
            }
            h.append("</table>\n");
        });
    }

    private int scaleHeight() {
        return gallery.stream().mapToInt(g -> g.heat().getHeight()).max().orElse(GalleryItem.THUMBNAIL);
    }

    private static void cell(StringBuilder h, byte[] png, String alt) {
        h.append("<td>");
        img(h, png, alt);
        h.append("</td>");
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
