package com.adclip.report;

import com.adclip.eval.ClassMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The metrics table as the reference prints it: pipe format, percent with one decimal, {@code n/a} for null; the
 * terminal and {@code report.md} show it.
 */
final class PipeTable {
    private PipeTable() {}

    static String render(String first, Map<String, ClassMetrics> metrics) {
        List<String[]> rows = new ArrayList<>();
        rows.add(header(first));
        metrics.forEach((name, m) -> rows.add(row(name, m)));
        int[] width = widths(rows);
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            line(out, rows.get(r), width);
            if (r == 0) {
                rule(out, width);
            }
        }
        return out.toString();
    }

    private static String[] header(String first) {
        String[] header = new String[EvaluationReport.COLUMNS.length + 1];
        header[0] = first;
        for (int i = 0; i < EvaluationReport.COLUMNS.length; i++) {
            header[i + 1] = EvaluationReport.COLUMNS[i][1];
        }
        return header;
    }

    private static String[] row(String name, ClassMetrics m) {
        String[] row = new String[EvaluationReport.COLUMNS.length + 1];
        row[0] = name;
        for (int i = 0; i < EvaluationReport.COLUMNS.length; i++) {
            row[i + 1] = EvaluationReport.percent(m.get(EvaluationReport.COLUMNS[i][0]));
        }
        return row;
    }

    private static int[] widths(List<String[]> rows) {
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        return width;
    }

    private static void line(StringBuilder out, String[] row, int[] width) {
        out.append('|');
        for (int i = 0; i < row.length; i++) {
            String cell = i == 0 ? pad(row[i], width[i], false) : pad(row[i], width[i], true);
            out.append(' ').append(cell).append(" |");
        }
        out.append('\n');
    }

    private static void rule(StringBuilder out, int[] width) {
        out.append('|');
        for (int i = 0; i < width.length; i++) {
            out.append(i == 0 ? ":" + "-".repeat(width[i] + 1) : "-".repeat(width[i] + 1) + ":").append('|');
        }
        out.append('\n');
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }
}
