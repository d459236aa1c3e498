package com.adclip.anomaly;

import static com.adclip.testing.GoldenAssert.assertClose;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.adclip.clip.ClipModel;
import com.adclip.clip.TestWeights;
import com.adclip.clip.VisionFeatures;
import com.adclip.clip.VisionRequest;
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

/** Prompts, text features, logits and maps against golden-v1, from the learner tensors and {@code pixels}. */
class AnomalyGoldenTest {
    private static final double TOL = 1e-4;
    private static final float TEMPERATURE = 0.07f;

    private static NDManager manager;
    private static Map<String, NDArray> expected;
    private static JsonNode config;
    private static ClipModel clip;
    private static PromptLearner learner;

    @BeforeAll
    static void load() throws IOException {
        Path dir = Fixtures.goldenV1();
        manager = NDManager.newBaseManager();
        expected = Fixtures.npz(manager, dir.resolve("expected.npz"));
        config = TestWeights.goldenConfig(dir);
        clip = TestWeights.tinyClip(manager, dir);
        Map<String, NDArray> learned = new HashMap<>();
        expected.forEach((name, array) -> {
            if (name.startsWith("learner/")) {
                learned.put(name.substring("learner/".length()), array);
            }
        });
        PromptConfig prompts = new PromptConfig(
                config.get("n_ctx").asInt(), config.get("t_n_ctx").asInt(), config.get("depth").asInt(), "object");
        learner = PromptLearner.fromTensors(prompts, clip, learned, manager);
    }

    @AfterAll
    static void free() {
        if (manager != null) {
            manager.close();
        }
    }

    @Test
    void promptFramesEqualTheReferenceBuffers() {
        Map<String, NDArray> frames = learner.frozenBuffers();
        for (String name : List.of("token_prefix_pos", "token_suffix_pos", "token_prefix_neg", "token_suffix_neg",
                "tokenized_prompts_pos", "tokenized_prompts_neg")) {
            assertClose(name, expected.get("learner/" + name), frames.get(name), 0);
        }
    }

    @Test
    void textFeaturesMatchReference() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray raw = learner.encode(clip);
            raw.attach(scope);
            assertClose("text_features_raw", expected.get("text_features_raw"), raw.expandDims(0), TOL);
            assertClose("text_features", expected.get("text_features"), AnomalyHead.normalize(raw).expandDims(0), TOL);
        }
    }

    @Test
    void logitsProbabilitiesAndMapsMatchReference() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray text = AnomalyHead.normalize(learner.encode(clip));
            text.attach(scope);
            NDArray pixels = scope.create(expected.get("pixels").toFloatArray(), expected.get("pixels").getShape());
            List<Integer> blocks = new ArrayList<>();
            config.get("features").forEach(n -> blocks.add(n.asInt()));
            VisionFeatures features = clip.encodeVision(pixels, new VisionRequest(config.get("dpam").asInt(), blocks));
            NDArray logits = AnomalyHead.imageLogits(features.global(), text, TEMPERATURE);
            assertClose("image_logits", expected.get("image_logits"), logits, TOL);
            assertClose("image_probs", expected.get("image_probs"), logits.softmax(-1), TOL);
            int size = config.get("image_size").asInt();
            List<NDArray> maps = AnomalyHead.similarityMaps(features, text, size, TEMPERATURE);
            for (int i = 0; i < maps.size(); i++) {
                assertClose("similarity_maps/" + i, expected.get("similarity_maps/" + i), maps.get(i), TOL);
            }
            assertClose("anomaly_map_raw", expected.get("anomaly_map_raw"), AnomalyHead.fuse(maps), TOL);
            assertClose("score = probs[:, 1]", expected.get("image_probs").get(new NDIndex(":, 1")),
                    logits.softmax(-1).get(new NDIndex(":, 1")), TOL);
        }
    }
}
