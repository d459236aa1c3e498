package com.adclip.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * One image of the report's gallery: the picture, the anomaly overlay with the ground-truth outline, and its
 * score.
 *
 * @param kind e.g. {@code false negative}
 * @param image the image's name (path in the dataset)
 * @param className its class
 * @param score its image score
 * @param anomalous its label
 * @param picture the image, downscaled for the page
 * @param overlay the heat-map overlay with the ground-truth outline, same size as {@code picture}
 */
public record GalleryItem(String kind, String image, String className, double score, boolean anomalous,
        BufferedImage picture, BufferedImage overlay) {

    /** Longest side of gallery pictures, in pixels (larger images are shrunk, smaller ones enlarged). */
    public static final int THUMBNAIL = 320;
    /** Colour of the ground-truth outline. */
    public static final Color OUTLINE = new Color(0x00ff66);

    /**
     * A gallery item from the full-size picture and overlay, scaled to {@link #THUMBNAIL}, with the outline of
     * {@code groundTruth} (an 8-bit grey mask, non-zero = defect, any size: scaled to fit; null for none) drawn on
     * the overlay.
     */
    public static GalleryItem of(String kind, String image, String className, double score, boolean anomalous,
            BufferedImage picture, BufferedImage overlay, BufferedImage groundTruth) {
        double scale = THUMBNAIL / (double) Math.max(picture.getWidth(), picture.getHeight());
        int w = Math.max(1, (int) Math.round(picture.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(picture.getHeight() * scale));
        boolean smooth = scale < 1; // small images are enlarged with visible pixels, not blurred
        BufferedImage small = scaled(picture, w, h, smooth);
        BufferedImage heat = scaled(overlay, w, h, smooth);
        if (groundTruth != null) {
            outline(heat, scaled(groundTruth, w, h, false, BufferedImage.TYPE_BYTE_GRAY));
        }
        return new GalleryItem(kind, image, className, score, anomalous, small, heat);
    }

    private static BufferedImage scaled(BufferedImage source, int w, int h, boolean smooth) {
        return scaled(source, w, h, smooth, BufferedImage.TYPE_INT_RGB);
    }

    private static BufferedImage scaled(BufferedImage source, int w, int h, boolean smooth, int type) {
        BufferedImage out = new BufferedImage(w, h, type);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, smooth ? RenderingHints.VALUE_INTERPOLATION_BILINEAR
                    : RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.drawImage(source, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Paints the boundary pixels of the mask's defect area (defect pixels with a background 4-neighbour). */
    private static void outline(BufferedImage target, BufferedImage mask) {
        int w = target.getWidth();
        int h = target.getHeight();
        int[] m = mask.getRaster().getSamples(0, 0, w, h, 0, (int[]) null);
        int rgb = OUTLINE.getRGB();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (m[y * w + x] == 0) {
                    continue;
                }
                boolean edge = x == 0 || y == 0 || x == w - 1 || y == h - 1 || m[y * w + x - 1] == 0
                        || m[y * w + x + 1] == 0 || m[(y - 1) * w + x] == 0 || m[(y + 1) * w + x] == 0;
                if (edge) {
                    target.setRGB(x, y, rgb);
                    if (x + 1 < w) {
                        target.setRGB(x + 1, y, rgb); // 2 px wide so it survives the page's scaling
                    }
                }
            }
        }
    }
}
