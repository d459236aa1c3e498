package com.adclip.export;

import static com.adclip.testing.GoldenAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.adclip.anomaly.AnomalyDetector;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.anomaly.MapPostProcessor;
import com.adclip.anomaly.AnomalyPredictor;
import com.adclip.anomaly.PromptConfig;
import com.adclip.anomaly.PromptLearner;
import com.adclip.clip.ClipConfig;
import com.adclip.clip.ClipModel;
import com.adclip.image.ImagePreprocessor;
import com.adclip.clip.Precision;
import com.adclip.image.PreprocessConfig;
import com.adclip.clip.TestWeights;
import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported detector graph, loaded back through DJL (plain libtorch), against the golden reference arrays and
 * against {@code predict}'s answers (Predictor) on the golden images.
 */
class DetectorGraphTest {
    @TempDir
    Path dir;

    @Test
    void exportedGraphGivesPredictsScoresAndMaps() throws Exception {
        Path golden = Fixtures.goldenV1();
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> expected = Fixtures.npz(manager, golden.resolve("expected.npz"));
            JsonNode config = TestWeights.goldenConfig(golden);
            Map<String, NDArray> weights = TestWeights.openAiSafetensors(manager, golden);
            ClipConfig clipConfig = TestWeights.tinyConfig(config);
            List<Integer> blocks = new ArrayList<>();
            config.get("features").forEach(n -> blocks.add(n.asInt()));
            PromptConfig prompts = new PromptConfig(config.get("n_ctx").asInt(), config.get("t_n_ctx").asInt(),
                    config.get("depth").asInt(), "object");
            DetectorConfig detectorConfig = DetectorConfig.defaultsFor(clipConfig)
                    .withImageSize(config.get("image_size").asInt()).withFeatureBlocks(blocks)
                    .withDpam(config.get("dpam").asInt()).withSigma(config.get("sigma").asDouble())
                    .withTemperature(0.07f).withPrompts(prompts);
            Map<String, NDArray> learned = new HashMap<>();
            expected.forEach((name, array) -> {
                if (name.startsWith("learner/")) {
                    learned.put(name.substring("learner/".length()), array);
                }
            });
            Path file = dir.resolve("detector.pt");
            List<Path> images = new ArrayList<>();
            for (JsonNode image : new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(golden.resolve("expected.json").toFile()).get("images")) {
                images.add(golden.resolve(image.get("image").asText()));
            }
            ImagePreprocessor preprocessor = new ImagePreprocessor(
                    PreprocessConfig.reference(detectorConfig.imageSize()));
            List<com.adclip.Outcome> predicted;
            // predict with the everyday (eager) path; the export is written from the same model
            try (ClipModel clip = ClipModel.create(clipConfig, weights::get, manager);
                    AnomalyDetector detector = AnomalyDetector.create(clip,
                            PromptLearner.fromTensors(prompts, clip, learned, manager), detectorConfig, manager)) {
                DetectorGraph.write(file, clip, detector, Precision.FP32);
                MapPostProcessor post = new MapPostProcessor(MapPostProcessor.smoothing(detectorConfig.sigma()), 2.0);
                predicted = new AnomalyPredictor(detector, preprocessor, post, Long.MAX_VALUE, manager, () -> 0.5)
                        .predict(images);
            }
            try (Model model = Model.newInstance("export", Device.cpu(), "PyTorch")) {
                model.load(file);
                NDArray reference = expected.get("pixels");
                NDArray pixels = manager.create(reference.toFloatArray(), reference.getShape());
                NDList out = model.getBlock().forward(new ParameterStore(manager, false), new NDList(pixels), false);
                assertEquals(2, out.size());
                assertClose("score = image_probs[:, 1]", expected.get("image_probs").get(new NDIndex(":, 1")),
                        out.get(0), 1e-4);
                assertClose("anomaly_map (smoothed)", expected.get("anomaly_map"), out.get(1), 1e-4);

                NDArray own = preprocessor.pixels(manager, images);
                NDList mine = model.getBlock().forward(new ParameterStore(manager, false), new NDList(own), false);
                int s = detectorConfig.imageSize();
                for (int i = 0; i < images.size(); i++) {
                    com.adclip.Outcome o = predicted.get(i);
                    assertFalse(o.failed(), String.valueOf(o.error()));
                    assertClose("score of " + images.get(i).getFileName(),
                            manager.create(new float[] {(float) o.prediction().score()}),
                            mine.get(0).get(i).reshape(1), 1e-4);
                    assertClose("S×S map of " + images.get(i).getFileName(),
                            manager.create(o.prediction().grid(), new Shape(s, s)), mine.get(1).get(i), 1e-4);
                }
            }
        }
    }
}
