package com.adclip.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.adclip.anomaly.PromptConfig;
import com.adclip.anomaly.PromptLearner;
import com.adclip.clip.ClipModel;
import com.adclip.image.ImagePreprocessor;
import com.adclip.image.PreprocessConfig;
import com.adclip.clip.TestWeights;
import com.adclip.clip.VisionRequest;
import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A stop in the middle of an epoch (Ctrl-C) saves where the epoch got to, and resuming from that checkpoint ends
 * bit for bit where an uninterrupted run ends (issue 10: the checkpoint said "epoch 1" but held a step of epoch 2,
 * and resume replayed it).
 */
class TrainerMidEpochResumeTest {
    private static final int EPOCHS = 3;

    @Test
    void resumingInTheMiddleOfAnEpochEndsEqualToAnUninterruptedRun() throws Exception {
        Path dir = Fixtures.goldenV1();
        try (NDManager manager = NDManager.newBaseManager()) {
            ClipModel clip = TestWeights.tinyClip(manager, dir);
            ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.reference(48));
            FeatureCache cache = new FeatureCache(clip, new VisionRequest(5, List.of(2, 3, 4, 6)), "w",
                    FeatureCache.Precision.FP32, null, manager);
            List<TrainItem> items = List.of(
                    new TrainItem(dir.resolve("images/img0.png"), "a", false, new byte[48 * 48]),
                    new TrainItem(dir.resolve("images/img1.png"), "b", true, maskOf(dir, preprocessor, manager)));
            Trainer.FeatureSource source = (item, epoch, scope) -> new Trainer.Features(
                    cache.get(item.contentHash(), () -> preprocessor.pixels(scope, item.image()), scope), item.mask());

            PromptLearner a = PromptLearner.initialise(config(), clip, manager, 1);
            Checkpoint straight = new Checkpoint(a, manager);
            Trainer.Result whole = trainer(clip, a, items, source, TrainListener.SILENT)
                    .run(Trainer.Start.fresh(), straight, manager);
            assertTrue(!whole.interrupted());

            AtomicReference<Trainer> running = new AtomicReference<>();
            TrainListener ctrlC = new TrainListener() {
                @Override
                public void stepDone(int epoch, int step, double image, double map, double total, double lr) {
                    if (epoch == 2 && step == 1) {
                        running.get().requestStop(); // step 1 of 2: the stop lands in the middle of epoch 2
                    }
                }
            };
            PromptLearner b = PromptLearner.initialise(config(), clip, manager, 1);
            Checkpoint stopped = new Checkpoint(b, manager);
            running.set(trainer(clip, b, items, source, ctrlC));
            Trainer.Result first = running.get().run(Trainer.Start.fresh(), stopped, manager);
            assertTrue(first.interrupted());
            assertEquals(1, ((Number) stopped.state.get("epoch")).intValue(), "epochs completed");
            assertEquals(1, ((Number) stopped.state.get("epoch_step")).intValue(), "steps of epoch 2 taken");
            assertEquals(3L, ((Number) stopped.state.get("steps")).longValue());

            PromptLearner c = PromptLearner.fromTensors(config(), clip, stopped.params, manager);
            Trainer.Start start = Trainer.Start.fromState(stopped.state, stopped.optimizer);
            Checkpoint resumed = new Checkpoint(c, manager);
            Trainer.Result rest = trainer(clip, c, items, source, TrainListener.SILENT).run(start, resumed, manager);
            assertTrue(!rest.interrupted());

            assertEquals(straight.state.get("steps"), resumed.state.get("steps"), "no step replayed or skipped");
            assertSameBits(straight.params, resumed.params);
            assertSameBits(straight.optimizer, resumed.optimizer);
            assertEquals(whole.log().get(1).loss(), rest.log().get(0).loss(), "epoch 2's mean loss");
            assertEquals(whole.log().get(1).imageLoss(), rest.log().get(0).imageLoss());
            assertEquals(whole.log().get(2).loss(), rest.log().get(1).loss(), "epoch 3's mean loss");
        }
    }

    private static PromptConfig config() {
        return new PromptConfig(6, 2, 3, "object");
    }

    private static Trainer trainer(ClipModel clip, PromptLearner learner, List<TrainItem> items,
            Trainer.FeatureSource source, TrainListener listener) {
        OptimizerConfig adam = new OptimizerConfig(OptimizerConfig.Kind.ADAMW, 3e-3, 0.9f, 0.999f, 1e-8f, 0.01f);
        LossWeights weights = new LossWeights(1, 4);
        TrainConfig config = new TrainConfig(EPOCHS, 1, adam, weights, 7, 0, 0);
        return new Trainer(clip, learner, new TrainingObjective(clip, weights, 48, 0.07f), config, items, List.of(),
                source, 4, 48, 0.07f, listener);
    }

    private static byte[] maskOf(Path dir, ImagePreprocessor preprocessor, NDManager manager) throws Exception {
        float[] values = preprocessor.mask(manager, dir.resolve("masks/img1_mask.png")).toFloatArray();
        byte[] mask = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            mask[i] = values[i] > 0.5f ? (byte) 1 : 0;
        }
        return mask;
    }

    private static void assertSameBits(Map<String, NDArray> expected, Map<String, NDArray> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        assertTrue(!expected.isEmpty());
        expected.forEach((name, t) -> assertArrayEquals(t.toByteArray(), actual.get(name).toByteArray(), name));
    }

    /** Keeps the latest "last" checkpoint: its state as a manifest stores it (JSON), and copies of the tensors. */
    private static final class Checkpoint implements Trainer.CheckpointWriter {
        private final PromptLearner learner;
        private final NDManager manager;
        private Map<?, ?> state;
        private final Map<String, NDArray> params = new LinkedHashMap<>();
        private final Map<String, NDArray> optimizer = new LinkedHashMap<>();

        Checkpoint(PromptLearner learner, NDManager manager) {
            this.learner = learner;
            this.manager = manager;
        }

        @Override
        public Path write(String kind, int epoch, Map<String, Object> stateToSave, Map<String, NDArray> moments) {
            if (!kind.equals("last")) {
                return Path.of(kind);
            }
            try {
                ObjectMapper json = new ObjectMapper();
                state = json.readValue(json.writeValueAsString(stateToSave), Map.class);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            optimizer.clear();
            moments.forEach((name, t) -> optimizer.put(name, copy(t)));
            params.clear();
            learner.parameters().forEach((name, t) -> params.put(name, copy(t)));
            return Path.of(kind);
        }

        private NDArray copy(NDArray t) {
            NDArray copy = t.duplicate();
            copy.attach(manager);
            return copy;
        }
    }
}
