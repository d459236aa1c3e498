package com.adclip.tile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.adclip.anomaly.GaussianSmoothing;
import com.adclip.anomaly.Prediction;
import com.adclip.image.ImagePreprocessor;
import com.adclip.image.PreprocessConfig;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The resolution argument with a deterministic stand-in for the network: a 4000×3000 part with a 6×200-px
 * scratch. The stand-in sees what a ViT sees, one value per 14-px patch of its 518-px input (the patch's
 * mean distance of grey from the part's normal grey), so a defect is diluted by how much of a patch it
 * fills. The part has a broad, gentle texture (±14 grey levels, the scratch where it crosses zero); the scratch is 100 levels darker. Resized
 * whole to 518 px, the scratch is 0.8 px wide, 6 % of a patch: weaker than the texture. In 1000-px tiles it
 * is 3 px wide, 22 % of a patch: the stitched map peaks on it.
 */
class ScratchResolutionTest {
    private static final int S = 518;
    private static final int PATCH = 14;
    private static final int NORMAL_GREY = 160;
    private static final Rectangle SCRATCH = new Rectangle(2797, 1130, 6, 200);
    private static NDManager manager;
    private static ImagePreprocessor preprocessor;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
        preprocessor = new ImagePreprocessor(PreprocessConfig.reference(S));
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** One value per patch: mean |grey − normal grey| / 255 over the patch, spread over the patch's pixels. */
    static final class PatchContrast implements TileModel {
        private final float normal;

        PatchContrast() {
            float[] mean = preprocessor.config().mean();
            float[] std = preprocessor.config().std();
            float sum = 0;
            for (int c = 0; c < 3; c++) {
                sum += (NORMAL_GREY / 255f - mean[c]) / std[c];
            }
            normal = sum / 3;
        }

        @Override
        public int inputSize() {
            return S;
        }

        @Override
        public Output run(NDArray pixels) {
            long b = pixels.getShape().get(0);
            int n = S / PATCH;
            NDArray grey = pixels.mean(new int[] {1}); // [B, S, S], normalised units
            NDArray distance = grey.sub(normal).abs();
            NDArray patches = distance.reshape(b, n, PATCH, n, PATCH).mean(new int[] {4}).mean(new int[] {2}); // [B, n, n]
            NDArray map = patches.repeat(1, PATCH).repeat(2, PATCH); // [B, S, S]
            NDArray top = map.reshape(b, -1).max(new int[] {1}).clip(0, 1); // [B]
            NDArray probabilities = stackScores(top);
            return new Output(map, probabilities);
        }

        private static NDArray stackScores(NDArray anomaly) {
            return anomaly.neg().add(1).stack(anomaly, 1); // [B, 2]
        }
    }

    /** A grey part with a broad ±14 texture (periods of 700 and 500 px) and a dark 6×200 scratch. */
    static BufferedImage part() {
        BufferedImage image = new BufferedImage(4000, 3000, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[4000];
        for (int y = 0; y < 3000; y++) {
            for (int x = 0; x < 4000; x++) {
                double texture = 14 * Math.sin(2 * Math.PI * x / 700) * Math.sin(2 * Math.PI * y / 500);
                int g = SCRATCH.contains(x, y) ? NORMAL_GREY - 100 : (int) Math.round(NORMAL_GREY + texture);
                row[x] = g << 16 | g << 8 | g;
            }
            image.setRGB(0, y, 4000, 1, row, 0, 4000);
        }
        return image;
    }

    private static int[] peak(Prediction prediction) {
        float[] map = prediction.map();
        int best = 0;
        for (int i = 1; i < map.length; i++) {
            if (map[i] > map[best]) {
                best = i;
            }
        }
        return new int[] {best % prediction.width(), best / prediction.width()};
    }

    private static boolean near(int[] point, int margin) {
        Rectangle zone = new Rectangle(SCRATCH);
        zone.grow(margin, margin);
        return zone.contains(point[0], point[1]);
    }

    @Test
    void tilesFindTheScratchThatTheWholeImageLoses() {
        ImagePreprocessor.Source source = preprocessor.source(part());
        GaussianSmoothing sigma = new GaussianSmoothing(4);
        TiledPredictor whole = new TiledPredictor(new PatchContrast(), Tiling.of(4000, 4000), sigma, 1e9, 1,
                manager);
        TiledPredictor tiles = new TiledPredictor(new PatchContrast(), Tiling.of(1000, 500), sigma, 1e9, 4,
                manager);

        TiledPredictor.Result wholeResult = whole.predict(source, 0.5);
        TiledPredictor.Result tiledResult = tiles.predict(source, 0.5);

        assertEquals(1, wholeResult.grid().count());
        assertEquals(7 * 5, tiledResult.grid().count()); // (4000-1000)/500 + 1 by (3000-1000)/500 + 1, no padding
        int[] wholePeak = peak(wholeResult.prediction());
        int[] tiledPeak = peak(tiledResult.prediction());
        // a patch is 108 px of the whole image, 27 px of a tile
        assertFalse(near(wholePeak, 2 * 108), "whole image peaks at " + wholePeak[0] + "," + wholePeak[1]);
        assertTrue(near(tiledPeak, 2 * 27), "tiles peak at " + tiledPeak[0] + "," + tiledPeak[1]);
        int tile = argmax(tiledResult.tileScores());
        Tile worst = tiledResult.grid().tile(tile);
        assertTrue(new Rectangle(worst.x(), worst.y(), worst.width(), worst.height()).contains(SCRATCH),
                "the highest-scoring tile holds the scratch");
    }

    private static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            best = values[i] > values[best] ? i : best;
        }
        return best;
    }

    @Test
    void theStitchedMapIsAtFullResolution() {
        BufferedImage small = new BufferedImage(1200, 900, BufferedImage.TYPE_INT_RGB);
        TiledPredictor tiles = new TiledPredictor(new PatchContrast(), Tiling.auto(), null, 1e9, 2, manager);
        Prediction prediction = tiles.predict(preprocessor.source(small), 0.5).prediction();
        assertEquals(1200, prediction.width());
        assertEquals(900, prediction.height());
        assertEquals(1200 * 900, prediction.map().length);
        assertEquals(S * S, prediction.grid().length);
        assertEquals(new Shape(S, S).size(), prediction.grid().length);
    }
}
