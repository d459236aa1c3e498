package com.adclip.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Minimal loading of the tiny CLIP for model tests, independent of the weights package under test. */
public final class TestWeights {
    private TestWeights() {}

    public static Map<String, NDArray> openAiSafetensors(NDManager manager, Path goldenDir) throws IOException {
        Map<String, NDArray> weights = new HashMap<>();
        try (InputStream in = Files.newInputStream(goldenDir.resolve("tiny-clip-openai.safetensors"))) {
            for (NDArray array : NDList.decode(manager, in)) {
                weights.put(array.getName(), array.toType(DataType.FLOAT32, false));
            }
        }
        return weights;
    }

    /** golden-v1's {@code expected.json} → {@code config}. */
    public static JsonNode goldenConfig(Path goldenDir) throws IOException {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(goldenDir.resolve("expected.json").toFile())
                .get("config");
    }

    /** The tiny golden CLIP, its weights and derived tensors in {@code manager}. */
    public static ClipModel tinyClip(NDManager manager, Path goldenDir) throws IOException {
        Map<String, NDArray> weights = openAiSafetensors(manager, goldenDir);
        return ClipModel.create(tinyConfig(goldenConfig(goldenDir)), weights::get, manager);
    }

    /** The architecture from the fixture's own description (not from our inference code). */
    public static ClipConfig tinyConfig(JsonNode c) {
        return new ClipConfig(
                c.get("embed_dim").asInt(),
                new ClipConfig.Vision(c.get("vision_width").asInt(), c.get("vision_layers").asInt(),
                        c.get("patch").asInt(), c.get("input_res").asInt()),
                new ClipConfig.Text(c.get("text_width").asInt(), c.get("text_layers").asInt(), 77, 49408));
    }
}
