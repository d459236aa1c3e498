package com.adclip.report;

import com.adclip.eval.BinaryCounts;
import com.adclip.eval.ClassMetrics;
import com.adclip.eval.MetricValue;
import com.adclip.eval.TypeRecall;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.text.StringEscapeUtils;

/**
 * {@code report.html}: one self-contained page (plots and pictures embedded as {@code data:} URIs, no script,
 * nothing fetched).
 */
final class ReportHtml {
    private final EvaluationReport r;

    private ReportHtml(EvaluationReport r) {
        this.r = r;
    }

    static String render(EvaluationReport r) {
        return new ReportHtml(r).render();
    }

    String render() {
        StringBuilder h = new StringBuilder();
        head(h);
        h.append("<div class=\"summary\" id=\"summary\"><ul>\n");
        r.plainSummaries().forEach(l -> h.append("<li>").append(esc(l)).append("</li>\n"));
        h.append("</ul></div>\n");
        h.append("<table>\n");
        r.about().forEach((k, v) -> h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v))
                .append("</td></tr>\n"));
        h.append("</table>\n<h2>Metrics</h2>\n<p class=\"small\">Percent. P, R and F1 at threshold ")
                .append(esc(EvaluationReport.number(r.threshold()))).append(": ").append(esc(EvaluationReport.RULE))
                .append(". Pixel metrics on the S&times;S maps of images with pixel ground truth. "
                        + "<span class=\"na\">n/a</span> = not computable (reason on hover and below).</p>\n");
        metricsTable(h, r.rows());
        if (!r.comparison().isEmpty()) {
            h.append("<h2>Prompt only and fused with the reference bank</h2>\n<p class=\"small\">All images, "
                    + "each way at its own thresholds.</p>\n");
            metricsTable(h, r.comparison());
        }
        h.append("<ul>\n");
        r.summaryLines().forEach(l -> h.append("<li>").append(esc(l)).append("</li>\n"));
        r.reasons().forEach(reason -> h.append("<li class=\"small\">").append(esc(reason)).append("</li>\n"));
        h.append("</ul>\n");
        typesHtml(h);
        if (r.defectTypes() != null) {
            TypeSection.html(h, r.defectTypes());
        }
        confusion(h);
        plots(h);
        trainingHtml(h);
        galleryHtml(h);
        if (!r.failures().isEmpty()) {
            h.append("<h2>Images left out</h2>\n<ul>\n");
            r.failures().forEach(f -> h.append("<li>").append(esc(f)).append("</li>\n"));
            h.append("</ul>\n");
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    /** The page's head and style, the title, and the warnings (random weights, training overlap). */
    private void head(StringBuilder h) {
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
        if (r.about().containsKey("WARNING")) {
            h.append("<p style=\"background:#b00020;color:#fff;font-size:140%;padding:10px\">")
                    .append(esc(r.about().get("WARNING"))).append("</p>\n");
        }
        if (r.about().containsKey(EvaluationReport.TRAINING_OVERLAP)) {
            h.append("<p id=\"training-overlap\" style=\"background:#b36b00;color:#fff;font-size:120%;padding:8px\">")
                    .append(esc(r.about().get(EvaluationReport.TRAINING_OVERLAP))).append("</p>\n");
        }
    }

    private void typesHtml(StringBuilder h) {
        h.append("<h2>Recall per defect type</h2>\n");
        if (r.types().isEmpty()) {
            h.append("<p>No defective image was evaluated.</p>\n");
            return;
        }
        h.append("<p class=\"small\">At threshold ").append(esc(EvaluationReport.number(r.threshold())))
                .append(". Escaped = defective parts scored OK, lowest score first.</p>\n")
                .append("<table id=\"types\"><tr><th>class</th><th>defect type</th><th>defective</th><th>caught</th>"
                        + "<th>recall</th><th>escaped</th></tr>\n");
        for (TypeRecall t : r.types()) {
            h.append("<tr><td>").append(esc(t.className())).append("</td><td>").append(esc(t.defectType()))
                    .append("</td><td class=\"n\">").append(t.defective()).append("</td><td class=\"n\">")
                    .append(t.caught()).append("</td><td class=\"n\">").append(esc(EvaluationReport.share(t.caught(), t.defective())))
                    .append("</td><td class=\"escapes\">").append(esc(EvaluationReport.escapesText(t))).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private void trainingHtml(StringBuilder h) {
        h.append("<h2>How the model was trained</h2>\n");
        if (!r.training().facts().isEmpty()) {
            h.append("<table id=\"training\">\n");
            r.training().facts().forEach((k, v) -> h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v))
                    .append("</td></tr>\n"));
            h.append("</table>\n");
        }
        if (!r.training().epochs().isEmpty()) {
            img(h, ReportCharts.png(ReportCharts.lossCurve("Loss per epoch", r.training().epochs())), "training loss curve");
        } else {
            h.append("<p class=\"small\" id=\"no-loss-curve\">").append(esc(r.training().lossNote())).append("</p>\n");
        }
    }

    private void metricsTable(StringBuilder h, Map<String, ClassMetrics> metrics) {
        h.append("<table>\n<tr><th>class</th>");
        for (String[] c : EvaluationReport.COLUMNS) {
            h.append("<th>").append(esc(c[1])).append("</th>");
        }
        h.append("<th>good</th><th>defective</th></tr>\n");
        metrics.forEach((name, m) -> {
            boolean sum = m == r.mean() || m == r.pooled();
            h.append(sum ? "<tr class=\"sum\">" : "<tr>").append("<td>").append(esc(name)).append("</td>");
            for (String[] c : EvaluationReport.COLUMNS) {
                MetricValue v = m.get(c[0]);
                if (v.computable()) {
                    h.append("<td class=\"n\">").append(EvaluationReport.percent(v)).append("</td>");
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
        BinaryCounts c = r.pooled().counts();
        h.append("<h2>Confusion matrix (all images, threshold ").append(esc(EvaluationReport.number(r.threshold()))).append(")</h2>\n")
                .append("<table><tr><th></th><th>predicted OK</th><th>predicted NG</th></tr>\n")
                .append("<tr><th>good</th><td class=\"n\">").append(c.trueNegatives()).append(" (TN)</td>")
                .append("<td class=\"n\">").append(c.falsePositives()).append(" (FP)</td></tr>\n")
                .append("<tr><th>defective</th><td class=\"n\">").append(c.falseNegatives()).append(" (FN)</td>")
                .append("<td class=\"n\">").append(c.truePositives()).append(" (TP)</td></tr></table>\n");
        if (r.classes().size() > 1) {
            h.append("<table><tr><th>class</th><th>TN</th><th>FP</th><th>FN</th><th>TP</th></tr>\n");
            r.classes().forEach((name, m) -> h.append("<tr><td>").append(esc(name)).append("</td><td class=\"n\">")
                    .append(m.counts().trueNegatives()).append("</td><td class=\"n\">")
                    .append(m.counts().falsePositives()).append("</td><td class=\"n\">")
                    .append(m.counts().falseNegatives()).append("</td><td class=\"n\">")
                    .append(m.counts().truePositives()).append("</td></tr>\n"));
            h.append("</table>\n");
        }
    }

    private void plots(StringBuilder h) {
        h.append("<h2>Curves and scores</h2>\n<div class=\"plots\">\n");
        String point = "threshold " + EvaluationReport.number(r.threshold());
        if (r.imageCurve() != null) {
            int at = r.imageCurve().indexAt(r.threshold());
            img(h, ReportCharts.png(ReportCharts.roc("Image ROC (AUROC " + EvaluationReport.percent(r.pooled().get("image_auroc"))
                    + "%)", r.imageCurve(), at, point)), "image ROC curve");
            img(h, ReportCharts.png(ReportCharts.precisionRecall("Image precision-recall (AP "
                    + EvaluationReport.percent(r.pooled().get("image_ap")) + "%)", r.imageCurve(), at, point)), "image precision-recall curve");
        } else {
            h.append("<p>No image curves: the images have only one label.</p>\n");
        }
        img(h, ReportCharts.png(ReportCharts.scoreHistogram("Image scores", r.goodScores(), r.defectScores(), r.threshold())),
                "histogram of image scores");
        if (r.pixelCurve() != null && r.pixelCurve().positives() > 0 && r.pixelCurve().negatives() > 0) {
            int at = r.pixelCurve().indexAt(Math.nextUp((float) r.pixelThreshold()));
            String label = "defect-map threshold " + EvaluationReport.number(r.pixelThreshold()) + " of " + Math.round(r.mapMax());
            img(h, ReportCharts.png(ReportCharts.roc("Pixel ROC (AUROC " + EvaluationReport.percent(r.pooled().get("pixel_auroc")) + "%)",
                    r.pixelCurve(), at, label)), "pixel ROC curve");
            img(h, ReportCharts.png(ReportCharts.precisionRecall("Pixel precision-recall (AP "
                    + EvaluationReport.percent(r.pooled().get("pixel_ap")) + "%)", r.pixelCurve(), at, label)), "pixel precision-recall curve");
        } else {
            h.append("<p>No pixel curves: no image with a defect mask and normal pixels.</p>\n");
        }
        h.append("</div>\n");
    }

    private void galleryHtml(StringBuilder h) {
        h.append("<h2>Gallery</h2>\n<p class=\"small\">Per class, the worst misses and false alarms. Panels: the "
                + "image; the ground truth (white = defect); the heat map over the image (colour scale beside it: "
                + "0 to ").append(Math.round(r.mapMax())).append(", the sum of ").append(Math.round(r.mapMax()))
                .append(" layers' defect probabilities); the predicted mask (map above ").append(esc(EvaluationReport.number(r.pixelThreshold())))
                .append("); the outline overlay (prediction in red, ground truth in green).</p>\n");
        if (r.gallery().isEmpty()) {
            h.append("<p>No images to show.</p>\n");
            return;
        }
        String scale = Base64.getEncoder().encodeToString(ReportCharts.png(ReportCharts.colourScale(0f, r.mapMax(),
                scaleHeight(), "defect map")));
        Map<String, List<GalleryItem>> byClass = new LinkedHashMap<>();
        r.gallery().forEach(g -> byClass.computeIfAbsent(g.className(), c -> new ArrayList<>()).add(g));
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
                        .append(", score ").append(esc(EvaluationReport.number(g.score()))).append("</td></tr>\n");
            }
            h.append("</table>\n");
        });
    }

    private int scaleHeight() {
        return r.gallery().stream().mapToInt(g -> g.heat().getHeight()).max().orElse(GalleryItem.THUMBNAIL);
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
}
