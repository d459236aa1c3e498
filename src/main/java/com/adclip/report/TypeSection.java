package com.adclip.report;

import com.adclip.eval.MetricValue;
import com.adclip.eval.RegionTypeMatch;
import com.adclip.eval.TypeConfusion;
import com.adclip.eval.TypeEvaluation;
import com.adclip.eval.TypeMetrics;
import com.adclip.eval.TypeScore;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.commons.text.StringEscapeUtils;

/**
 * The defect-type part of {@code adclip test}'s report (issue 15): accuracy, macro F1 and per-type precision /
 * recall / F1 on images and on regions, as a table, and each level's confusion matrix as a picture in
 * {@code report.html} (as a table of counts in {@code report.md}, and in {@code metrics.json}). Written only when
 * the detector predicted types and the ground truth has types.
 */
final class TypeSection {
    /** The two levels, in the order shown. */
    static final String IMAGES = "images";
    static final String REGIONS = "regions";

    static final String HOW = "Images: each defective image with a ground-truth type (its folder name or "
            + "specie_name), predicted as the top type of the image's distribution. Regions: each predicted region "
            + "that shares at least " + Math.round(100 * RegionTypeMatch.MIN_OVERLAP) + " % of the smaller of the two "
            + "with a ground-truth region, which gives it that region's type (the one sharing most pixels); the "
            + "predicted type is the top of the region's distribution. \"unknown\" counts as wrong. Macro F1 is the "
            + "mean F1 over the types of the ground truth.";

    private TypeSection() {}

    private static Map<String, TypeMetrics> levels(TypeEvaluation.Result r) {
        Map<String, TypeMetrics> out = new LinkedHashMap<>();
        out.put(IMAGES, r.images());
        out.put(REGIONS, r.regions());
        return out;
    }

    /** The line printed under the metrics table. */
    static String summaryLine(TypeEvaluation.Result r) {
        List<String> parts = new ArrayList<>();
        levels(r).forEach((level, m) -> parts.add(String.format(Locale.ROOT, "%s %s %% accurate, macro F1 %s %% "
                + "(%d)", level, EvaluationReport.percent(m.accuracy()), EvaluationReport.percent(m.macroF1()),
                m.cases())));
        return "defect types: " + String.join("; ", parts);
    }

    // ---- metrics.json

    /** Adds {@code defect_types} to {@code metrics.json}. */
    static void json(ObjectNode root, TypeEvaluation.Result r) {
        ObjectNode node = root.putObject("defect_types");
        node.put("rule", HOW);
        levels(r).forEach((level, m) -> {
            ObjectNode l = node.putObject(level);
            l.put("cases", m.cases());
            value(l, "accuracy", m.accuracy());
            value(l, "macro_f1", m.macroF1());
            ObjectNode types = l.putObject("types");
            for (TypeScore s : m.scores()) {
                ObjectNode t = types.putObject(s.type());
                t.put("support", s.support());
                t.put("predicted", s.predicted());
                t.put("correct", s.correct());
                value(t, "precision", s.precision());
                value(t, "recall", s.recall());
                value(t, "f1", s.f1());
            }
            ObjectNode confusion = l.putObject("confusion");
            TypeConfusion c = m.confusion();
            c.types().forEach(confusion.putArray("true")::add);
            c.columns().forEach(confusion.putArray("predicted")::add);
            ArrayNode counts = confusion.putArray("counts");
            for (long[] row : c.counts()) {
                ArrayNode a = counts.addArray();
                for (long n : row) {
                    a.add(n);
                }
            }
        });
        r.notes().forEach(node.putArray("notes")::add);
    }

    private static void value(ObjectNode node, String name, MetricValue v) {
        if (v.computable()) {
            node.put(name, v.get() + 0.0);
        } else {
            node.putNull(name);
        }
    }

    // ---- report.md

    /** The markdown section. */
    static void markdown(StringBuilder md, TypeEvaluation.Result r) {
        md.append("\n## Defect types\n\n").append(HOW).append("\n\n");
        md.append("| level | cases | accuracy | macro F1 |\n|:--|--:|--:|--:|\n");
        levels(r).forEach((level, m) -> md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s |%n", level,
                m.cases(), EvaluationReport.percent(m.accuracy()), EvaluationReport.percent(m.macroF1()))));
        md.append("\nPer type (percent; n = cases of the type in the ground truth):\n\n")
                .append("| type | images n | P | R | F1 | regions n | P | R | F1 |\n")
                .append("|:--|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (String type : types(r)) {
            md.append("| ").append(type);
            for (TypeMetrics m : levels(r).values()) {
                TypeScore s = score(m, type);
                md.append(" | ").append(s == null ? "0" : Long.toString(s.support()))
                        .append(" | ").append(s == null ? "n/a" : EvaluationReport.percent(s.precision()))
                        .append(" | ").append(s == null ? "n/a" : EvaluationReport.percent(s.recall()))
                        .append(" | ").append(s == null ? "n/a" : EvaluationReport.percent(s.f1()));
            }
            md.append(" |\n");
        }
        levels(r).forEach((level, m) -> {
            md.append("\nConfusion matrix, ").append(level).append(" (rows: true type; columns: predicted):\n\n");
            TypeConfusion c = m.confusion();
            if (c.types().isEmpty()) {
                md.append("No case.\n");
                return;
            }
            md.append("| true \\ predicted | ").append(String.join(" | ", c.columns())).append(" |\n|:--|")
                    .append("--:|".repeat(c.columns().size())).append('\n');
            for (int i = 0; i < c.types().size(); i++) {
                md.append("| ").append(c.types().get(i));
                for (int j = 0; j < c.columns().size(); j++) {
                    md.append(" | ").append(c.count(i, j));
                }
                md.append(" |\n");
            }
        });
        if (!r.notes().isEmpty()) {
            md.append('\n');
            r.notes().forEach(n -> md.append("- ").append(n).append('\n'));
        }
    }

    /** Every type of either level, sorted. */
    private static List<String> types(TypeEvaluation.Result r) {
        TreeSet<String> all = new TreeSet<>(r.images().confusion().types());
        all.addAll(r.regions().confusion().types());
        return new ArrayList<>(all);
    }

    private static TypeScore score(TypeMetrics m, String type) {
        return m.scores().stream().filter(s -> s.type().equals(type)).findFirst().orElse(null);
    }

    // ---- report.html

    /** The HTML section: summary table, per-type table, the two confusion-matrix pictures, notes. */
    static void html(StringBuilder h, TypeEvaluation.Result r) {
        h.append("<h2 id=\"defect-types\">Defect types</h2>\n<p class=\"small\">").append(esc(HOW)).append("</p>\n");
        h.append("<table id=\"type-summary\"><tr><th>level</th><th>cases</th><th>accuracy</th><th>macro F1</th>"
                + "</tr>\n");
        levels(r).forEach((level, m) -> h.append("<tr><td>").append(level).append("</td><td class=\"n\">")
                .append(m.cases()).append("</td>").append(cell(m.accuracy())).append(cell(m.macroF1()))
                .append("</tr>\n"));
        h.append("</table>\n<table id=\"type-scores\"><tr><th rowspan=\"2\">type</th><th colspan=\"4\">images</th>"
                + "<th colspan=\"4\">regions</th></tr>\n<tr>");
        for (int i = 0; i < 2; i++) {
            h.append("<th>n</th><th>P</th><th>R</th><th>F1</th>");
        }
        h.append("</tr>\n");
        for (String type : types(r)) {
            h.append("<tr><td>").append(esc(type)).append("</td>");
            for (TypeMetrics m : levels(r).values()) {
                TypeScore s = score(m, type);
                if (s == null) {
                    h.append("<td class=\"n\">0</td>").append("<td class=\"n na\">n/a</td>".repeat(3));
                } else {
                    h.append("<td class=\"n\">").append(s.support()).append("</td>").append(cell(s.precision()))
                            .append(cell(s.recall())).append(cell(s.f1()));
                }
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n<p class=\"small\">Percent. n = cases of the type in the ground truth; P = share of "
                + "the cases predicted as the type that are of it; R = share of the type's cases predicted as "
                + "it.</p>\n<div class=\"plots\" id=\"type-confusion\">\n");
        levels(r).forEach((level, m) -> {
            if (m.confusion().types().isEmpty()) {
                h.append("<p>No ").append(level).append(" case to draw.</p>\n");
                return;
            }
            String title = "Defect types, " + level + " (" + m.cases() + ")";
            h.append("<img alt=\"").append(esc("confusion matrix of defect types, " + level))
                    .append("\" src=\"data:image/png;base64,").append(java.util.Base64.getEncoder().encodeToString(
                            ReportCharts.png(ConfusionMatrixPicture.draw(title, m.confusion())))).append("\">\n");
        });
        h.append("</div>\n");
        if (!r.notes().isEmpty()) {
            h.append("<ul class=\"small\">\n");
            r.notes().forEach(n -> h.append("<li>").append(esc(n)).append("</li>\n"));
            h.append("</ul>\n");
        }
    }

    private static String cell(MetricValue v) {
        return v.computable() ? "<td class=\"n\">" + EvaluationReport.percent(v) + "</td>"
                : "<td class=\"n na\" title=\"" + esc(v.reason()) + "\">n/a</td>";
    }

    private static String esc(String s) {
        return StringEscapeUtils.escapeHtml4(s);
    }
}
