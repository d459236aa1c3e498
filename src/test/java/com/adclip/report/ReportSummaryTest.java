package com.adclip.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.eval.BinaryCounts;
import java.awt.Color;
import java.awt.image.BufferedImage;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.junit.jupiter.api.Test;

/** The report's plain-language summary, its histogram's count axis and the heat maps' colour scale. */
class ReportSummaryTest {

    @Test
    void escapesAndRejectsFromKnownCounts() {
        // 50 defective parts, 5 scored OK; 200 good parts, 3 scored NG
        BinaryCounts c = new BinaryCounts(45, 3, 197, 5, 0.18789103627204895, BinaryCounts.Rule.SCORE_AT_LEAST);
        assertEquals("bottle: at threshold 0.188, 10.0 % of defective parts escape (5 of 50); "
                + "1.5 % of good parts are rejected (3 of 200).", EvaluationReport.plainSummary("bottle", c,
                        c.threshold()));
    }

    @Test
    void aClassWithoutGoodOrDefectivePartsSaysSo() {
        BinaryCounts onlyGood = new BinaryCounts(0, 1, 7, 0, 0.5, BinaryCounts.Rule.SCORE_AT_LEAST);
        String line = EvaluationReport.plainSummary("screw", onlyGood, 0.5);
        assertTrue(line.contains("no defective part was tested"), line);
        assertTrue(line.contains("12.5 % of good parts are rejected (1 of 8)"), line);
        BinaryCounts onlyDefective = new BinaryCounts(2, 0, 0, 1, 0.5, BinaryCounts.Rule.SCORE_AT_LEAST);
        line = EvaluationReport.plainSummary("screw", onlyDefective, 0.5);
        assertTrue(line.contains("33.3 % of defective parts escape (1 of 3)"), line);
        assertTrue(line.contains("no good part was tested"), line);
    }

    @Test
    void theHistogramCountsImagesInWholeNumbers() {
        // at most 2 images per bin: a free axis would tick at 0.25 or 0.5 images
        JFreeChart chart = ReportCharts.scoreHistogram("scores", new double[] {0.1, 0.12, 0.3},
                new double[] {0.8, 0.81, 0.95}, 0.5);
        chart.createBufferedImage(ReportCharts.WIDTH, ReportCharts.HEIGHT); // ticks are chosen when drawn
        NumberAxis counts = (NumberAxis) chart.getXYPlot().getRangeAxis();
        double step = counts.getTickUnit().getSize();
        assertTrue(step >= 1 && step == Math.rint(step), "tick step " + step + " images");
    }

    @Test
    void theColourScaleRunsFromBlueAtZeroToRedAtTheTop() {
        BufferedImage scale = ReportCharts.colourScale(0f, 4f, 160, "defect map");
        assertEquals(160, scale.getHeight());
        Color bottom = new Color(scale.getRGB(8, 150));
        Color top = new Color(scale.getRGB(8, 9));
        assertTrue(bottom.getBlue() > 100 && bottom.getRed() < 50, "bottom (0) is dark blue: " + bottom);
        assertTrue(top.getRed() > 100 && top.getBlue() < 50, "top (4) is dark red: " + top);
    }
}
