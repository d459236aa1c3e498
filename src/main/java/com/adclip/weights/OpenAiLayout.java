package com.adclip.weights;

import ai.djl.ndarray.types.Shape;
import com.adclip.clip.ClipConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Every tensor of an OpenAI CLIP ViT checkpoint, by OpenAI name, with the shape a {@link ClipConfig} implies.
 * Used to validate loaded weights and to build random ones.
 */
public final class OpenAiLayout {

    /** Entries that OpenAI / open_clip checkpoints carry besides the parameters; ignored when loading. */
    static final Set<String> KNOWN_EXTRAS = Set.of("input_resolution", "context_length", "vocab_size");

    static final String VISION_BLOCK = "visual.transformer.resblocks.";
    static final String TEXT_BLOCK = "transformer.resblocks.";

    private OpenAiLayout() {}

    /** The name and shape of every parameter of a CLIP ViT with this architecture, in checkpoint order. */
    public static Map<String, Shape> expectedShapes(ClipConfig config) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        ClipConfig.Vision v = config.vision();
        ClipConfig.Text t = config.text();
        int grid = v.grid();
        shapes.put("visual.class_embedding", new Shape(v.width()));
        shapes.put("visual.positional_embedding", new Shape((long) grid * grid + 1, v.width()));
        shapes.put("visual.conv1.weight", new Shape(v.width(), 3, v.patchSize(), v.patchSize()));
        layerNorm(shapes, "visual.ln_pre", v.width());
        for (int i = 0; i < v.layers(); i++) {
            block(shapes, VISION_BLOCK + i + ".", v.width());
        }
        layerNorm(shapes, "visual.ln_post", v.width());
        shapes.put("visual.proj", new Shape(v.width(), config.embedDim()));
        shapes.put("positional_embedding", new Shape(t.contextLength(), t.width()));
        shapes.put("token_embedding.weight", new Shape(t.vocabSize(), t.width()));
        for (int i = 0; i < t.layers(); i++) {
            block(shapes, TEXT_BLOCK + i + ".", t.width());
        }
        layerNorm(shapes, "ln_final", t.width());
        shapes.put("text_projection", new Shape(t.width(), config.embedDim()));
        shapes.put("logit_scale", new Shape());
        return Collections.unmodifiableMap(shapes);
    }

    /** True for layer-norm scales (initialised to one). */
    static boolean isLayerNormWeight(String name) {
        return name.endsWith(".weight") && (name.contains("ln_") || name.startsWith("ln_final"));
    }

    private static void block(Map<String, Shape> shapes, String prefix, int width) {
        shapes.put(prefix + "attn.in_proj_weight", new Shape(3L * width, width));
        shapes.put(prefix + "attn.in_proj_bias", new Shape(3L * width));
        shapes.put(prefix + "attn.out_proj.weight", new Shape(width, width));
        shapes.put(prefix + "attn.out_proj.bias", new Shape(width));
        layerNorm(shapes, prefix + "ln_1", width);
        shapes.put(prefix + "mlp.c_fc.weight", new Shape(4L * width, width));
        shapes.put(prefix + "mlp.c_fc.bias", new Shape(4L * width));
        shapes.put(prefix + "mlp.c_proj.weight", new Shape(width, 4L * width));
        shapes.put(prefix + "mlp.c_proj.bias", new Shape(width));
        layerNorm(shapes, prefix + "ln_2", width);
    }

    private static void layerNorm(Map<String, Shape> shapes, String prefix, int width) {
        shapes.put(prefix + ".weight", new Shape(width));
        shapes.put(prefix + ".bias", new Shape(width));
    }
}
