package com.adclip.train;

import com.adclip.AdclipException;
import com.adclip.files.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** {@code loss_curve.png}: training (and validation) loss per epoch, drawn with JFreeChart. */
public final class LossCurve {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 500;

    private LossCurve() {}

    /** Writes the chart atomically (temp file + rename). */
    public static void write(Path file, List<EpochRecord> log) {
        JFreeChart chart = chart(log);
        try {
            AtomicFiles.write(file, temp -> ChartUtils.saveChartAsPNG(temp.toFile(), chart, WIDTH, HEIGHT));
        } catch (IOException e) {
            throw new AdclipException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static JFreeChart chart(List<EpochRecord> log) {
        XYSeries train = new XYSeries("training loss");
        XYSeries image = new XYSeries("image loss (CE)");
        XYSeries map = new XYSeries("map loss (focal + dice)");
        XYSeries validation = new XYSeries("validation loss");
        for (EpochRecord r : log) {
            train.add(r.epoch(), r.loss());
            image.add(r.epoch(), r.imageLoss());
            map.add(r.epoch(), r.mapLoss());
            if (!Double.isNaN(r.validationLoss())) {
                validation.add(r.epoch(), r.validationLoss());
            }
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(train);
        data.addSeries(image);
        data.addSeries(map);
        if (validation.getItemCount() > 0) {
            data.addSeries(validation);
        }
        JFreeChart chart = ChartFactory.createXYLineChart("AD-CLIP training", "epoch", "loss", data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.getDomainAxis().setStandardTickUnits(org.jfree.chart.axis.NumberAxis.createIntegerTickUnits());
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, log.size() <= 50);
        Color[] colours = {new Color(0x1f77b4), new Color(0x2ca02c), new Color(0x9467bd), new Color(0xd62728)};
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesPaint(i, colours[i]);
            renderer.setSeriesStroke(i, new BasicStroke(i == 0 || i == 3 ? 2.5f : 1.2f));
        }
        plot.setRenderer(renderer);
        return chart;
    }
}
