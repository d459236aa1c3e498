package com.adclip.tile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import com.adclip.Verdict;
import com.adclip.anomaly.DefectRegions;
import com.adclip.anomaly.Prediction;
import com.adclip.types.DefectTypes;
import com.adclip.types.PatchTypes;
import com.adclip.types.TypeDistribution;
import com.adclip.types.TypeFusion;
import com.adclip.types.TypeVocabulary;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Typing a tiled image from each tile's patch types, by hand: a 32 × 16 image in two 16-px tiles side by side; every
 * cell of the left tile says "scratch" for sure, every cell of the right one "dent" (text path only, no
 * prototypes). A region's type is the pixel-weighted mean over the tiles it lies in.
 */
class TileTypingTest {
    private static final int W = 32;
    private static final int H = 16;
    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    private static TypeFusion fusion() {
        return new TypeFusion(DefectTypes.section(TypeVocabulary.parse("scratch,dent"), "object", List.of(1), null,
                null), new boolean[] {false, false});
    }

    /** G = 2: four cells, each certain of type {@code k}. */
    private static PatchTypes certain(int k) {
        float[] text = new float[4 * 2];
        for (int c = 0; c < 4; c++) {
            text[c * 2 + k] = 1;
        }
        return new PatchTypes(2, text, null);
    }

    private Prediction typed(float[] map, float[] canvas) {
        TileGrid grid = TileGrid.cover(W, H, 16, 16);
        assertEquals(2, grid.count());
        try (TileStitcher stitcher = new TileStitcher(grid, 16, Tiling.Merge.AVERAGE, manager)) {
            TileTyping typing = new TileTyping(grid, stitcher, fusion());
            typing.add(grid.tile(0), certain(0));
            typing.add(grid.tile(1), certain(1));
            DefectRegions regions = DefectRegions.find(map, H, W, 0.5f);
            Prediction plain = new Prediction(0.9, 0.1, Verdict.NG, map, W, H, regions.regions(), regions.mask());
            return typing.type(plain, regions, canvas, W, H);
        }
    }

    @Test
    void aRegionTakesThePixelWeightedTypesOfTheTilesItLiesIn() {
        float[] map = new float[W * H];
        for (int y = 2; y < 4; y++) {
            for (int x = 2; x < 6; x++) {
                map[y * W + x] = 1; // region 1: 8 px, left tile only
            }
            for (int x = 10; x < 18; x++) {
                map[y * W + x] = 1; // region 2: 12 px in the left tile, 4 in the right one
            }
        }
        Prediction p = typed(map, new float[W * H]);
        assertEquals(2, p.regions().size());
        // regions are numbered larger first on equal maxima
        TypeDistribution straddling = p.regions().get(0).types();
        assertEquals(16, p.regions().get(0).area());
        assertEquals(0.75, straddling.probability("scratch"), 1e-12);
        assertEquals(0.25, straddling.probability("dent"), 1e-12);
        TypeDistribution left = p.regions().get(1).types();
        assertEquals(1.0, left.probability("scratch"), 1e-12);
        assertEquals(0.0, left.probability("dent"), 1e-12);
        // the image: areas 8 and 16
        assertEquals((8 * 1.0 + 16 * 0.75) / 24, p.types().probability("scratch"), 1e-12);
    }

    @Test
    void anImageWithoutRegionsIsTypedFromItsStrongestTileCells() {
        float[] canvas = new float[W * H];
        for (int y = 8; y < 16; y++) {
            for (int x = 24; x < 32; x++) {
                canvas[y * W + x] = 0.4f; // the right tile's bottom-right cell
            }
        }
        canvas[0] = 0.1f; // a weak left-tile cell, below half the strongest
        Prediction p = typed(new float[W * H], canvas);
        assertEquals(0, p.regions().size());
        assertEquals("dent", p.types().top());
        assertEquals(1.0, p.types().topProbability(), 1e-12);
    }
}
