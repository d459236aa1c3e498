package com.adclip.report;

import com.adclip.AdclipException;
import com.adclip.eval.BinaryCounts;
import com.adclip.eval.ClassMetrics;
import com.adclip.eval.CurvePoints;
import com.adclip.eval.MetricValue;
import com.adclip.eval.TypeEvaluation;
import com.adclip.eval.TypeRecall;
import com.adclip.files.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code adclip test} found, and its four files: {@code metrics.json}, {@code metrics.csv},
 * {@code report.md} and {@code report.html} (one self-contained page: plots and pictures embedded as
 * {@code data:} URIs, no script, nothing fetched). Each format has its renderer ({@link MetricsJson},
 * {@link MetricsCsv}, {@link ReportMarkdown}, {@link ReportHtml}, {@link PipeTable} for the terminal); this record
 * holds the numbers and the sentences they share.
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

    /** Metric key and column title, in table order. */
    static final String[][] COLUMNS = {{"image_auroc", "image AUROC"}, {"image_ap", "AP"},
        {"image_f1_max", "F1-max"}, {"pixel_auroc", "pixel AUROC"}, {"pixel_aupro", "AUPRO"},
        {"pixel_f1_max", "pixel F1-max"}, {"precision", "P"}, {"recall", "R"}, {"f1", "F1"}};

    /** Writes the four files into {@code dir}. */
    public void writeAll(Path dir) {
        write(dir.resolve("metrics.json"), json());
        write(dir.resolve("metrics.csv"), csv());
        write(dir.resolve("report.md"), markdown());
        write(dir.resolve("report.html"), html());
    }

    /** The classes, then {@code mean} and {@code pooled}. */
    Map<String, ClassMetrics> rows() {
        Map<String, ClassMetrics> rows = new LinkedHashMap<>(classes);
        rows.put("mean", mean);
        rows.put("pooled", pooled);
        return rows;
    }

    // ---- the four files, one renderer each, and the terminal table

    /** {@code metrics.json}: values in [0, 1], null with a reason when not computable. */
    public String json() {
        return MetricsJson.render(this);
    }

    /** {@code metrics.csv}: one row per class, then {@code mean} and {@code pooled}; empty cells are null. */
    public String csv() {
        return MetricsCsv.render(this);
    }

    /** {@code report.md}: what produced it, the table, the reasons for missing numbers, confusion matrices. */
    public String markdown() {
        return ReportMarkdown.render(this);
    }

    /** {@code report.html}: one self-contained page. */
    public String html() {
        return ReportHtml.render(this);
    }

    /** The table as the reference prints it (pipe format, percent with one decimal, {@code n/a} for null). */
    public String table() {
        return PipeTable.render("class", rows());
    }

    /** The side-by-side table (pooled metrics per way of scoring), empty when there is no comparison. */
    public String comparisonTable() {
        return comparison.isEmpty() ? "" : PipeTable.render("pooled, scored by", comparison);
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

    static String share(long part, long whole) {
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

    /** Why each missing number is missing, and the metrics' notes. */
    List<String> reasons() {
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

    /** The {@code about} key of "N of M test images were used in training...", shown as a banner in the page. */
    public static final String TRAINING_OVERLAP = "training overlap";

    /** Shown at the top of every output made with {@code --weights random:NAME}. */
    public static final String RANDOM_WEIGHTS_WARNING = "random weights: numbers are meaningless";

    static String escapesText(TypeRecall r) {
        if (r.escapes().isEmpty()) {
            return "none";
        }
        List<String> out = new ArrayList<>();
        r.escapes().forEach(e -> out.add(e.image() + " (" + number(e.score()) + ")"));
        return String.join(", ", out);
    }

    private static void write(Path file, String text) {
        try {
            AtomicFiles.writeString(file, text);
        } catch (IOException e) {
            throw new AdclipException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
