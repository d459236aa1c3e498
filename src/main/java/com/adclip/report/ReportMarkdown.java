package com.adclip.report;

import com.adclip.eval.BinaryCounts;
import com.adclip.eval.ClassMetrics;
import com.adclip.eval.TypeRecall;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code report.md}: what produced it, the table, the reasons for missing numbers, confusion matrices. */
final class ReportMarkdown {
    private ReportMarkdown() {}

    static String render(EvaluationReport r) {
        StringBuilder md = new StringBuilder("# AD-CLIP evaluation\n\n");
        r.plainSummaries().forEach(line -> md.append("**").append(line).append("**\n\n"));
        r.about().forEach((k, v) -> md.append("- **").append(k).append("**: ").append(v).append('\n'));
        md.append("\nValues in percent. ").append(EvaluationReport.RULE).append(".\n\n");
        md.append(r.table()).append('\n');
        for (String line : r.summaryLines()) {
            md.append("- ").append(line).append('\n');
        }
        if (!r.comparison().isEmpty()) {
            md.append("\n## Prompt only and fused with the reference bank\n\nAll images, each way at its own "
                    + "thresholds.\n\n").append(r.comparisonTable());
        }
        List<String> reasons = r.reasons();
        if (!reasons.isEmpty()) {
            md.append("\n## Not computable\n\n");
            reasons.forEach(reason -> md.append("- ").append(reason).append('\n'));
        }
        confusion(md, r);
        types(md, r.types());
        if (r.defectTypes() != null) {
            TypeSection.markdown(md, r.defectTypes());
        }
        if (!r.failures().isEmpty()) {
            md.append("\n## Images left out\n\n");
            r.failures().forEach(f -> md.append("- ").append(f).append('\n'));
        }
        md.append("\nPlots and the gallery are in report.html.\n");
        return md.toString();
    }

    private static void confusion(StringBuilder md, EvaluationReport r) {
        md.append("\n## Confusion matrices at the threshold\n\n| class | TN | FP | FN | TP |\n|:--|--:|--:|--:|--:|\n");
        Map<String, ClassMetrics> withCounts = new LinkedHashMap<>(r.classes());
        withCounts.put("pooled", r.pooled());
        withCounts.forEach((name, m) -> {
            BinaryCounts c = m.counts();
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d |%n", name, c.trueNegatives(),
                    c.falsePositives(), c.falseNegatives(), c.truePositives()));
        });
    }

    private static void types(StringBuilder md, List<TypeRecall> types) {
        if (types.isEmpty()) {
            return;
        }
        md.append("\n## Recall per defect type\n\n| class | defect type | defective | caught | recall | escaped |\n"
                + "|:--|:--|--:|--:|--:|:--|\n");
        for (TypeRecall t : types) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %s | %s |%n", t.className(), t.defectType(),
                    t.defective(), t.caught(), EvaluationReport.share(t.caught(), t.defective()),
                    EvaluationReport.escapesText(t)));
        }
    }
}
