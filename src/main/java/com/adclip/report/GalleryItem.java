package com.adclip.report;

import com.adclip.anomaly.MapExport;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * One image of the report's gallery, as anomalib shows it: five panels of the same size, the image, its ground
 * truth, the heat map over it, the predicted mask and the outline overlay (prediction in red, ground truth in
 * green), and its score.
 *
 * @param kind e.g. {@code false negative}
 * @param image the image's name (path in the dataset)
 * @param className its class
 * @param score its image score
 * @param anomalous its label
 * @param picture the image, downscaled for the page
 * @param truth the ground-truth mask (white = defect; all black for a good part), or null for a defective image
 *     without a mask
 * @param heat the heat map over the picture (JET from 0 to the map's maximum), no boxes
 * @param predicted the predicted mask (white = map above the map threshold)
 * @param outline the picture with the predicted area's outline in red and the ground truth's in green
 */
public record GalleryItem(String kind, String image, String className, double score, boolean anomalous,
        BufferedImage picture, BufferedImage truth, BufferedImage heat, BufferedImage predicted,
        BufferedImage outline) {

    /** Longest side of gallery panels, in pixels (larger images are shrunk, smaller ones enlarged). */
    public static final int THUMBNAIL = 160;
    /** Colour of the ground-truth outline. */
    public static final Color OUTLINE = new Color(0x00ff66);
    /** Colour of the predicted area's outline. */
    public static final Color PREDICTED = new Color(0xff2020);

    /**
     * A gallery item from the full-size picture and map, scaled to {@link #THUMBNAIL}.
     *
     * @param map the anomaly map at the picture's size, row-major
     * @param mask the predicted mask at the picture's size ({@code map >} the map threshold), row-major
     * @param mapMax the map value shown as dark red (the number of feature layers)
     * @param groundTruth an 8-bit grey mask, non-zero = defect, any size (scaled to fit); null for none
     */
    public static GalleryItem of(String kind, String image, String className, double score, boolean anomalous,
            BufferedImage picture, float[] map, boolean[] mask, float mapMax, BufferedImage groundTruth) {
        double scale = THUMBNAIL / (double) Math.max(picture.getWidth(), picture.getHeight());
        int w = Math.max(1, (int) Math.round(picture.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(picture.getHeight() * scale));
        boolean smooth = scale < 1; // small images are enlarged with visible pixels, not blurred
        BufferedImage small = scaled(picture, w, h, smooth);
        BufferedImage heat = scaled(MapExport.overlay(picture, map, 0f, mapMax, List.of()), w, h, smooth);
        BufferedImage predicted = scaled(maskImage(mask, picture.getWidth(), picture.getHeight()), w, h, false,
                BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage truth = groundTruth != null ? scaled(groundTruth, w, h, false, BufferedImage.TYPE_BYTE_GRAY)
                : anomalous ? null : new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY); // good: no defect pixel
        BufferedImage outline = scaled(picture, w, h, smooth);
        outline(outline, predicted, PREDICTED);
        if (truth != null) {
            outline(outline, truth, OUTLINE);
        }
        return new GalleryItem(kind, image, className, score, anomalous, small, truth, heat, predicted, outline);
    }

    /** A row-major mask as an 8-bit grey image: 255 where true. */
    static BufferedImage maskImage(boolean[] mask, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        int[] values = new int[mask.length];
        for (int i = 0; i < mask.length; i++) {
            values[i] = mask[i] ? 255 : 0;
        }
        out.getRaster().setSamples(0, 0, width, height, 0, values);
        return out;
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
    private static void outline(BufferedImage target, BufferedImage mask, Color colour) {
        int w = target.getWidth();
        int h = target.getHeight();
        int[] m = mask.getRaster().getSamples(0, 0, w, h, 0, (int[]) null);
        int rgb = colour.getRGB();
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
