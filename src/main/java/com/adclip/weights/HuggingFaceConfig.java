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
        String v = "vision_config";
        ClipConfig.Vision vision = c.vision();
        same(v, "hidden_size", 768, vision.width(), "vision width");
        same(v, "intermediate_size", 3072, 4 * vision.width(), "vision MLP width");
        same(v, "num_hidden_layers", 12, vision.layers(), "vision layers");
        same(v, "num_attention_heads", 12, vision.heads(), "vision heads (width / 64)");
        same(v, "patch_size", 32, vision.patchSize(), "patch size");
        same(v, "image_size", 224, vision.imageResolution(), "image size");
        same(v, "num_channels", 3, 3, "input channels");
        activation(v);
        String t = "text_config";
        ClipConfig.Text text = c.text();
        same(t, "hidden_size", 512, text.width(), "text width");
        same(t, "intermediate_size", 2048, 4 * text.width(), "text MLP width");
        same(t, "num_hidden_layers", 12, text.layers(), "text layers");
        same(t, "num_attention_heads", 8, text.heads(), "text heads (width / 64)");
        same(t, "max_position_embeddings", 77, text.contextLength(), "context length");
        same(t, "vocab_size", 49408, text.vocabSize(), "vocabulary size");
        activation(t);
    }

    /**
     * A sub-config field: old transformers versions wrote all defaults into {@code text_config} and the real
     * values into {@code text_config_dict}, which takes precedence (as in {@code CLIPConfig.__init__}).
     */
    private String fieldPath(String section, String name) {
        JsonNode override = root.path(section + "_dict").path(name);
        return (override.isMissingNode() || override.isNull() ? section : section + "_dict") + "." + name;
    }

    private JsonNode field(String path) {
        String[] parts = path.split("\\.");
        return root.path(parts[0]).path(parts[1]);
    }

    private void same(String section, String name, long defaultValue, long derived, String what) {
        String path = fieldPath(section, name);
        same(path, field(path), defaultValue, derived, what);
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

    private void activation(String section) {
        String actPath = fieldPath(section, "hidden_act");
        String act = field(actPath).asText("quick_gelu");
        if (!"quick_gelu".equals(act)) {
            throw WeightsChecks.error(file, actPath + " is '" + act + "' but OpenAI CLIP (and this"
                    + " program) uses 'quick_gelu'; the weights in " + weights + " are not an OpenAI CLIP");
        }
        String epsPath = fieldPath(section, "layer_norm_eps");
        double eps = field(epsPath).asDouble(1e-5);
        if (eps != 1e-5) {
            throw WeightsChecks.error(file, epsPath + " is " + eps + " but OpenAI CLIP (and this"
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
