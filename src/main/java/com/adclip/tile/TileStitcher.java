package com.adclip.tile;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.adclip.anomaly.GaussianSmoothing;

/**
 * Stitches the S×S maps of a {@link TileGrid}'s tiles into one map of the image.
 *
 * <p>The stitched map is built on a canvas at the tiles' own map resolution, {@code S / t} cells per image
 * pixel (one cell per pixel when t = S): that is all the detail the model produces, so it loses nothing, and
 * the canvas is {@code (t/S)²} times smaller than the image. A tile starting at pixel {@code x} lands at cell
 * {@code round(x·S/t)}; the automatic tiling's strides make that exact, other strides are off by at most half
 * a cell. Overlaps are averaged with a count grid (anomalib's {@code untile}: sums divided by the number of
 * tiles covering each cell) or maxed. The canvas is then cut to the cells that reach into the image (padding dropped),
 * smoothed once with the detector's σ — which is in cells of a tile's map, so it stays the same in tile
 * pixels, σ·t/S image pixels — and resized bilinearly to the image's full resolution at the canvas scale
 * {@code S / t} (torch's bilinear arithmetic, as a whole-image map is resized today). With one
 * tile covering the image this is exactly today's path: smooth the S×S map, resize it to W×H.
 *
 * <p>The canvas lives in its own manager; {@link #close} frees it.
 */
public final class TileStitcher implements AutoCloseable {
    private final TileGrid grid;
    private final int mapSize;
    private final Tiling.Merge merge;
    private final NDManager manager;
    private final NDArray canvas; // [Hc, Wc]: sums, or maxima
    private final int[] columnCount;
    private final int[] rowCount;
    private final int cropWidth;
    private final int cropHeight;
    private int added;

    public TileStitcher(TileGrid grid, int mapSize, Tiling.Merge merge, NDManager parent) {
        this.grid = grid;
        this.mapSize = mapSize;
        this.merge = merge;
        this.manager = parent.newSubManager();
        int width = cellX(grid.tile(grid.columns() - 1).x()) + mapSize;
        int height = cellY(grid.tile(grid.count() - 1).y()) + mapSize;
        this.columnCount = new int[width];
        this.rowCount = new int[height];
        this.cropWidth = Math.min(width, (int) Math.ceil((double) grid.imageWidth() * mapSize / grid.tileWidth()));
        this.cropHeight =
                Math.min(height, (int) Math.ceil((double) grid.imageHeight() * mapSize / grid.tileHeight()));
        Shape shape = new Shape(height, width);
        this.canvas = merge == Tiling.Merge.MAX
                ? manager.full(shape, Float.NEGATIVE_INFINITY, DataType.FLOAT32)
                : manager.zeros(shape, DataType.FLOAT32);
    }

    /** S: the side of a tile's map, in canvas cells. */
    int mapSize() {
        return mapSize;
    }

    /** The cell where a tile starting at pixel {@code x} begins. */
    int cellX(int x) {
        return (int) Math.round((double) x * mapSize / grid.tileWidth());
    }

    int cellY(int y) {
        return (int) Math.round((double) y * mapSize / grid.tileHeight());
    }

    /** Adds the raw (unsmoothed) map [S, S] of {@code tile}; the map is only read. */
    public void add(Tile tile, NDArray map) {
        if (!map.getShape().equals(new Shape(mapSize, mapSize))) {
            throw new IllegalArgumentException("expected a " + mapSize + "x" + mapSize + " tile map, got "
                    + map.getShape());
        }
        int x0 = cellX(tile.x());
        int y0 = cellY(tile.y());
        NDIndex area = new NDIndex("{}:{}, {}:{}", y0, y0 + mapSize, x0, x0 + mapSize);
        try (NDManager scope = manager.newSubManager()) {
            NDArray current = canvas.get(area);
            current.attach(scope);
            NDArray merged = merge == Tiling.Merge.MAX ? current.maximum(map) : current.add(map);
            merged.attach(scope);
            canvas.set(area, merged);
        }
        if (merge == Tiling.Merge.AVERAGE) {
            if (tile.row() == 0) {
                count(columnCount, x0);
            }
            if (tile.column() == 0) {
                count(rowCount, y0);
            }
        }
        added++;
    }

    private void count(int[] counts, int from) {
        for (int i = from; i < from + mapSize; i++) {
            counts[i]++;
        }
    }

    /**
     * The merged map cut to the image, smoothed once, at canvas resolution [Hc, Wc], in {@code target}.
     *
     * @param smoothing null for none
     */
    public NDArray merged(GaussianSmoothing smoothing, NDManager target) {
        if (added != grid.count()) {
            throw new IllegalStateException(added + " of " + grid.count() + " tiles were added");
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray cut = canvas.get(new NDIndex("0:{}, 0:{}", cropHeight, cropWidth)); // [Hc, Wc]
            cut.attach(scope);
            NDArray values = merge == Tiling.Merge.AVERAGE ? cut.div(counts(scope)) : cut;
            NDArray result = smoothing == null ? values.duplicate() : smoothing.apply(values);
            result.attach(target);
            return result;
        }
    }

    /** The count grid [Hc, Wc] over the cut canvas: tiles covering each cell (separable on a regular grid). */
    private NDArray counts(NDManager scope) {
        float[] rows = new float[cropHeight];
        float[] columns = new float[cropWidth];
        for (int i = 0; i < cropHeight; i++) {
            rows[i] = rowCount[i];
        }
        for (int i = 0; i < cropWidth; i++) {
            columns[i] = columnCount[i];
        }
        NDArray r = scope.create(rows).reshape(cropHeight, 1);
        NDArray c = scope.create(columns).reshape(1, cropWidth);
        return r.mul(c); // [Hc, Wc]
    }

    /** The merged, smoothed map at the image's full resolution [H, W], in {@code target}. */
    public NDArray fullResolution(GaussianSmoothing smoothing, NDManager target) {
        try (NDManager scope = target.newSubManager()) {
            NDArray merged = merged(smoothing, scope);
            NDArray full = toImage(merged); // [H, W]
            full.attach(target);
            return full;
        }
    }

    /**
     * A {@link #merged} map [Hc, Wc] at the image's full resolution [H, W], bilinear at the canvas scale
     * {@code S / t}; in the map's manager.
     */
    public NDArray toImage(NDArray merged) {
        int width = grid.imageWidth();
        int height = grid.imageHeight();
        if (merged.getShape().get(0) == height && merged.getShape().get(1) == width) {
            return merged.duplicate();
        }
        NDManager owner = merged.getManager();
        try (NDManager scope = owner.newSubManager()) {
            NDArray source = merged.duplicate();
            source.attach(scope);
            NDArray full = com.adclip.clip.Ops.resizeBilinear(source, height, width, (float) mapSize / grid.tileHeight(),
                    (float) mapSize / grid.tileWidth());
            full.attach(owner);
            return full;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
