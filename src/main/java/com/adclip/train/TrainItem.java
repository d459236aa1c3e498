package com.adclip.train;

import com.adclip.tile.Tile;
import java.nio.file.Path;

/**
 * One training or validation image, or one tile of an image, as the trainer sees it.
 *
 * @param image the file
 * @param contentHash sha256 of its bytes (the cache key's content part)
 * @param anomalous its image-level label (the tile's, for a tile: see {@link TileItems})
 * @param mask the ground-truth mask at S×S (0/1 per pixel, row-major), or null when the image has no pixel
 *     ground truth (it then trains the image-level loss only); good images have an all-zero mask
 * @param tile the rectangle of the image this item is, or null for the whole image
 * @param tiling the tiling that cut the tile ({@code Tiling.describe()}), or null for the whole image
 */
public record TrainItem(Path image, String contentHash, boolean anomalous, byte[] mask, Tile tile, String tiling) {
    /** A whole image. */
    public TrainItem(Path image, String contentHash, boolean anomalous, byte[] mask) {
        this(image, contentHash, anomalous, mask, null, null);
    }

    /**
     * The feature cache's content key: the image's sha256, and for a tile its rectangle (padding included) and
     * the tiling, so that every tile of every tiling is its own entry.
     */
    public String cacheKey() {
        if (tile == null) {
            return contentHash;
        }
        return contentHash + "|tile " + tile.x() + "," + tile.y() + " " + tile.width() + "x" + tile.height() + " of "
                + tiling;
    }

    /** The file, with the tile's rectangle when it is one (for messages). */
    public String describe() {
        return tile == null ? image.toString() : image + " tile " + tile.width() + "x" + tile.height() + " at ("
                + tile.x() + ", " + tile.y() + ")";
    }
}
