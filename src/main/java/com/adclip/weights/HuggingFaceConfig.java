package com.adclip.weights;

import com.adclip.clip.ClipConfig;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks a Hugging Face {@code CLIPModel} {@code config.json} against the architecture derived from the
 * tensors. Absent fields take the defaults of transformers' {@code CLIPTextConfig}/{@code CLIPVisionConfig},
 * as transformers itself does (recent versions only write fields that differ from them).
 */
final class HuggingFaceConfig {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Path weights;
    private final JsonNode root;

    private HuggingFaceConfig(Path file, Path weights, JsonNode root) {
        this.file = file;
        this.weights = weights;
        this.root = root;
    }

    /**
     * Fails with one message naming the field, both values and the file at the first disagreement.
     *
     * @param file the config.json
     * @param weights the model.safetensors the config belongs to (named in messages)
     */
    static void check(Path file, Path weights, ClipConfig config) {
        new HuggingFaceConfig(file, weights, parse(file)).check(config);
    }

    private void check(ClipConfig c) {
        String type = root.path("model_type").asText("clip");
        if (!"clip".equals(type)) {
            throw WeightsChecks.error(file, "model_type is '" + type + "', expected 'clip' (a CLIPModel config)");
        }
        same("projection_dim", root.path("projection_dim"), 512, c.embedDim(), "embedding width");
        JsonNode v = root.path("vision_config");
        ClipConfig.Vision vision = c.vision();
        same("vision_config.hidden_size", v.path("hidden_size"), 768, vision.width(), "vision width");
        same("vision_config.intermediate_size", v.path("intermediate_size"), 3072, 4 * vision.width(),
                "vision MLP width");
        same("vision_config.num_hidden_layers", v.path("num_hidden_layers"), 12, vision.layers(), "vision layers");
        same("vision_config.num_attention_heads", v.path("num_attention_heads"), 12, vision.heads(),
                "vision heads (width / 64)");
        same("vision_config.patch_size", v.path("patch_size"), 32, vision.patchSize(), "patch size");
        same("vision_config.image_size", v.path("image_size"), 224, vision.imageResolution(), "image size");
        same("vision_config.num_channels", v.path("num_channels"), 3, 3, "input channels");
        activation("vision_config", v);
        JsonNode t = root.path("text_config");
        ClipConfig.Text text = c.text();
        same("text_config.hidden_size", t.path("hidden_size"), 512, text.width(), "text width");
        same("text_config.intermediate_size", t.path("intermediate_size"), 2048, 4 * text.width(),
                "text MLP width");
        same("text_config.num_hidden_layers", t.path("num_hidden_layers"), 12, text.layers(), "text layers");
        same("text_config.num_attention_heads", t.path("num_attention_heads"), 8, text.heads(),
                "text heads (width / 64)");
        same("text_config.max_position_embeddings", t.path("max_position_embeddings"), 77, text.contextLength(),
                "context length");
        same("text_config.vocab_size", t.path("vocab_size"), 49408, text.vocabSize(), "vocabulary size");
        activation("text_config", t);
    }

    private void same(String field, JsonNode node, long defaultValue, long derived, String what) {
        if (!node.isMissingNode() && !node.isNull() && !node.canConvertToLong()) {
            throw WeightsChecks.error(file, field + " is " + node + ", not an integer");
        }
        long value = node.isMissingNode() || node.isNull() ? defaultValue : node.asLong();
        if (value != derived) {
            String shown = node.isMissingNode() ? "absent (transformers' default " + value + ")" : "" + value;
            throw WeightsChecks.error(file, field + " is " + shown + " but the tensors in " + weights + " have "
                    + what + " " + derived + "; config.json and model.safetensors do not belong together,"
                    + " take both from the same model repository");
        }
    }

    private void activation(String section, JsonNode node) {
        String act = node.path("hidden_act").asText("quick_gelu");
        if (!"quick_gelu".equals(act)) {
            throw WeightsChecks.error(file, section + ".hidden_act is '" + act + "' but OpenAI CLIP (and this"
                    + " program) uses 'quick_gelu'; the weights in " + weights + " are not an OpenAI CLIP");
        }
        double eps = node.path("layer_norm_eps").asDouble(1e-5);
        if (eps != 1e-5) {
            throw WeightsChecks.error(file, section + ".layer_norm_eps is " + eps + " but OpenAI CLIP (and this"
                    + " program) uses 1e-05; the weights in " + weights + " are not an OpenAI CLIP");
        }
    }

    private static JsonNode parse(Path file) {
        if (!Files.isRegularFile(file)) {
            throw WeightsChecks.error(file, "not found; a Hugging Face CLIPModel needs its config.json next to"
                    + " model.safetensors");
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || !root.isObject()) {
                throw WeightsChecks.error(file, "not a JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            long offset = e.getLocation() == null ? 0 : e.getLocation().getByteOffset();
            throw WeightsChecks.error(file, "invalid JSON at byte offset " + offset + " (" + e.getOriginalMessage()
                    + ")", e);
        } catch (IOException e) {
            throw WeightsChecks.error(file, "cannot read the file: " + e.getMessage(), e);
        }
    }
}
