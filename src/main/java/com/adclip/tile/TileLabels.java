package com.adclip.tile;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.adclip.image.ImagePreprocessor;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.util.List;

/**
 * Ground truth per tile for training. With a mask, a tile's mask is the full-resolution mask cut to the tile
 * (zero in the padding) and preprocessed as masks are (resized to S×S through the same geometry, {@code > 0.5});
 * the tile is anomalous when it holds at least one defect pixel of the full-resolution mask. With boxes only,
 * a tile is anomalous when it holds at least a quarter of some box's area: a box that merely grazes a tile
 * does not make it a defect example.
 */
public final class TileLabels {
    /** Share of a box's area a tile must hold to be labelled anomalous by that box. */
    public static final double BOX_SHARE = 0.25;

    private TileLabels() {}

    /** Whether any pixel of {@code mask} (one 8-bit band, non-zero = defect) inside {@code tile} is a defect. */
    public static boolean anomalous(BufferedImage mask, Tile tile) {
        Raster raster = checked(mask);
        int x1 = Math.min(tile.x() + tile.width(), mask.getWidth());
        int y1 = Math.min(tile.y() + tile.height(), mask.getHeight());
        if (x1 <= tile.x() || y1 <= tile.y()) {
            return false;
        }
        int[] row = new int[x1 - tile.x()];
        for (int y = tile.y(); y < y1; y++) {
            raster.getSamples(tile.x(), y, row.length, 1, 0, row);
            for (int v : row) {
                if (v != 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether {@code tile} holds at least {@link #BOX_SHARE} of the area of one of {@code boxes}. */
    public static boolean anomalous(List<Rectangle2D> boxes, Tile tile) {
        Rectangle2D area = new Rectangle2D.Double(tile.x(), tile.y(), tile.width(), tile.height());
        for (Rectangle2D box : boxes) {
            double boxArea = box.getWidth() * box.getHeight();
            if (boxArea <= 0 || !box.intersects(area)) {
                continue;
            }
            Rectangle2D common = box.createIntersection(area);
            if (common.getWidth() * common.getHeight() >= BOX_SHARE * boxArea) {
                return true;
            }
        }
        return false;
    }

    /** The tile's S×S mask (0/1, row-major), from the full-resolution {@code mask}, as the model's target. */
    public static byte[] mask(BufferedImage mask, Tile tile, ImagePreprocessor preprocessor, NDManager manager) {
        checked(mask);
        BufferedImage cut = new BufferedImage(tile.width(), tile.height(), BufferedImage.TYPE_BYTE_GRAY);
        int w = Math.min(tile.width(), mask.getWidth() - tile.x());
        int h = Math.min(tile.height(), mask.getHeight() - tile.y());
        if (w > 0 && h > 0) {
            int[] samples = mask.getRaster().getSamples(tile.x(), tile.y(), w, h, 0, (int[]) null);
            cut.getRaster().setSamples(0, 0, w, h, 0, samples);
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray target = preprocessor.mask(scope, cut); // [S, S]
            float[] values = target.toFloatArray();
            byte[] out = new byte[values.length];
            for (int i = 0; i < values.length; i++) {
                out[i] = values[i] > 0.5f ? (byte) 1 : 0;
            }
            return out;
        }
    }

    private static Raster checked(BufferedImage mask) {
        Raster raster = mask.getRaster();
        if (raster.getNumBands() != 1 || raster.getTransferType() != DataBuffer.TYPE_BYTE) {
            throw new IllegalArgumentException("a mask must have one 8-bit band");
        }
        return raster;
    }
}
