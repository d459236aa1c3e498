package com.adclip.tile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.adclip.anomaly.GaussianSmoothing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TileStitcherTest {
    private static final int S = 16;
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** Stitches maps whose value at cell (u, v) of tile t is {@code value(t, u, v)}, at full resolution. */
    private static float[] stitch(TileGrid grid, Tiling.Merge merge, GaussianSmoothing smoothing, TileValue value) {
        try (NDManager scope = manager.newSubManager();
                TileStitcher stitcher = new TileStitcher(grid, S, merge, scope)) {
            for (Tile tile : grid.tiles()) {
                float[] map = new float[S * S];
                for (int v = 0; v < S; v++) {
                    for (int u = 0; u < S; u++) {
                        map[v * S + u] = value.at(tile, u, v);
                    }
                }
                stitcher.add(tile, scope.create(map, new Shape(S, S)));
            }
            NDArray full = stitcher.fullResolution(smoothing, scope);
            assertEquals(new Shape(grid.imageHeight(), grid.imageWidth()), full.getShape());
            return full.toFloatArray();
        }
    }

    interface TileValue {
        float at(Tile tile, int u, int v);
    }

    @Test
    void aConstantStitchesToTheSameConstant() {
        TileGrid grid = TileGrid.cover(230, 170, 64, 40); // overlaps and padding on both axes
        for (Tiling.Merge merge : Tiling.Merge.values()) {
            for (GaussianSmoothing smoothing : new GaussianSmoothing[] {null, new GaussianSmoothing(4)}) {
                float[] map = stitch(grid, merge, smoothing, (t, u, v) -> 0.37f);
                for (float value : map) {
                    assertEquals(0.37f, value, 1e-6f, merge + ", smoothing " + smoothing);
                }
            }
        }
    }

    @Test
    void theTilesXCoordinateStitchesToARamp() {
        // tile 64 px, map 16 cells: a cell is 4 px; the stride 40 px is 10 cells, so tiles land on whole cells,
        // and the image is a whole number of cells (57 x 43)
        TileGrid grid = TileGrid.cover(228, 172, 64, 40);
        TileValue x = (t, u, v) -> t.x() + (u + 0.5f) * t.width() / S; // image x of the cell's centre
        float[] map = stitch(grid, Tiling.Merge.AVERAGE, null, x);
        int width = grid.imageWidth();
        for (int y = 0; y < grid.imageHeight(); y++) {
            for (int px = 2; px < width - 2; px++) { // bilinear clamps half a cell at each border
                assertEquals(px + 0.5f, map[y * width + px], 1e-3f, "at x = " + px);
            }
        }
    }

    @Test
    void offGridStridesStillGiveASmoothMonotoneRamp() {
        // stride 37 px = 9.25 cells: each tile is placed at the nearest cell, at most half a cell (2 px) off
        TileGrid grid = TileGrid.cover(230, 100, 64, 37);
        TileValue x = (t, u, v) -> t.x() + (u + 0.5f) * t.width() / S;
        float[] map = stitch(grid, Tiling.Merge.AVERAGE, new GaussianSmoothing(2), x);
        int width = grid.imageWidth();
        int y = 50;
        for (int px = 1; px < width; px++) {
            float step = map[y * width + px] - map[y * width + px - 1];
            assertTrue(step >= 0 && step < 2, "ramp step " + step + " at x = " + px);
        }
        for (int px = 40; px < width - 40; px++) { // away from the borders, where reflection bends the ramp
            assertEquals(px + 0.5f, map[y * width + px], 2.0f, "at x = " + px);
        }
    }

    @Test
    void overlapsAreAveragedWithTheCountOfCoveringTilesOrMaxed() {
        // two tiles across, overlapping by half: the left tile says 1, the right tile says 3
        TileGrid grid = TileGrid.cover(96, 64, 64, 32);
        assertEquals(2, grid.columns());
        TileValue byColumn = (t, u, v) -> t.column() == 0 ? 1f : 3f;
        float[] average = stitch(grid, Tiling.Merge.AVERAGE, null, byColumn);
        float[] max = stitch(grid, Tiling.Merge.MAX, null, byColumn);
        int row = 10 * 96;
        assertEquals(1f, average[row + 10], 1e-6f);
        assertEquals(2f, average[row + 48], 1e-6f); // covered by both: (1 + 3) / 2
        assertEquals(3f, average[row + 90], 1e-6f);
        assertEquals(1f, max[row + 10], 1e-6f);
        assertEquals(3f, max[row + 48], 1e-6f);
    }

    @Test
    void paddingIsCutBeforeSmoothingSoItCannotBleedIn() {
        // padded cells hold a huge value; the image area must not see it
        TileGrid grid = TileGrid.cover(100, 64, 64, 64); // W' = 128: 28 px of padding on the right
        TileValue padHot = (t, u, v) -> t.x() + (u + 0.5f) * 4 >= 100 ? 1000f : 1f;
        float[] map = stitch(grid, Tiling.Merge.AVERAGE, new GaussianSmoothing(4), padHot);
        for (float value : map) {
            assertEquals(1f, value, 1e-5f);
        }
    }

}
