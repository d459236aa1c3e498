package com.adclip.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.adclip.AdclipException;
import com.adclip.anomaly.PromptConfig;
import com.adclip.anomaly.PromptLearner;
import com.adclip.clip.ClipModel;
import com.adclip.image.ImagePreprocessor;
import com.adclip.image.PreprocessConfig;
import com.adclip.clip.TestWeights;
import com.adclip.clip.VisionRequest;
import com.adclip.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A NaN loss stops training, names the batch, and leaves the last good checkpoint alone. */
class TrainerNanTest {
    @Test
    void nanLossStopsAndNamesTheBatch() throws Exception {
        Path dir = Fixtures.goldenV1();
        try (NDManager manager = NDManager.newBaseManager()) {
            ClipModel clip = TestWeights.tinyClip(manager, dir);
            PromptLearner learner = PromptLearner.initialise(new PromptConfig(6, 2, 3, "object"), clip, manager, 1);
            ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.reference(48));
            FeatureCache cache = new FeatureCache(clip, new VisionRequest(5, List.of(2, 3, 4, 6)), "w",
                    FeatureCache.Precision.FP32, null, manager);
            List<TrainItem> items = List.of(
                    new TrainItem(dir.resolve("images/img0.png"), "a", false, new byte[48 * 48]),
                    new TrainItem(dir.resolve("images/img1.png"), "b", true, null));
            Trainer.FeatureSource source = (item, epoch, scope) -> {
                NDArray packed = cache.get(item.contentHash(), () -> preprocessor.pixels(scope, item.image()), scope);
                return new Trainer.Features(epoch == 2 ? packed.mul(Float.NaN) : packed, item.mask());
            };
            OptimizerConfig adam = new OptimizerConfig(OptimizerConfig.Kind.ADAM, 1e-3, 0.9f, 0.999f, 1e-8f, 0);
            TrainConfig config = new TrainConfig(5, 2, adam, new LossWeights(1, 4), 0, 0, 0);
            Trainer trainer = new Trainer(clip, learner, new TrainingObjective(clip, new LossWeights(1, 4), 48, 0.07f),
                    config, items, List.of(), source, 4, 48, 0.07f, TrainListener.SILENT);
            List<String> written = new ArrayList<>();
            float[] before = learner.parameters().get("ctx_pos").toFloatArray();
            AdclipException e = assertThrows(AdclipException.class, () -> trainer.run(Trainer.Start.fresh(),
                    (kind, epoch, state, optimizer) -> {
                        written.add(kind + " " + epoch);
                        return Path.of(kind);
                    }, manager));
            assertTrue(e.getMessage().contains("epoch 2, batch 1") && e.getMessage().contains("NaN"), e.getMessage());
            assertEquals(List.of("last 1"), written, "only the good epoch was saved");
            float[] after = learner.parameters().get("ctx_pos").toFloatArray();
            for (float v : after) {
                assertTrue(Float.isFinite(v), "parameters never took the NaN step");
            }
            assertTrue(!java.util.Arrays.equals(before, after), "epoch 1 did train");
        }
    }
}
