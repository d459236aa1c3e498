package com.adclip.anomaly;

import static com.adclip.testing.GoldenAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.adclip.clip.ClipConfig;
import com.adclip.clip.ClipModel;
import com.adclip.clip.Precision;
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

/**
 * The precision modes on the golden tiny CLIP and its reference prompts, against the golden arrays (fp32) and
 * against the float32 eager path (the accuracy guard for bf16).
 */
class PrecisionGuardGoldenTest {
    private static NDManager manager;
    private static Map<String, NDArray> expected;
    private static Map<String, NDArray> weights;
    private static ClipConfig clipConfig;
    private static DetectorConfig detectorConfig;
    private static PromptConfig prompts;
    private static Map<String, NDArray> learned;

    @BeforeAll
    static void load() throws IOException {
        Path dir = Fixtures.goldenV1();
        manager = NDManager.newBaseManager();
        expected = Fixtures.npz(manager, dir.resolve("expected.npz"));
        JsonNode config = TestWeights.goldenConfig(dir);
        weights = TestWeights.openAiSafetensors(manager, dir);
        clipConfig = TestWeights.tinyConfig(config);
        List<Integer> blocks = new ArrayList<>();
        config.get("features").forEach(n -> blocks.add(n.asInt()));
        detectorConfig = DetectorConfig.defaultsFor(clipConfig).withImageSize(config.get("image_size").asInt())
                .withFeatureBlocks(blocks).withDpam(config.get("dpam").asInt())
                .withSigma(config.get("sigma").asDouble()).withTemperature(0.07f);
        prompts = new PromptConfig(config.get("n_ctx").asInt(), config.get("t_n_ctx").asInt(),
                config.get("depth").asInt(), "object");
        detectorConfig = detectorConfig.withPrompts(prompts);
        learned = new HashMap<>();
        expected.forEach((name, array) -> {
            if (name.startsWith("learner/")) {
                learned.put(name.substring("learner/".length()), array);
            }
        });
    }

    @AfterAll
    static void free() {
        if (manager != null) {
            manager.close();
        }
    }

    /** Scores [B] and raw maps [B, S·S] of the golden pixels with the tower in {@code precision}. */
    private static float[][] run(Precision precision, NDManager scope) {
        try (ClipModel clip = ClipModel.create(clipConfig, weights::get, manager, precision);
                AnomalyDetector detector = AnomalyDetector.create(clip,
                        PromptLearner.fromTensors(prompts, clip, learned, scope), detectorConfig, scope)) {
            NDArray pixels = scope.create(expected.get("pixels").toFloatArray(), expected.get("pixels").getShape());
            Detection d = detector.detect(pixels);
            long batch = pixels.getShape().get(0);
            float[][] out = new float[(int) batch + 1][];
            out[0] = d.probabilities().get(new NDIndex(":, 1")).toFloatArray();
            for (int i = 0; i < batch; i++) {
                out[i + 1] = d.rawMap().get(i).toFloatArray();
            }
            return out;
        }
    }

    @Test
    void fp32GraphGivesTheReferenceScoresAndMaps() {
        try (NDManager scope = manager.newSubManager()) {
            try (ClipModel clip = ClipModel.create(clipConfig, weights::get, manager, Precision.FP32);
                    AnomalyDetector detector = AnomalyDetector.create(clip,
                            PromptLearner.fromTensors(prompts, clip, learned, scope), detectorConfig, scope)) {
                NDArray pixels = scope.create(expected.get("pixels").toFloatArray(), expected.get("pixels").getShape());
                Detection d = detector.detect(pixels);
                assertClose("image_probs", expected.get("image_probs"), d.probabilities(), 1e-4);
                assertClose("anomaly_map_raw", expected.get("anomaly_map_raw"), d.rawMap(), 1e-4);
            }
        }
    }

    @Test
    void bf16KeepsTheAccuracyGuardAgainstFp32() {
        try (NDManager scope = manager.newSubManager()) {
            float[][] exact = run(Precision.EAGER, scope);
            float[][] fast = run(Precision.BF16, scope);
            double post = 0.5; // the image threshold
            int images = exact[0].length;
            assertEquals(4, images);
            double drift = 0;
            for (int i = 0; i < images; i++) {
                AccuracyGuard.Comparison c = AccuracyGuard.compare(exact[0][i], exact[i + 1], fast[0][i], fast[i + 1],
                        post);
                assertTrue(AccuracyGuard.DEFAULT.passes(c), "image " + i + ": " + c);
                drift = Math.max(drift, c.scoreDelta());
            }
            // the graph really computes in bf16 (a silent fp32 run would pass the guard trivially)
            assertTrue(drift > 1e-6, "bf16 scores equal fp32 ones to " + drift);
        }
    }
}
