package com.adclip.clip;

import static com.adclip.testing.GoldenAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The vision tower compiled to one TorchScript graph (fp32) against the reference's arrays, at the same
 * tolerance as the eager path (golden README: 1e-4).
 */
class CompiledVisionTowerGoldenTest {
    private static final double TOL = 1e-4;

    private static NDManager manager;
    private static Map<String, NDArray> expected;
    private static JsonNode config;
    private static ClipModel model;

    @BeforeAll
    static void load() throws IOException {
        Path dir = Fixtures.goldenV1();
        manager = NDManager.newBaseManager();
        expected = Fixtures.npz(manager, dir.resolve("expected.npz"));
        config = TestWeights.goldenConfig(dir);
        Map<String, NDArray> weights = TestWeights.openAiSafetensors(manager, dir);
        model = ClipModel.create(TestWeights.tinyConfig(config), weights::get, manager, Precision.FP32);
    }

    @AfterAll
    static void free() {
        if (model != null) {
            model.close();
        }
        if (manager != null) {
            manager.close();
        }
    }

    @Test
    void fp32GraphMatchesReferenceWithDpamAndResizedPositions() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray pixels = copy(scope, "pixels");
            List<Integer> blocks = new ArrayList<>();
            config.get("features").forEach(n -> blocks.add(n.asInt()));
            VisionFeatures features = model.encodeVision(pixels, new VisionRequest(config.get("dpam").asInt(), blocks));
            assertEquals(config.get("image_size").asInt() / config.get("patch").asInt(), features.grid());
            assertClose("image_features_raw", expected.get("image_features_raw"), features.global(), TOL);
            assertEquals(blocks.size(), features.patches().size());
            for (int i = 0; i < blocks.size(); i++) {
                VisionFeatures.PatchFeatures patch = features.patches().get(i);
                assertEquals(blocks.get(i), patch.block());
                assertClose("patch_features/" + i, expected.get("patch_features/" + i), patch.tokens(), TOL);
            }
        }
    }

    @Test
    void fp32GraphWithoutDpamMatchesPlainClipTokens() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray pixels = copy(scope, "clip_plain/pixels");
            int layers = config.get("vision_layers").asInt();
            VisionFeatures features = model.encodeVision(pixels, new VisionRequest(0, List.of(layers)));
            assertClose("clip_plain/image_tokens", expected.get("clip_plain/image_tokens"),
                    features.patches().get(0).tokens(), TOL);
        }
    }

    @Test
    void lastBlockRunForTheClassTokenAloneGivesTheEagerGlobalFeature() throws IOException {
        // bf16, without DPAM and with the last block's patches not asked for: the graph runs that block for the
        // class token only (the global feature's one input); the eager path runs it for every token in float32
        Map<String, NDArray> weights = TestWeights.openAiSafetensors(manager, Fixtures.goldenV1());
        try (NDManager scope = manager.newSubManager();
                ClipModel eager = ClipModel.create(TestWeights.tinyConfig(config), weights::get, manager,
                        Precision.EAGER);
                ClipModel bf16 = ClipModel.create(TestWeights.tinyConfig(config), weights::get, manager,
                        Precision.BF16)) {
            VisionRequest request = new VisionRequest(0, List.of(2));
            VisionFeatures graph = bf16.encodeVision(copy(scope, "pixels"), request);
            VisionFeatures reference = eager.encodeVision(copy(scope, "pixels"), request);
            // bf16 drifts by ~0.4 % of the norm here (AttentionPrecisionGoldenTest); the wrong token by ~100 %
            assertTrue(relativeError(reference.global(), graph.global()) < 1e-2, "global feature");
            assertTrue(relativeError(reference.patches().get(0).tokens(), graph.patches().get(0).tokens()) < 1e-2,
                    "block 2");
        } finally {
            weights.values().forEach(NDArray::close);
        }
    }

    private static double relativeError(NDArray expected, NDArray actual) {
        return actual.sub(expected).norm().getFloat() / expected.norm().getFloat();
    }

    @Test
    void everyCallGivesTheSameFeatures() {
        // libtorch profiles the first runs of a graph and then runs an optimised one: both must agree
        float[] first = null;
        for (int i = 0; i < 8; i++) {
            try (NDManager scope = manager.newSubManager()) {
                VisionFeatures f = model.encodeVision(copy(scope, "pixels"), new VisionRequest(5, List.of(2, 3, 4, 6)));
                float[] now = f.patches().get(3).tokens().toFloatArray();
                if (first == null) {
                    first = now;
                } else {
                    org.junit.jupiter.api.Assertions.assertArrayEquals(first, now, 1e-6f, "call " + (i + 1));
                }
            }
        }
    }

    @Test
    void callsInsideATrainingStepGiveTheSameFeatures() {
        // training fills its feature cache while autograd records (a GradientCollector is open)
        float[] outside;
        try (NDManager scope = manager.newSubManager()) {
            outside = model.encodeVision(copy(scope, "pixels"), new VisionRequest(5, List.of(2, 6))).global()
                    .toFloatArray();
        }
        try (ai.djl.training.GradientCollector collector = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
            for (int i = 0; i < 6; i++) {
                try (NDManager scope = manager.newSubManager()) {
                    VisionFeatures f = model.encodeVision(copy(scope, "pixels"), new VisionRequest(5, List.of(2, 6)));
                    assertFalse(f.global().hasGradient());
                    org.junit.jupiter.api.Assertions.assertArrayEquals(outside, f.global().toFloatArray(), 1e-6f,
                            "call " + (i + 1) + " inside a gradient collector");
                }
            }
        }
    }

    @Test
    void inferenceFreesWhatItCreatesAndRecordsNoGradient() {
        int before = manager.getManagedArrays().size();
        for (int i = 0; i < 5; i++) {
            try (NDManager scope = manager.newSubManager()) {
                VisionFeatures features = model.encodeVision(copy(scope, "pixels"), new VisionRequest(5, List.of(2, 6)));
                assertFalse(features.global().hasGradient());
            }
        }
        assertEquals(before, manager.getManagedArrays().size(), "arrays leaked outside the call's scope");
    }

    private static NDArray copy(NDManager scope, String name) {
        NDArray array = expected.get(name);
        NDArray copy = scope.create(array.getShape(), array.getDataType());
        copy.set(array.toByteBuffer());
        return array.getDataType() == DataType.FLOAT64 ? copy.toType(DataType.FLOAT32, false) : copy;
    }
}
