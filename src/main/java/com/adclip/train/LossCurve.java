package com.adclip.train;

import com.adclip.AdclipException;
import com.adclip.files.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.jfree.chart.ChartFactory;
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
    private static final String TEMP_PREFIX = "loss_curve";

    private LossCurve() {}

    /**
     * Writes the chart atomically (temp file + rename). The PNG is encoded in memory first, without ImageIO's cache
     * file (which lands in the system temp folder, lingers when the run is killed, and on a full disk fails with
     * a trace from its StreamCloser), so the temp file exists only for one write and a failure is one line.
     */
    public static void write(Path file, List<EpochRecord> log) {
        JFreeChart chart = chart(log);
        try {
            byte[] png = png(chart.createBufferedImage(WIDTH, HEIGHT));
            AtomicFiles.write(file, png);
        } catch (IOException e) {
            throw new AdclipException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** A PNG of {@code image}, encoded in memory (no cache file). */
    static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(image);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /**
     * Removes temp files that a killed run left in {@code dir}: of the loss curve, and {@code stem*.tmp} for each
     * of {@code stems} (the other files a run writes by temp + rename).
     *
     * @return how many were removed
     */
    public static int removeStaleTemps(Path dir, List<String> stems) throws IOException {
        int removed = 0;
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                boolean ours = name.startsWith(TEMP_PREFIX) || stems.stream().anyMatch(name::startsWith);
                if (ours && name.endsWith(".tmp") && Files.isRegularFile(f) && Files.deleteIfExists(f)) {
                    removed++;
                }
            }
        }
        return removed;
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
