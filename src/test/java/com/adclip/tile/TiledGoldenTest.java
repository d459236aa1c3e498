package com.adclip.tile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.adclip.anomaly.AnomalyDetector;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.anomaly.GaussianSmoothing;
import com.adclip.anomaly.MapPostProcessor;
import com.adclip.anomaly.Prediction;
import com.adclip.anomaly.AnomalyPredictor;
import com.adclip.anomaly.PromptConfig;
import com.adclip.anomaly.PromptLearner;
import com.adclip.clip.ClipModel;
import com.adclip.image.ImagePreprocessor;
import com.adclip.image.PreprocessConfig;
import com.adclip.clip.TestWeights;
import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tiling through the real network: the tiny golden CLIP and the golden prompt learner. */
class TiledGoldenTest {
    private static NDManager manager;
    private static Path dir;
    private static AnomalyDetector detector;
    private static ImagePreprocessor preprocessor;
    private static GaussianSmoothing smoothing;

    @BeforeAll
    static void load() throws IOException {
        dir = Fixtures.goldenV1();
        manager = NDManager.newBaseManager();
        Map<String, NDArray> expected = Fixtures.npz(manager, dir.resolve("expected.npz"));
        JsonNode config = TestWeights.goldenConfig(dir);
        ClipModel clip = TestWeights.tinyClip(manager, dir);
        Map<String, NDArray> learned = new HashMap<>();
        expected.forEach((name, array) -> {
            if (name.startsWith("learner/")) {
                learned.put(name.substring("learner/".length()), array);
            }
        });
        PromptConfig prompts = new PromptConfig(
                config.get("n_ctx").asInt(), config.get("t_n_ctx").asInt(), config.get("depth").asInt(), "object");
        PromptLearner learner = PromptLearner.fromTensors(prompts, clip, learned, manager);
        List<Integer> blocks = new ArrayList<>();
        config.get("features").forEach(n -> blocks.add(n.asInt()));
        int size = config.get("image_size").asInt();
        DetectorConfig detectorConfig = new DetectorConfig(size, blocks, config.get("dpam").asInt(),
                config.get("sigma").asDouble(), 0.07f, prompts);
        detector = AnomalyDetector.create(clip, learner, detectorConfig, manager);
        preprocessor = new ImagePreprocessor(PreprocessConfig.reference(size));
        smoothing = MapPostProcessor.smoothing(detectorConfig.sigma());
    }

    @AfterAll
    static void free() {
        if (manager != null) {
            manager.close();
        }
    }

    private static Prediction untiled(Path image, double mapThreshold) {
        AnomalyPredictor predictor = new AnomalyPredictor(detector, preprocessor,
                new MapPostProcessor(smoothing, mapThreshold), Long.MAX_VALUE, manager, () -> 0.5);
        return predictor.predict(List.of(image)).get(0).prediction();
    }

    private static TiledPredictor tiled(Tiling tiling, double mapThreshold, int batch) {
        return new TiledPredictor(TileModel.of(detector), tiling, smoothing, mapThreshold, batch, manager);
    }

    @Test
    void oneTileCoveringTheImageGivesTodaysResultExactly() {
        // an RGB image that is not square, and a greyscale one (cropped and resized in its own mode, L)
        for (String name : List.of("img2.png", "img3.png", "img0.png")) {
            Path image = dir.resolve("images").resolve(name);
            Prediction today = untiled(image, 0);
            float threshold = percentile(today.map(), 0.8);
            today = untiled(image, threshold);
            ImagePreprocessor.Source source = preprocessor.load(image, Long.MAX_VALUE);
            TiledPredictor.Result result = tiled(Tiling.of(4096, 4096), threshold, 4).predict(source, 0.5);
            Prediction tiled = result.prediction();
            assertTrue(result.grid().wholeImage(), name);
            assertEquals(today.score(), tiled.score(), 0.0, name);
            assertEquals(today.normal(), tiled.normal(), 0.0, name);
            assertEquals(today.verdict(), tiled.verdict(), name);
            assertArrayEquals(today.map(), tiled.map(), 0f, name);
            assertArrayEquals(today.grid(), tiled.grid(), 0f, name);
            assertArrayEquals(today.mask(), tiled.mask(), name);
            assertFalse(today.regions().isEmpty(), name);
            assertEquals(today.regions(), tiled.regions(), name);
        }
    }

    @Test
    void theScoreIsTheLargestTileScoreAndTheGlobalPassIsAveragedIn() {
        Path image = dir.resolve("images").resolve("img2.png"); // 60 x 40
        ImagePreprocessor.Source source = preprocessor.load(image, Long.MAX_VALUE);
        TiledPredictor.Result tiles = tiled(Tiling.of(24, 16), 1e9, 2).predict(source, 0.5);
        assertEquals(4, tiles.grid().columns()); // W' = ceil(36/16)*16 + 24 = 72 -> 48/16 + 1
        assertEquals(2, tiles.grid().rows()); // (40 - 24) % 16 == 0: H' = 40 -> 16/16 + 1
        double max = ScoreFusion.maxOf(tiles.tileScores());
        assertEquals(max, tiles.prediction().score(), 0.0);
        assertTrue(Double.isNaN(tiles.globalScore()));
        double today = untiled(image, 1e9).score();
        TiledPredictor.Result fused = tiled(Tiling.of(24, 16).withGlobal(true), 1e9, 5).predict(source, 0.5);
        assertEquals(today, fused.globalScore(), 0.0);
        assertEquals((max + today) / 2, fused.prediction().score(), 1e-7);
        assertArrayEquals(tiles.tileScores(), fused.tileScores(), 1e-6);
    }

    @Test
    void theTileBatchSizeDoesNotChangeTheAnswer() {
        Path image = dir.resolve("images").resolve("img0.png");
        ImagePreprocessor.Source source = preprocessor.load(image, Long.MAX_VALUE);
        Prediction one = tiled(Tiling.of(20, 14), 1e9, 1).predict(source, 0.5).prediction();
        Prediction many = tiled(Tiling.of(20, 14), 1e9, 16).predict(source, 0.5).prediction();
        assertEquals(one.score(), many.score(), 1e-6);
        assertArrayEquals(one.map(), many.map(), 1e-5f);
    }

    static float percentile(float[] values, double q) {
        float[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[(int) (q * (sorted.length - 1))];
    }
}
