package com.adclip.clip;

import static com.adclip.testing.GoldenAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.adclip.testing.Fixtures;
import com.adclip.weights.ClipWeights;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The model built from each of the three weight formats computes the same numbers, and the reference's. */
class WeightFormatsParityTest {

    @Test
    void allThreeFormatsGiveIdenticalOutputsAndMatchTheReference() {
        Path dir = Fixtures.goldenV1();
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> expected = Fixtures.npz(manager, dir.resolve("expected.npz"));
            NDArray pixels = expected.get("pixels");
            NDArray ids = expected.get("clip_plain/text_ids");
            List<float[]> features = new ArrayList<>();
            for (Path source : List.of(dir.resolve("tiny-clip.pt"), dir.resolve("tiny-clip-openai.safetensors"),
                    dir.resolve("tiny-clip-hf"))) {
                try (ClipWeights weights = ClipWeights.load(source, manager);
                        ClipModel model = ClipModel.create(weights.config(), weights::get, manager);
                        NDManager scope = manager.newSubManager()) {
                    VisionFeatures vision = model.encodeVision(pixels, new VisionRequest(5, List.of(2, 3, 4, 6)));
                    NDArray text = model.encodeText(ids);
                    assertClose(source + ": image_features_raw", expected.get("image_features_raw"), vision.global(),
                            1e-4);
                    assertClose(source + ": patch_features/3", expected.get("patch_features/3"),
                            vision.patches().get(3).tokens(), 1e-4);
                    assertClose(source + ": text_embeds", expected.get("clip_plain/text_embeds"), text, 1e-4);
                    float[] all = concat(vision.global().toFloatArray(), vision.patches().get(0).tokens().toFloatArray(),
                            text.toFloatArray());
                    features.add(all);
                    scope.attachAll(vision.global(), text);
                }
            }
            assertArrayEquals(features.get(0), features.get(1), 0f, ".pt vs safetensors");
            assertArrayEquals(features.get(0), features.get(2), 0f, ".pt vs Hugging Face");
        }
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
