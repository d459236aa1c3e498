package com.adclip.tile;

import java.util.ArrayList;
import java.util.List;

/**
 * Tiles covering an image, laid out as anomalib's {@code Tiler} does. Along each axis of size {@code H} with
 * tile {@code t} and stride {@code s}, the image is padded on the right and bottom to
 * {@code H' = ceil((H - t) / s) * s + t} (unchanged when {@code (H - t)} is a multiple of {@code s}), and
 * {@code (H' - t) / s + 1} tiles start at {@code 0, s, 2s, ...}. Unlike anomalib, which refuses an image smaller
 * than the tile, an axis shorter than the tile gets one tile as long as the image: the tile is clamped.
 *
 * @param imageWidth image width
 * @param imageHeight image height
 * @param tileWidth tile width after clamping
 * @param tileHeight tile height after clamping
 * @param strideX horizontal step
 * @param strideY vertical step
 * @param columns tiles per row
 * @param rows tiles per column
 */
public record TileGrid(int imageWidth, int imageHeight, int tileWidth, int tileHeight, int strideX, int strideY,
        int columns, int rows) {
    public TileGrid {
        if (imageWidth <= 0 || imageHeight <= 0 || tileWidth <= 0 || tileHeight <= 0 || strideX <= 0
                || strideY <= 0 || columns <= 0 || rows <= 0) {
            throw new IllegalArgumentException("tile grid values must be positive");
        }
        if ((columns - 1) * (long) strideX + tileWidth < imageWidth
                || (rows - 1) * (long) strideY + tileHeight < imageHeight) {
            throw new IllegalArgumentException("the tiles do not cover the image");
        }
    }

    /** Square tiles of side {@code tile} every {@code stride} pixels over a {@code width × height} image. */
    public static TileGrid cover(int width, int height, int tile, int stride) {
        if (tile <= 0 || stride <= 0 || stride > tile) {
            throw new IllegalArgumentException("need 0 < stride <= tile, got tile " + tile + ", stride " + stride);
        }
        int tw = Math.min(tile, width);
        int th = Math.min(tile, height);
        int sx = tw < tile ? tw : stride;
        int sy = th < tile ? th : stride;
        return new TileGrid(width, height, tw, th, sx, sy, count(width, tw, sx), count(height, th, sy));
    }

    /** anomalib's {@code compute_new_image_size} along one axis. */
    public static int paddedSize(int size, int tile, int stride) {
        if (size <= tile) {
            return tile;
        }
        if ((size - tile) % stride == 0) {
            return size;
        }
        return (int) Math.ceil((size - tile) / (double) stride) * stride + tile;
    }

    private static int count(int size, int tile, int stride) {
        return (paddedSize(size, tile, stride) - tile) / stride + 1;
    }

    /** The padded width {@code W'}. */
    public int paddedWidth() {
        return (columns - 1) * strideX + tileWidth;
    }

    /** The padded height {@code H'}. */
    public int paddedHeight() {
        return (rows - 1) * strideY + tileHeight;
    }

    public int count() {
        return columns * rows;
    }

    /** True when the single tile is the whole image (no tiling in effect). */
    public boolean wholeImage() {
        return count() == 1 && tileWidth == imageWidth && tileHeight == imageHeight;
    }

    public Tile tile(int index) {
        int column = index % columns;
        int row = index / columns;
        return new Tile(index, column, row, column * strideX, row * strideY, tileWidth, tileHeight);
    }

    /** All tiles, row-major. */
    public List<Tile> tiles() {
        List<Tile> tiles = new ArrayList<>(count());
        for (int i = 0; i < count(); i++) {
            tiles.add(tile(i));
        }
        return tiles;
    }
}
