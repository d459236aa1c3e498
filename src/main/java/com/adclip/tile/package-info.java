/**
 * Tiling of high-resolution images, after anomalib's {@code Tiler}: a {@link com.adclip.tile.Tiling} (tile
 * size, stride, merge, global fusion, or an automatic choice) laid out on an image as a
 * {@link com.adclip.tile.TileGrid} with anomalib's padded size {@code H' = ceil((H - t) / s) * s + t}; each
 * tile is preprocessed like a whole image and goes through the same frozen CLIP; the per-tile maps are
 * stitched by {@link com.adclip.tile.TileStitcher} (average with a count grid, or max), smoothed once, and
 * brought to full resolution; {@link com.adclip.tile.TiledPredictor} streams tiles in bounded batches and fuses
 * the tile scores. {@link com.adclip.tile.TileLabels} cuts training masks and labels per tile.
 */
package com.adclip.tile;
