package com.adclip.report;

import com.adclip.eval.CurvePoints;
import com.adclip.train.EpochRecord;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.statistics.HistogramDataset;
import org.jfree.data.statistics.HistogramType;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The report's plots, drawn with JFreeChart and encoded as PNG. */
public final class ReportCharts {
    static final int WIDTH = 560;
    static final int HEIGHT = 420;
    private static final Color CURVE = new Color(0x1f77b4);
    private static final Color POINT = new Color(0xd62728);
    private static final Color GOOD = new Color(0x2ca02c);

    private ReportCharts() {}

    /**
     * The ROC curve with the operating point marked.
     *
     * @param operating the index of the operating point in {@code curve}, or -1 for none
     */
    public static JFreeChart roc(String title, CurvePoints curve, int operating, String pointLabel) {
        XYSeries line = new XYSeries("ROC", false, true);
        for (int i = 0; i < curve.size(); i++) {
            line.add(curve.fpr(i), curve.tpr(i));
        }
        XYSeries chance = new XYSeries("chance", false, true);
        chance.add(0, 0);
        chance.add(1, 1);
        return curveChart(title, "false-positive rate", "true-positive rate (recall)", line, chance,
                operating < 0 ? Double.NaN : curve.fpr(operating), operating < 0 ? Double.NaN : curve.tpr(operating),
                pointLabel);
    }

    /** The precision-recall curve with the operating point marked. */
    public static JFreeChart precisionRecall(String title, CurvePoints curve, int operating, String pointLabel) {
        XYSeries line = new XYSeries("precision-recall", false, true);
        for (int i = 1; i < curve.size(); i++) { // point 0 (nothing predicted) has no precision
            line.add(curve.tpr(i), curve.precision(i));
        }
        XYSeries base = new XYSeries("defect rate", false, true);
        double rate = (double) curve.positives() / (curve.positives() + curve.negatives());
        base.add(0, rate);
        base.add(1, rate);
        boolean has = operating > 0;
        return curveChart(title, "recall", "precision", line, base, has ? curve.tpr(operating) : Double.NaN,
                has ? curve.precision(operating) : Double.NaN, pointLabel);
    }

    private static JFreeChart curveChart(String title, String x, String y, XYSeries line, XYSeries reference,
            double px, double py, String pointLabel) {
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(line);
        data.addSeries(reference);
        XYSeries point = new XYSeries("operating point", false, true);
        if (!Double.isNaN(px) && !Double.isNaN(py)) {
            point.add(px, py);
        }
        data.addSeries(point);
        JFreeChart chart = ChartFactory.createXYLineChart(title, x, y, data, PlotOrientation.VERTICAL, true, false,
                false);
        XYPlot plot = style(chart);
        plot.getDomainAxis().setRange(-0.01, 1.01);
        plot.getRangeAxis().setRange(-0.01, 1.05);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
        renderer.setSeriesPaint(0, CURVE);
        renderer.setSeriesStroke(0, new BasicStroke(2.2f));
        renderer.setSeriesShapesVisible(0, false);
        renderer.setSeriesPaint(1, Color.GRAY);
        renderer.setSeriesStroke(1, new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {5f, 5f}, 0f));
        renderer.setSeriesShapesVisible(1, false);
        renderer.setSeriesPaint(2, POINT);
        renderer.setSeriesLinesVisible(2, false);
        renderer.setSeriesShape(2, new java.awt.geom.Ellipse2D.Double(-6, -6, 12, 12));
        plot.setRenderer(renderer);
        if (point.getItemCount() > 0 && pointLabel != null) {
            XYTextAnnotation label = new XYTextAnnotation(pointLabel, px, py);
            label.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            label.setPaint(POINT);
            label.setTextAnchor(px > 0.6 ? TextAnchor.BOTTOM_RIGHT : TextAnchor.BOTTOM_LEFT);
            plot.addAnnotation(label);
        }
        return chart;
    }

    /** Histograms of the good and the defective images' scores, with the threshold as a vertical line. */
    public static JFreeChart scoreHistogram(String title, double[] good, double[] defective, double threshold) {
        HistogramDataset data = new HistogramDataset();
        data.setType(HistogramType.FREQUENCY);
        double lo = Math.min(threshold, Math.min(min(good), min(defective)));
        double hi = Math.max(threshold, Math.max(max(good), max(defective)));
        if (!(hi > lo)) {
            lo -= 0.01;
            hi += 0.01;
        }
        int bins = 30;
        if (good.length > 0) {
            data.addSeries("good (" + good.length + ")", good, bins, lo, hi);
        }
        if (defective.length > 0) {
            data.addSeries("defective (" + defective.length + ")", defective, bins, lo, hi);
        }
        JFreeChart chart = ChartFactory.createHistogram(title, "image score", "images", data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = style(chart);
        plot.getRangeAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits()); // counts: 0, 1, 2, not 0.5
        XYBarRenderer renderer = (XYBarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardXYBarPainter());
        renderer.setShadowVisible(false);
        int series = 0;
        if (good.length > 0) {
            renderer.setSeriesPaint(series++, new Color(GOOD.getRed(), GOOD.getGreen(), GOOD.getBlue(), 150));
        }
        if (defective.length > 0) {
            renderer.setSeriesPaint(series, new Color(POINT.getRed(), POINT.getGreen(), POINT.getBlue(), 150));
        }
        ValueMarker marker = new ValueMarker(threshold, Color.BLACK, new BasicStroke(2f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        marker.setLabel(String.format(Locale.ROOT, "threshold %.3g", threshold));
        marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        marker.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
        marker.setLabelTextAnchor(TextAnchor.TOP_LEFT);
        plot.addDomainMarker(marker);
        return chart;
    }

    /**
     * Training and validation loss per epoch (from the run's {@code train_log.csv}); epochs on an integer axis.
     */
    public static JFreeChart lossCurve(String title, List<EpochRecord> epochs) {
        XYSeries train = new XYSeries("training loss", false, true);
        XYSeries validation = new XYSeries("validation loss", false, true);
        for (EpochRecord e : epochs) {
            if (Double.isFinite(e.loss())) {
                train.add(e.epoch(), e.loss());
            }
            if (Double.isFinite(e.validationLoss())) {
                validation.add(e.epoch(), e.validationLoss());
            }
        }
        XYSeriesCollection data = new XYSeriesCollection(train);
        if (validation.getItemCount() > 0) {
            data.addSeries(validation);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "epoch", "loss", data, PlotOrientation.VERTICAL, true,
                false, false);
        XYPlot plot = style(chart);
        plot.getDomainAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        renderer.setSeriesPaint(0, CURVE);
        renderer.setSeriesStroke(0, new BasicStroke(2.2f));
        renderer.setSeriesPaint(1, POINT);
        renderer.setSeriesStroke(1, new BasicStroke(2.2f));
        plot.setRenderer(renderer);
        return chart;
    }

    /**
     * A vertical colour scale for heat maps: JET from {@code min} (bottom, dark blue) to {@code max} (top, dark
     * red), with the two ends and the middle labelled, and {@code unit} written along it.
     */
    public static BufferedImage colourScale(float min, float max, int height, String unit) {
        int bar = 14;
        int width = 64;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            int top = 7;
            int bottom = height - 7;
            for (int y = top; y <= bottom; y++) {
                float v = min + (max - min) * (bottom - y) / (float) (bottom - top);
                g.setColor(new Color(com.adclip.anomaly.MapExport.jetRgb(v, min, max)));
                g.drawLine(2, y, 2 + bar, y);
            }
            g.setColor(Color.DARK_GRAY);
            g.drawRect(2, top, bar, bottom - top);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            FontMetrics m = g.getFontMetrics();
            String[] labels = {tick(max), tick((min + max) / 2), tick(min)};
            int[] ys = {top + m.getAscent() / 2, (top + bottom) / 2 + m.getAscent() / 2 - 1, bottom + m.getAscent() / 2 - 1};
            for (int i = 0; i < labels.length; i++) {
                g.drawLine(2 + bar, ys[i] - m.getAscent() / 2, 2 + bar + 3, ys[i] - m.getAscent() / 2);
                g.drawString(labels[i], 2 + bar + 5, Math.min(height - 1, Math.max(m.getAscent(), ys[i])));
            }
            if (unit != null && !unit.isEmpty()) {
                java.awt.geom.AffineTransform saved = g.getTransform();
                g.rotate(-Math.PI / 2);
                g.drawString(unit, -(height + m.stringWidth(unit)) / 2, width - 4);
                g.setTransform(saved);
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    private static String tick(float v) {
        return v == Math.rint(v) ? Integer.toString((int) v) : String.format(Locale.ROOT, "%.2g", v);
    }

    private static XYPlot style(JFreeChart chart) {
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        return plot;
    }

    /** The chart as PNG bytes. */
    public static byte[] png(JFreeChart chart) {
        return png(chart.createBufferedImage(WIDTH, HEIGHT));
    }

    /** An image as PNG bytes. */
    public static byte[] png(BufferedImage image) {
        try {
            return ChartUtils.encodeAsPNG(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            m = Math.min(m, x);
        }
        return m;
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return m;
    }
}
