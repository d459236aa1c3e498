package com.adclip.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import com.adclip.AdclipException;
import com.adclip.clip.ClipConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shape table and the derivation agree, and the table matches OpenAI's published parameter counts. */
class ArchitectureInferenceTest {

    // architectures of OpenAI's released ViTs (openai/CLIP, model-card.md and build_model on the .pt files)
    static final ClipConfig VIT_B_32 = new ClipConfig(512, new ClipConfig.Vision(768, 12, 32, 224),
            new ClipConfig.Text(512, 12, 77, 49408));
    static final ClipConfig VIT_L_14 = new ClipConfig(768, new ClipConfig.Vision(1024, 24, 14, 224),
            new ClipConfig.Text(768, 12, 77, 49408));
    static final ClipConfig VIT_L_14_336 = new ClipConfig(768, new ClipConfig.Vision(1024, 24, 14, 336),
            new ClipConfig.Text(768, 12, 77, 49408));

    @Test
    void parameterCountsMatchOpenAi() {
        // "Model parameters:" as printed by OpenAI's "Interacting with CLIP" notebook
        assertEquals(151_277_313L, count(VIT_B_32));
        assertEquals(427_616_513L, count(VIT_L_14));
        assertEquals(427_944_193L, count(VIT_L_14_336));
    }

    @Test
    void derivationInvertsTheTable() {
        for (ClipConfig config : new ClipConfig[] {VIT_B_32, VIT_L_14, VIT_L_14_336}) {
            assertEquals(config, ArchitectureInference.fromShapes(OpenAiLayout.expectedShapes(config)));
        }
        assertEquals(577, OpenAiLayout.expectedShapes(VIT_L_14_336).get("visual.positional_embedding").get(0));
    }

    @Test
    void resNetIsRejectedClearly() {
        Map<String, Shape> shapes = new LinkedHashMap<>(OpenAiLayout.expectedShapes(VIT_B_32));
        shapes.put("visual.attnpool.positional_embedding", new Shape(50, 2048));
        AdclipException e = assertThrows(AdclipException.class, () -> ArchitectureInference.fromShapes(shapes));
        assertTrue(e.getMessage().contains("ResNet"), e.getMessage());
    }

    @Test
    void wrongRankIsNamed() {
        Map<String, Shape> shapes = new LinkedHashMap<>(OpenAiLayout.expectedShapes(VIT_B_32));
        shapes.put("visual.conv1.weight", new Shape(768, 3));
        AdclipException e = assertThrows(AdclipException.class, () -> ArchitectureInference.fromShapes(shapes));
        assertTrue(e.getMessage().contains("visual.conv1.weight"), e.getMessage());
    }

    private static long count(ClipConfig config) {
        return OpenAiLayout.expectedShapes(config).values().stream().mapToLong(Shape::size).sum();
    }
}
