package com.adclip.clip;

import static com.adclip.testing.GoldenAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
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

/** The model against every array the reference computed for the tiny CLIP (golden-v1). */
class ClipModelGoldenTest {
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
        model = TestWeights.tinyClip(manager, dir);
    }

    @AfterAll
    static void free() {
        if (manager != null) {
            manager.close();
        }
    }

    @Test
    void plainImageTokensMatchReference() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray pixels = copy(scope, "clip_plain/pixels");
            assertClose("clip_plain/image_tokens", expected.get("clip_plain/image_tokens"),
                    model.imageTokens(pixels), TOL);
        }
    }

    @Test
    void plainEncodeImageIsTheClassToken() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray pixels = copy(scope, "clip_plain/pixels");
            NDArray cls = expected.get("clip_plain/image_tokens").get(new NDIndex(":, 0, :"));
            assertClose("encodeImage", cls, model.encodeImage(pixels), TOL);
        }
    }

    @Test
    void plainTextEmbedsMatchReference() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray ids = copy(scope, "clip_plain/text_ids");
            assertClose("clip_plain/text_embeds", expected.get("clip_plain/text_embeds"), model.encodeText(ids), TOL);
        }
    }

    @Test
    void anomalyClipVisionMatchesReference() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray pixels = copy(scope, "pixels");
            List<Integer> blocks = new ArrayList<>();
            config.get("features").forEach(n -> blocks.add(n.asInt()));
            VisionFeatures features = model.encodeVision(pixels, new VisionRequest(config.get("dpam").asInt(), blocks));
            assertEquals(config.get("image_size").asInt() / config.get("patch").asInt(), features.grid());
            assertClose("image_features_raw", expected.get("image_features_raw"), features.global(), TOL);
            for (int i = 0; i < blocks.size(); i++) {
                VisionFeatures.PatchFeatures patch = features.patches().get(i);
                assertEquals(blocks.get(i), patch.block());
                assertClose("patch_features/" + i, expected.get("patch_features/" + i), patch.tokens(), TOL);
            }
        }
    }

    @Test
    void positionalEmbeddingsAreNotMutatedByResizing() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray pixels = copy(scope, "pixels");
            model.encodeVision(pixels, VisionRequest.plain());
            NDArray small = copy(scope, "clip_plain/pixels");
            assertClose("clip_plain/image_tokens after a 48px pass", expected.get("clip_plain/image_tokens"),
                    model.imageTokens(small), TOL);
        }
    }

    @Test
    void promptedTextFeaturesMatchReference() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray normal = prompt(scope, "pos");
            NDArray anomaly = prompt(scope, "neg");
            NDArray prompts = NDArrays.stack(new NDList(normal, anomaly)); // [2, 77, W]
            NDArray ids = NDArrays.concat(new NDList(
                    copy(scope, "learner/tokenized_prompts_pos").reshape(1, 77),
                    copy(scope, "learner/tokenized_prompts_neg").reshape(1, 77)), 0);
            List<NDArray> deep = new ArrayList<>();
            for (int k = 0; k < config.get("depth").asInt() - 1; k++) {
                deep.add(copy(scope, "learner/compound_prompts_text." + k));
            }
            NDArray features = model.encodePrompts(prompts, ids, deep).expandDims(0); // [1, 2, E]
            assertClose("text_features_raw", expected.get("text_features_raw"), features, TOL);
        }
    }

    @Test
    void inferenceFreesEveryArrayItCreatesAndRecordsNoGradient() {
        assertFalse(JniUtils.isGradMode(), "inference must not record gradients");
        int before = manager.getManagedArrays().size();
        for (int i = 0; i < 20; i++) {
            try (NDManager scope = manager.newSubManager()) {
                NDArray pixels = copy(scope, "pixels");
                VisionFeatures features = model.encodeVision(pixels, new VisionRequest(5, List.of(2, 6)));
                assertFalse(features.global().hasGradient());
                model.encodeText(copy(scope, "clip_plain/text_ids"));
            }
        }
        assertEquals(before, manager.getManagedArrays().size(), "arrays leaked outside the call's scope");
    }

    /** [SOT] + learned context + the rest of "X … X object." / "X … X damaged object." → [77, W]. */
    private static NDArray prompt(NDManager scope, String which) {
        NDArray prefix = copy(scope, "learner/token_prefix_" + which).squeeze(new int[] {0, 1});
        NDArray ctx = copy(scope, "learner/ctx_" + which).squeeze(new int[] {0, 1});
        NDArray suffix = copy(scope, "learner/token_suffix_" + which).squeeze(new int[] {0, 1});
        return NDArrays.concat(new NDList(prefix, ctx, suffix), 0);
    }

    private static NDArray copy(NDManager scope, String name) {
        NDArray array = expected.get(name);
        NDArray copy = scope.create(array.getShape(), array.getDataType());
        copy.set(array.toByteBuffer());
        return array.getDataType() == DataType.FLOAT64 ? copy.toType(DataType.FLOAT32, false) : copy;
    }
}
