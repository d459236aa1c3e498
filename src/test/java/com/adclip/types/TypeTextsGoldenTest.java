package com.adclip.types;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.adclip.clip.ClipModel;
import com.adclip.clip.ClipTokenizer;
import com.adclip.clip.TestWeights;
import com.adclip.clip.VisionFeatures;
import com.adclip.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The text path on the golden tiny CLIP against a direct computation: each prompt encoded on its own, normalised,
 * averaged and normalised in double arithmetic; per patch, the layers' softmaxes over good and the types written out
 * as loops over the reference's own patch features ({@code expected.npz}).
 */
class TypeTextsGoldenTest {
    private static final List<Integer> BLOCKS = List.of(2, 3, 4, 6);

    private NDManager manager;
    private Path golden;
    private ClipModel clip;

    @BeforeEach
    void load() throws Exception {
        golden = Fixtures.goldenV1();
        manager = NDManager.newBaseManager();
        clip = TestWeights.tinyClip(manager, golden);
    }

    @AfterEach
    void free() {
        manager.close();
    }

    private static TypesSection section() {
        TypeVocabulary vocabulary = TypeVocabulary.parse("scratch,crack=hairline crack|fissure,missing_part");
        return DefectTypes.section(vocabulary, "bolt", BLOCKS, null, null);
    }

    private double[] direct(List<String> prompts) {
        double[] mean = null;
        for (String prompt : prompts) {
            long[] ids = ClipTokenizer.shared().tokenize(List.of(prompt))[0];
            try (NDManager scope = manager.newSubManager()) {
                float[] e = clip.encodeText(scope.create(ids, new Shape(1, ids.length))).toFloatArray();
                double[] unit = unit(e);
                if (mean == null) {
                    mean = new double[unit.length];
                }
                for (int i = 0; i < unit.length; i++) {
                    mean[i] += unit[i] / prompts.size();
                }
            }
        }
        return unit(mean);
    }

    private static double[] unit(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return unit(d);
    }

    private static double[] unit(double[] v) {
        double n = 0;
        for (double x : v) {
            n += x * x;
        }
        n = Math.sqrt(n);
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] / n;
        }
        return out;
    }

    @Test
    void textEmbeddingsAreTheNormalisedMeanOfEachPromptsEmbedding() {
        TypesSection section = section();
        NDArray text = TypeTexts.embed(clip, section, manager); // [1 + K, E]
        assertEquals(new Shape(4, 64), text.getShape());
        List<List<String>> prompts = new ArrayList<>();
        prompts.add(List.of("bolt has no defect.", "a photo of a flawless bolt.", "a close-up photo of a flawless bolt.",
                "a cropped photo of a perfect bolt."));
        for (DefectType type : section.vocabulary()) {
            prompts.add(TypeTexts.prompts(section.templates(), "bolt", type));
        }
        assertEquals(4 * 3, prompts.get(2).size()); // crack: 4 templates × 3 phrases
        assertEquals("a photo of a bolt with a hairline crack defect.", prompts.get(2).get(4));
        assertEquals("bolt has a missing part defect.", prompts.get(3).get(0));
        for (int k = 0; k < prompts.size(); k++) {
            double[] expected = direct(prompts.get(k));
            float[] actual = text.get(k).toFloatArray();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-5, "row " + k + " dim " + i);
            }
        }
    }

    @Test
    void patchProbabilitiesSumEachLayersSoftmaxOverGoodAndTheTypes() {
        TypesSection section = section();
        NDArray text = TypeTexts.embed(clip, section, manager); // [1 + K, E]
        Map<String, NDArray> expected = Fixtures.npz(manager, golden.resolve("expected.npz"));
        List<VisionFeatures.PatchFeatures> patches = new ArrayList<>();
        for (int l = 0; l < BLOCKS.size(); l++) {
            patches.add(new VisionFeatures.PatchFeatures(BLOCKS.get(l), expected.get("patch_features/" + l)));
        }
        int grid = 12;
        NDArray tokens0 = patches.get(0).tokens();
        VisionFeatures features = new VisionFeatures(manager.zeros(new Shape(tokens0.getShape().get(0), 64)), patches,
                grid);
        float[] actual = TypeTexts.patchProbabilities(features, text, 0.01).toFloatArray(); // [B, G², K]
        int k = 3;
        float[][] t = new float[1 + k][];
        for (int c = 0; c <= k; c++) {
            t[c] = text.get(c).toFloatArray();
        }
        int batch = (int) tokens0.getShape().get(0);
        for (int b = 0; b < batch; b++) {
            for (int p = 0; p < grid * grid; p++) {
                double[] sum = new double[k];
                for (int l = 0; l < BLOCKS.size(); l++) {
                    double[] f = unit(patches.get(l).tokens().get(new NDIndex("{}, {}", b, p + 1)).toFloatArray());
                    double[] logits = new double[1 + k];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c <= k; c++) {
                        for (int i = 0; i < f.length; i++) {
                            logits[c] += f[i] * t[c][i];
                        }
                        logits[c] /= 0.01;
                        max = Math.max(max, logits[c]);
                    }
                    double z = 0;
                    for (int c = 0; c <= k; c++) {
                        z += Math.exp(logits[c] - max);
                    }
                    for (int c = 1; c <= k; c++) {
                        sum[c - 1] += Math.exp(logits[c] - max) / z;
                    }
                }
                double total = sum[0] + sum[1] + sum[2];
                for (int c = 0; c < k; c++) {
                    double want = sum[c] / total;
                    assertEquals(want, actual[(b * grid * grid + p) * k + c], 1e-4 * Math.max(1, want),
                            "image " + b + " patch " + p + " type " + c);
                }
            }
        }
    }
}
