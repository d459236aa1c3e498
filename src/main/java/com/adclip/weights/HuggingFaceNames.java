package com.adclip.weights;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The correspondence between Hugging Face {@code CLIPModel} tensor names and OpenAI names. Most tensors map
 * one to one; attention q/k/v projections are concatenated (q, k, v order) into {@code in_proj}, and the two
 * projections are stored transposed.
 */
final class HuggingFaceNames {

    /** How an HF tensor contributes to its OpenAI tensor. */
    enum Part {
        WHOLE, TRANSPOSED, Q, K, V
    }

    /** One HF tensor and where it goes. */
    record Source(String hfName, String openAiName, Part part) {}

    private static final String[][] TOP = {
        {"vision_model.embeddings.class_embedding", "visual.class_embedding"},
        {"vision_model.embeddings.patch_embedding.weight", "visual.conv1.weight"},
        {"vision_model.embeddings.position_embedding.weight", "visual.positional_embedding"},
        {"vision_model.pre_layrnorm.weight", "visual.ln_pre.weight"},
        {"vision_model.pre_layrnorm.bias", "visual.ln_pre.bias"},
        {"vision_model.post_layernorm.weight", "visual.ln_post.weight"},
        {"vision_model.post_layernorm.bias", "visual.ln_post.bias"},
        {"text_model.embeddings.token_embedding.weight", "token_embedding.weight"},
        {"text_model.embeddings.position_embedding.weight", "positional_embedding"},
        {"text_model.final_layer_norm.weight", "ln_final.weight"},
        {"text_model.final_layer_norm.bias", "ln_final.bias"},
        {"logit_scale", "logit_scale"},
    };
    private static final String[][] TRANSPOSED = {
        {"visual_projection.weight", "visual.proj"},
        {"text_projection.weight", "text_projection"},
    };
    private static final String[][] BLOCK = {
        {"self_attn.out_proj.weight", "attn.out_proj.weight"},
        {"self_attn.out_proj.bias", "attn.out_proj.bias"},
        {"layer_norm1.weight", "ln_1.weight"},
        {"layer_norm1.bias", "ln_1.bias"},
        {"layer_norm2.weight", "ln_2.weight"},
        {"layer_norm2.bias", "ln_2.bias"},
        {"mlp.fc1.weight", "mlp.c_fc.weight"},
        {"mlp.fc1.bias", "mlp.c_fc.bias"},
        {"mlp.fc2.weight", "mlp.c_proj.weight"},
        {"mlp.fc2.bias", "mlp.c_proj.bias"},
    };
    private static final Map<String, String> TOWERS = Map.of(
            "vision_model.encoder.layers.", OpenAiLayout.VISION_BLOCK,
            "text_model.encoder.layers.", OpenAiLayout.TEXT_BLOCK);
    private static final Pattern HF_BLOCK =
            Pattern.compile("((?:vision|text)_model\\.encoder\\.layers\\.)(\\d+)\\.(.+)");
    private static final Pattern OPENAI_BLOCK =
            Pattern.compile("((?:visual\\.)?transformer\\.resblocks\\.)(\\d+)\\.(.+)");

    private HuggingFaceNames() {}

    /** HF buffers that carry no weights. */
    static boolean ignorable(String hfName) {
        return hfName.endsWith("embeddings.position_ids");
    }

    /** Where an HF tensor goes, or empty when it is not part of a CLIP ViT. */
    static Optional<Source> toOpenAi(String hf) {
        for (String[] pair : TOP) {
            if (pair[0].equals(hf)) {
                return Optional.of(new Source(hf, pair[1], Part.WHOLE));
            }
        }
        for (String[] pair : TRANSPOSED) {
            if (pair[0].equals(hf)) {
                return Optional.of(new Source(hf, pair[1], Part.TRANSPOSED));
            }
        }
        Matcher m = HF_BLOCK.matcher(hf);
        if (!m.matches()) {
            return Optional.empty();
        }
        String prefix = TOWERS.get(m.group(1)) + m.group(2) + ".";
        String rest = m.group(3);
        for (String[] pair : BLOCK) {
            if (pair[0].equals(rest)) {
                return Optional.of(new Source(hf, prefix + pair[1], Part.WHOLE));
            }
        }
        Matcher qkv = Pattern.compile("self_attn\\.([qkv])_proj\\.(weight|bias)").matcher(rest);
        if (qkv.matches()) {
            Part part = Part.valueOf(qkv.group(1).toUpperCase(java.util.Locale.ROOT));
            return Optional.of(new Source(hf, prefix + "attn.in_proj_" + qkv.group(2), part));
        }
        return Optional.empty();
    }

    /** The HF tensor(s) an OpenAI tensor is made of (three for {@code in_proj}, in q, k, v order). */
    static List<Source> fromOpenAi(String openAi) {
        for (String[] pair : TOP) {
            if (pair[1].equals(openAi)) {
                return List.of(new Source(pair[0], openAi, Part.WHOLE));
            }
        }
        for (String[] pair : TRANSPOSED) {
            if (pair[1].equals(openAi)) {
                return List.of(new Source(pair[0], openAi, Part.TRANSPOSED));
            }
        }
        Matcher m = OPENAI_BLOCK.matcher(openAi);
        if (!m.matches()) {
            throw new IllegalArgumentException("not an OpenAI CLIP ViT tensor name: " + openAi);
        }
        String tower = m.group(1).startsWith("visual.") ? "vision_model.encoder.layers." : "text_model.encoder.layers.";
        String prefix = tower + m.group(2) + ".";
        String rest = m.group(3);
        for (String[] pair : BLOCK) {
            if (pair[1].equals(rest)) {
                return List.of(new Source(prefix + pair[0], openAi, Part.WHOLE));
            }
        }
        Matcher inProj = Pattern.compile("attn\\.in_proj_(weight|bias)").matcher(rest);
        if (!inProj.matches()) {
            throw new IllegalArgumentException("not an OpenAI CLIP ViT tensor name: " + openAi);
        }
        String kind = inProj.group(1);
        return List.of(
                new Source(prefix + "self_attn.q_proj." + kind, openAi, Part.Q),
                new Source(prefix + "self_attn.k_proj." + kind, openAi, Part.K),
                new Source(prefix + "self_attn.v_proj." + kind, openAi, Part.V));
    }
}
