package com.adclip.tile;

/**
 * One tile of a {@link TileGrid}, in pixels of the image (the padded image when it reaches past the border).
 *
 * @param index row-major position in the grid
 * @param column grid column
 * @param row grid row
 * @param x left edge
 * @param y top edge
 * @param width tile width
 * @param height tile height
 */
public record Tile(int index, int column, int row, int x, int y, int width, int height) {
    public Tile {
        if (x < 0 || y < 0 || width <= 0 || height <= 0) {
            throw new IllegalArgumentException("bad tile " + width + "x" + height + " at (" + x + ", " + y + ")");
        }
    }

    /** Pixels of this tile inside a {@code imageWidth × imageHeight} image (the rest is padding). */
    public long insideArea(int imageWidth, int imageHeight) {
        long w = Math.max(0, Math.min(x + width, imageWidth) - x);
        long h = Math.max(0, Math.min(y + height, imageHeight) - y);
        return w * h;
    }
}
