package com.adclip.serve;

import com.adclip.Inspection;
import com.adclip.anomaly.MapExport;
import com.adclip.anomaly.Prediction;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Pictures made from an inspection: the overlay, a thumbnail, and a compact map for the page. Public for the
 * history thumbnail fleet workers keep ({@link #thumbnail(Inspection, Inspector)}).
 */
public final class Renderings {
    /** The compact map's longest side. */
    static final int MAP_SIDE = 64;
    /** The thumbnail's longest side. */
    static final int THUMBNAIL_SIDE = 160;

    /**
     * A map small enough to ship in JSON: block means of the map, scaled so that 255 is {@code max}.
     *
     * @param values row-major uint8 values, {@code width × height}
     */
    record CompactMap(int width, int height, double max, byte[] values) {}

    private Renderings() {}

    static BufferedImage overlay(Inspection inspection, double mapMax) {
        Prediction p = inspection.prediction();
        return MapExport.overlay(inspection.picture(), p.map(), 0f, (float) mapMax, p.regions());
    }

    /** A small JPEG of the overlay, as the history keeps it. */
    public static byte[] thumbnail(Inspection inspection, Inspector inspector) {
        return thumbnail(overlay(inspection, inspector.mapMax()));
    }

    /** PNG at the fast deflate level of {@link MapExport#pngBytes}: the same pixels, for less CPU. */
    static byte[] png(BufferedImage image) {
        return MapExport.pngBytes(image);
    }

    /** A JPEG no larger than {@link #THUMBNAIL_SIDE} on its longest side. */
    static byte[] thumbnail(BufferedImage image) {
        double scale = Math.min(1.0, (double) THUMBNAIL_SIDE / Math.max(image.getWidth(), image.getHeight()));
        int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
        BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = small.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return encode(small, "jpg");
    }

    /** Block means of a row-major map, at most {@link #MAP_SIDE} on its longest side. */
    static CompactMap compact(float[] map, int width, int height, double max) {
        double scale = Math.min(1.0, (double) MAP_SIDE / Math.max(width, height));
        int w = Math.max(1, (int) Math.round(width * scale));
        int h = Math.max(1, (int) Math.round(height * scale));
        byte[] out = new byte[w * h];
        for (int y = 0; y < h; y++) {
            int y0 = (int) ((long) y * height / h);
            int y1 = Math.max(y0 + 1, (int) ((long) (y + 1) * height / h));
            for (int x = 0; x < w; x++) {
                int x0 = (int) ((long) x * width / w);
                int x1 = Math.max(x0 + 1, (int) ((long) (x + 1) * width / w));
                double sum = 0;
                for (int yy = y0; yy < y1; yy++) {
                    for (int xx = x0; xx < x1; xx++) {
                        sum += map[yy * width + xx];
                    }
                }
                double mean = sum / ((y1 - y0) * (x1 - x0));
                out[y * w + x] = (byte) Math.max(0, Math.min(255, Math.round(mean / max * 255)));
            }
        }
        return new CompactMap(w, h, max, out);
    }

    private static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, bytes)) {
                throw new IllegalStateException("no " + format + " writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
