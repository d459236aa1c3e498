package com.adclip.train;

import static com.adclip.testing.GoldenAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import com.adclip.anomaly.PromptLearner;
import com.adclip.anomaly.ReferenceCheckpoint;
import com.adclip.clip.ClipModel;
import com.adclip.clip.TestWeights;
import com.adclip.clip.VisionFeatures;
import com.adclip.clip.VisionRequest;
import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One reference training step (losses, gradients) and the parameters after 1 and 3 Adam steps. */
class TrainingStepGoldenTest {

    @Test
    void lossesGradientsAndAdamStepsMatchReference() throws IOException {
        Path dir = Fixtures.goldenV1();
        JsonNode json = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        JsonNode config = json.get("config");
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> expected = Fixtures.npz(manager, dir.resolve("expected.npz"));
            Map<String, NDArray> weights = TestWeights.openAiSafetensors(manager, dir);
            ClipModel clip = ClipModel.create(TestWeights.tinyConfig(config), weights::get, manager);
            ReferenceCheckpoint checkpoint = ReferenceCheckpoint.read(dir.resolve("prompt-learner.pth"), manager);
            PromptLearner learner = checkpoint.toLearner(clip, manager, "tiny");
            Map<String, NDArray> params = learner.parameters();
            params.values().forEach(p -> p.setRequiresGradient(true));

            TrainingBatch batch = batch(manager, expected, json, clip, config);
            int size = config.get("image_size").asInt();
            TrainingObjective objective = new TrainingObjective(clip, new LossWeights(1, 4), size, 0.07f);
            OptimizerConfig adam = new OptimizerConfig(OptimizerConfig.Kind.ADAM, 1e-3, 0.5f, 0.999f, 1e-8f, 0);
            try (AdamOptimizer optimizer = new AdamOptimizer(adam, manager)) {
                for (int step = 0; step < 3; step++) {
                    try (NDManager scope = manager.newSubManager();
                            GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        TrainingObjective.Parts parts = objective.loss(learner, batch);
                        scope.attachAll(parts.image(), parts.map(), parts.total());
                        collector.backward(parts.total());
                        if (step == 0) {
                            JsonNode step0 = json.get("train_step0");
                            assertEquals(step0.get("image_loss").asDouble(), parts.image().getFloat(),
                                    1e-3 * step0.get("image_loss").asDouble(), "image loss");
                            // the reference's seg_loss is the map loss with its weight 4 applied
                            assertEquals(step0.get("seg_loss").asDouble(), 4 * parts.map().getFloat(),
                                    1e-3 * step0.get("seg_loss").asDouble(), "seg loss");
                            for (String name : params.keySet()) {
                                assertRelative("grad0/" + name, expected.get("grad0/" + name),
                                        params.get(name).getGradient());
                            }
                        }
                    }
                    optimizer.update(params);
                    params.values().forEach(p -> JniUtils.zeroGrad((PtNDArray) p));
                    if (step == 0 || step == 2) {
                        String prefix = step == 0 ? "after_step1/" : "after_step3/";
                        for (String name : params.keySet()) {
                            assertClose(prefix + name, expected.get(prefix + name), params.get(name), 1e-5);
                        }
                    }
                }
            }
        }
    }

    /** Gradients: relative 1e-3 of the largest expected magnitude (the README's "relative 1e-3"). */
    private static void assertRelative(String what, NDArray expected, NDArray actual) {
        float scale = expected.abs().max().getFloat();
        assertClose(what, expected.div(scale), actual.div(scale), 1e-3);
    }

    private static TrainingBatch batch(NDManager manager, Map<String, NDArray> expected, JsonNode json,
            ClipModel clip, JsonNode config) {
        List<Long> rows = new ArrayList<>();
        json.get("train_step0").get("batch").forEach(n -> rows.add(n.asLong()));
        NDArray index = manager.create(rows.stream().mapToLong(Long::longValue).toArray());
        NDArray pixels = expected.get("pixels").get(new NDIndex("{}", index));
        NDArray masks = expected.get("masks").get(new NDIndex("{}", index));
        long[] labels = rows.stream().mapToLong(r -> json.get("images").get(r.intValue()).get("anomaly").asLong())
                .toArray();
        List<Integer> blocks = new ArrayList<>();
        config.get("features").forEach(n -> blocks.add(n.asInt()));
        VisionFeatures features = clip.encodeVision(pixels, new VisionRequest(config.get("dpam").asInt(), blocks));
        List<NDArray> patches = new ArrayList<>();
        features.patches().forEach(p -> patches.add(p.tokens()));
        return new TrainingBatch(features.global(), patches, features.grid(), manager.create(labels),
                masks.toType(DataType.FLOAT32, false), manager.arange(0, rows.size(), 1, DataType.INT64));
    }

}
