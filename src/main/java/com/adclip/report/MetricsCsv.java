package com.adclip.report;

import com.adclip.eval.ClassMetrics;
import com.adclip.eval.MetricValue;

/** {@code metrics.csv}: one row per class, then {@code mean} and {@code pooled}; empty cells are null. */
final class MetricsCsv {
    private MetricsCsv() {}

    static String render(EvaluationReport r) {
        StringBuilder out = new StringBuilder("class," + String.join(",", ClassMetrics.NAMES) + ",n_good,n_defect\n");
        r.rows().forEach((name, m) -> {
            out.append(cell(name));
            for (String metric : ClassMetrics.NAMES) {
                MetricValue v = m.get(metric);
                out.append(",").append(v.computable() ? Double.toString(v.get() + 0.0) : "");
            }
            out.append(',').append(m.good()).append(',').append(m.defective()).append('\n');
        });
        return out.toString();
    }

    private static String cell(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
