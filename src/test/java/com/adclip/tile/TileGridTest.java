package com.adclip.tile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TileGridTest {
    @Test
    void paddingFollowsAnomalibsFormulaOnWorkedExamples() {
        // H' = ceil((H - t) / s) * s + t, worked by hand
        assertEquals(300, TileGrid.paddedSize(256, 100, 50)); // ceil(156/50) = 4 -> 200 + 100
        assertEquals(256, TileGrid.paddedSize(256, 128, 64)); // (256-128) % 64 == 0: unchanged
        assertEquals(4148, TileGrid.paddedSize(4000, 1036, 778)); // ceil(2964/778) = 4 -> 3112 + 1036
        assertEquals(3370, TileGrid.paddedSize(3000, 1036, 778)); // ceil(1964/778) = 3 -> 2334 + 1036
    }

    @Test
    void countsAndCoverageMatchTheFormulaForManySizes() {
        Random random = new Random(16);
        for (int trial = 0; trial < 2000; trial++) {
            int tile = 1 + random.nextInt(600);
            int stride = 1 + random.nextInt(tile);
            int width = tile + random.nextInt(5000);
            int height = tile + random.nextInt(5000);
            TileGrid grid = TileGrid.cover(width, height, tile, stride);
            int expectedW = (width - tile) % stride == 0 ? width
                    : (int) Math.ceil((width - tile) / (double) stride) * stride + tile;
            assertEquals(expectedW, grid.paddedWidth(), "W' for " + width + "/" + tile + "/" + stride);
            assertEquals((expectedW - tile) / stride + 1, grid.columns());
            assertTrue(grid.paddedHeight() >= height && grid.paddedHeight() - height < stride);
            Tile last = grid.tile(grid.count() - 1);
            assertEquals(grid.paddedWidth(), last.x() + last.width());
            assertEquals(grid.paddedHeight(), last.y() + last.height());
        }
    }

    @Test
    void tilesAreRowMajorAtMultiplesOfTheStride() {
        TileGrid grid = TileGrid.cover(256, 200, 100, 50);
        assertEquals(5, grid.columns()); // W' = 300
        assertEquals(3, grid.rows()); // (200-100) % 50 == 0 -> H' = 200
        List<Tile> tiles = grid.tiles();
        assertEquals(15, tiles.size());
        assertEquals(new Tile(7, 2, 1, 100, 50, 100, 100), tiles.get(7));
    }

    @Test
    void anAxisShorterThanTheTileGetsOneClampedTile() {
        TileGrid grid = TileGrid.cover(60, 40, 100, 50);
        assertEquals(1, grid.count());
        assertEquals(60, grid.tileWidth());
        assertEquals(40, grid.tileHeight());
        assertTrue(grid.wholeImage());
        TileGrid strip = TileGrid.cover(8000, 600, 1036, 778);
        assertEquals(1, strip.rows());
        assertEquals(600, strip.tileHeight());
        assertEquals(10, strip.columns()); // W' = ceil(6964/778) * 778 + 1036 = 8038 -> 7002/778 + 1
    }

    @Test
    void autoKeepsSmallImagesWholeAndTilesLargeOnes() {
        Tiling auto = Tiling.auto();
        assertTrue(auto.layout(1000, 700, 518).wholeImage());
        TileGrid big = auto.layout(4000, 3000, 518);
        assertEquals(1036, big.tileWidth());
        assertEquals(778, big.strideX()); // 2 * round(388.5)
        assertEquals(5, big.columns());
        assertEquals(4, big.rows());
    }

    @Test
    void badTilingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Tiling.of(100, 101));
        assertThrows(IllegalArgumentException.class, () -> Tiling.of(100, 0));
        assertThrows(IllegalArgumentException.class, () -> new Tiling(0, 5, Tiling.Merge.MAX, false));
        assertThrows(IllegalArgumentException.class, () -> Tiling.Merge.parse("median"));
    }
}
