package com.adclip.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.adclip.clip.ClipConfig;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Random weights: the full architecture, CLIP-like values, deterministic for a seed. */
class ClipWeightsRandomTest {

    /** OpenAI ViT-B/16 as published (github.com/openai/CLIP model card / build_model of ViT-B-16.pt). */
    private static final ClipConfig VIT_B_16 = new ClipConfig(512, new ClipConfig.Vision(768, 12, 16, 224),
            new ClipConfig.Text(512, 12, 77, 49408));
    private static final ClipConfig TINY = new ClipConfig(64, new ClipConfig.Vision(128, 2, 4, 32),
            new ClipConfig.Text(64, 2, 77, 49408));

    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    @Test
    void vitB16HasEveryTensorWithItsShape() {
        try (ClipWeights w = ClipWeights.random(VIT_B_16, manager, 7)) {
            assertEquals(WeightsFormat.RANDOM, w.format());
            assertNull(w.source());
            assertEquals(VIT_B_16, w.config());
            assertEquals(new Shape(768, 3, 16, 16), w.get("visual.conv1.weight").getShape());
            assertEquals(new Shape(197, 768), w.get("visual.positional_embedding").getShape());
            assertEquals(new Shape(2304, 768), w.get("visual.transformer.resblocks.11.attn.in_proj_weight").getShape());
            assertEquals(new Shape(768, 512), w.get("visual.proj").getShape());
            assertEquals(new Shape(49408, 512), w.get("token_embedding.weight").getShape());
            assertEquals(new Shape(77, 512), w.get("positional_embedding").getShape());
            assertEquals(new Shape(2048, 512), w.get("transformer.resblocks.11.mlp.c_fc.weight").getShape());
            assertEquals(new Shape(512, 512), w.get("text_projection").getShape());
            assertEquals(new Shape(), w.get("logit_scale").getShape());
            Map<String, Shape> expected = OpenAiLayout.expectedShapes(VIT_B_16);
            assertEquals(expected.keySet(), w.tensors().keySet());
            long parameters = 0;
            for (Map.Entry<String, NDArray> e : w.tensors().entrySet()) {
                assertEquals(expected.get(e.getKey()), e.getValue().getShape(), e.getKey());
                assertEquals(DataType.FLOAT32, e.getValue().getDataType(), e.getKey());
                parameters += e.getValue().size();
            }
            // the parameter count OpenAI's CLIP notebook prints for ViT-B/16
            assertEquals(149_620_737L, parameters);
            // and the derivation recovers the architecture from the shapes
            Map<String, Shape> shapes = new java.util.LinkedHashMap<>();
            w.tensors().forEach((k, v) -> shapes.put(k, v.getShape()));
            assertEquals(VIT_B_16, ArchitectureInference.fromShapes(shapes));
        }
    }

    @Test
    void clipLikeValues() {
        try (ClipWeights w = ClipWeights.random(TINY, manager, 3)) {
            assertEquals((float) Math.log(1 / 0.07), w.get("logit_scale").getFloat(), 0f);
            assertTrue(Arrays.stream(box(w.get("visual.ln_pre.weight").toFloatArray())).allMatch(v -> v == 1f));
            assertTrue(Arrays.stream(box(w.get("transformer.resblocks.1.ln_2.weight").toFloatArray())).allMatch(v -> v == 1f));
            assertTrue(Arrays.stream(box(w.get("ln_final.bias").toFloatArray())).allMatch(v -> v == 0f));
            assertTrue(Arrays.stream(box(w.get("visual.transformer.resblocks.0.attn.in_proj_bias").toFloatArray()))
                    .allMatch(v -> v == 0f));
            float[] tokens = w.get("token_embedding.weight").toFloatArray();
            double mean = 0;
            double square = 0;
            for (float v : tokens) {
                mean += v;
                square += (double) v * v;
            }
            mean /= tokens.length;
            double std = Math.sqrt(square / tokens.length - mean * mean);
            assertEquals(0.0, mean, 1e-4);
            assertEquals(0.02, std, 2e-4);
        }
    }

    @Test
    void deterministicForASeedAndDifferentAcrossSeeds() {
        try (ClipWeights a = ClipWeights.random(TINY, manager, 11);
                ClipWeights b = ClipWeights.random(TINY, manager, 11);
                ClipWeights c = ClipWeights.random(TINY, manager, 12)) {
            for (String name : a.tensors().keySet()) {
                assertArrayEquals(ClipWeightsFormatsTest.bits(a.get(name)), ClipWeightsFormatsTest.bits(b.get(name)),
                        name);
            }
            assertFalse(Arrays.equals(a.get("visual.proj").toFloatArray(), c.get("visual.proj").toFloatArray()));
        }
    }

    private static Float[] box(float[] values) {
        Float[] out = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
