package com.adclip.export;

import com.adclip.anomaly.BundleManifest;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.clip.Precision;
import com.adclip.image.PreprocessConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The JSON next to an exported graph: the input it expects, what it returns, and the thresholds to apply. */
public final class Sidecar {
    private Sidecar() {}

    /**
     * @param model registry name or weights file of the CLIP, for people reading the file
     */
    public static void write(Path file, Path graph, DetectorConfig config, PreprocessConfig preprocess,
            BundleManifest.Thresholds thresholds, Precision precision, String model) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("format", "torchscript");
        root.put("graph", graph.getFileName().toString());
        root.put("load", "torch.jit.load(graph) in PyTorch, torch::jit::load in libtorch");
        root.put("model", model);
        root.put("precision", precision.label());
        ObjectNode input = root.putObject("input");
        input.put("shape", "[B, 3, " + preprocess.size() + ", " + preprocess.size() + "]");
        input.put("dtype", "float32");
        input.put("channels", "RGB");
        input.put("resize", preprocess.resizeMode().name().toLowerCase(java.util.Locale.ROOT));
        int size = preprocess.size();
        input.put("resize_filter", preprocess.resizeMode() == PreprocessConfig.ResizeMode.SQUASH
                ? "Pillow Image.resize((S, S), BICUBIC), no crop: the image is squashed to " + size + "x" + size
                : "longest side scaled to " + size + " (Pillow BICUBIC), then zero-padded to " + size + "x" + size
                        + ", centred");
        input.put("scale", "pixel / 255");
        ArrayNode mean = input.putArray("mean");
        for (float m : preprocess.mean()) {
            mean.add(m);
        }
        ArrayNode std = input.putArray("std");
        for (float s : preprocess.std()) {
            std.add(s);
        }
        input.put("normalise", "(pixel / 255 - mean) / std per channel");
        ObjectNode output = root.putObject("output");
        output.put("score", "[B] float32: anomaly probability of the image (softmax over normal/anomaly prompts)");
        output.put("map", "[B, " + config.imageSize() + ", " + config.imageSize() + "] float32: anomaly map at the "
                + "input size, summed over " + config.featureBlocks().size() + " feature layers (so in [0, "
                + config.featureBlocks().size() + "]), Gaussian-smoothed with sigma " + config.sigma()
                + "; resize it bilinearly to the image's own size");
        ObjectNode t = root.putObject("thresholds");
        t.put("image", thresholds.image());
        t.put("map", thresholds.pixel());
        t.put("verdict", "NG when score >= image threshold; defective pixels: map > map threshold");
        ObjectNode d = root.putObject("detector");
        d.put("image_size", config.imageSize());
        d.put("dpam", config.dpam());
        d.put("features", config.featureBlocks().toString());
        d.put("temperature", config.temperature());
        d.put("sigma", config.sigma());
        json.writeValue(file.toFile(), root);
    }
}
