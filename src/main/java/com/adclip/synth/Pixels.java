package com.adclip.synth;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.function.Consumer;

/** Float RGB buffers (interleaved, 0..255), alpha buffers (0..1) and their conversion to images. */
final class Pixels {

    private Pixels() {}

    /** A Graphics2D with antialiasing and pure strokes, drawing in design coordinates through {@code pose}. */
    static Graphics2D graphics(BufferedImage image, AffineTransform pose) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.transform(pose);
        return g;
    }

    /** Coverage (0..1) of what {@code draw} paints, antialiased, on a {@code size²} canvas through {@code pose}. */
    static float[] alpha(int size, AffineTransform pose, Consumer<Graphics2D> draw) {
        BufferedImage gray = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = graphics(gray, pose);
        g.setColor(Color.WHITE);
        draw.accept(g);
        g.dispose();
        byte[] data = ((DataBufferByte) gray.getRaster().getDataBuffer()).getData();
        float[] out = new float[size * size];
        for (int i = 0; i < out.length; i++) {
            out[i] = (data[i] & 0xff) / 255f;
        }
        return out;
    }

    /** Coverage of a filled shape. */
    static float[] fill(int size, AffineTransform pose, Shape shape) {
        return alpha(size, pose, g -> g.fill(shape));
    }

    /**
     * Coverage of a region given per point of image space, from {@code ss × ss} samples per pixel; the region
     * lies within {@code reach} px of {@code (cx, cy)}.
     */
    static float[] region(int size, int ss, double cx, double cy, double reach, Inside inside) {
        float[] out = new float[size * size];
        int x0 = Math.max(0, (int) Math.floor(cx - reach));
        int x1 = Math.min(size - 1, (int) Math.ceil(cx + reach));
        int y0 = Math.max(0, (int) Math.floor(cy - reach));
        int y1 = Math.min(size - 1, (int) Math.ceil(cy + reach));
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                int hits = 0;
                for (int j = 0; j < ss; j++) {
                    for (int i = 0; i < ss; i++) {
                        if (inside.at(x + (i + 0.5) / ss, y + (j + 0.5) / ss)) {
                            hits++;
                        }
                    }
                }
                out[y * size + x] = hits / (float) (ss * ss);
            }
        }
        return out;
    }

    /** A region of image space. */
    interface Inside {
        boolean at(double x, double y);
    }

    /** The float RGB of an {@code INT_RGB} image. */
    static float[] rgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        float[] out = new float[w * h * 3];
        for (int i = 0; i < argb.length; i++) {
            out[3 * i] = (argb[i] >> 16) & 0xff;
            out[3 * i + 1] = (argb[i] >> 8) & 0xff;
            out[3 * i + 2] = argb[i] & 0xff;
        }
        return out;
    }

    /** An {@code INT_RGB} image of float RGB, rounded and clamped to 0..255. */
    static BufferedImage image(float[] rgb, int size) {
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        int[] argb = new int[size * size];
        for (int i = 0; i < argb.length; i++) {
            argb[i] = (q(rgb[3 * i]) << 16) | (q(rgb[3 * i + 1]) << 8) | q(rgb[3 * i + 2]);
        }
        out.setRGB(0, 0, size, size, argb, 0, size);
        return out;
    }

    /** A {@code BYTE_GRAY} 0/255 image of a boolean mask. */
    static BufferedImage mask(boolean[] mask, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        byte[] data = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < mask.length; i++) {
            data[i] = mask[i] ? (byte) 255 : 0;
        }
        return out;
    }

    static int q(float v) {
        return Math.max(0, Math.min(255, Math.round(v)));
    }

    static float clamp(float v) {
        return Math.max(0f, Math.min(255f, v));
    }

    /** Mean of the three channels of pixel {@code i}. */
    static float luma(float[] rgb, int i) {
        return (rgb[3 * i] + rgb[3 * i + 1] + rgb[3 * i + 2]) / 3f;
    }
}
