package com.adclip.weights;

import ai.djl.ndarray.types.Shape;
import com.adclip.AdclipException;
import com.adclip.clip.ClipConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Derives a {@link ClipConfig} from tensor shapes exactly as the reference's {@code clip.model.build_model}
 * does for ViT checkpoints (OpenAI names): vision width = {@code conv1.weight[0]}, patch =
 * {@code conv1.weight[-1]}, grid = round(sqrt(positions - 1)), resolution = patch * grid, embedding =
 * {@code text_projection[1]}, context = {@code positional_embedding[0]}, vocabulary =
 * {@code token_embedding[0]}, text width = {@code ln_final.weight[0]}, layers = distinct block indices.
 * (For the vision tower the reference counts {@code .attn.in_proj_weight} keys, which is the same number for
 * every complete checkpoint; counting block indices lets an incomplete one be reported as a missing key.)
 * Heads are width / 64 ({@link ClipConfig}).
 */
public final class ArchitectureInference {

    private static final Pattern VISION_LAYER = Pattern.compile("visual\\.transformer\\.resblocks\\.(\\d+)\\..*");
    private static final Pattern TEXT_LAYER = Pattern.compile("transformer\\.resblocks\\.(\\d+)\\..*");

    /** The keys whose shapes define the architecture (besides the per-layer keys that are counted). */
    static final List<String> DEFINING_KEYS = List.of("visual.conv1.weight", "visual.positional_embedding",
            "text_projection", "positional_embedding", "token_embedding.weight", "ln_final.weight");

    private ArchitectureInference() {}

    /**
     * The architecture implied by OpenAI-named tensor shapes.
     *
     * @throws AdclipException when a key the derivation needs is absent or has the wrong rank, or the shapes
     *     describe no valid ViT CLIP
     */
    public static ClipConfig fromShapes(Map<String, Shape> shapes) {
        return fromShapes(shapes, "weights");
    }

    /** As {@link #fromShapes(Map)}, naming {@code source} (the file) in every message. */
    static ClipConfig fromShapes(Map<String, Shape> shapes, String source) {
        if (shapes.keySet().stream().anyMatch(k -> k.startsWith("visual.attnpool.") || k.startsWith("visual.layer1."))) {
            throw new AdclipException(source + ": this is a ResNet CLIP (RN50, RN101, ...), which is not supported;"
                    + " use a ViT checkpoint such as ViT-B/16 or ViT-L/14@336px");
        }
        Shape conv = dims(shapes, source, "visual.conv1.weight", 4);
        Shape visualPos = dims(shapes, source, "visual.positional_embedding", 2);
        Shape textProj = dims(shapes, source, "text_projection", 2);
        Shape textPos = dims(shapes, source, "positional_embedding", 2);
        Shape tokens = dims(shapes, source, "token_embedding.weight", 2);
        Shape lnFinal = dims(shapes, source, "ln_final.weight", 1);

        int visionWidth = toInt(conv.get(0));
        int patch = toInt(conv.get(3));
        int grid = (int) Math.round(Math.sqrt(visualPos.get(0) - 1.0));
        int visionLayers = countLayers(shapes, VISION_LAYER);
        int textLayers = countLayers(shapes, TEXT_LAYER);
        try {
            return new ClipConfig(
                    toInt(textProj.get(1)),
                    new ClipConfig.Vision(visionWidth, visionLayers, patch, patch * grid),
                    new ClipConfig.Text(toInt(lnFinal.get(0)), textLayers, toInt(textPos.get(0)),
                            toInt(tokens.get(0))));
        } catch (IllegalArgumentException e) {
            throw new AdclipException(source + ": the tensor shapes describe no valid CLIP ViT (" + e.getMessage()
                    + "); is this a CLIP checkpoint?", e);
        }
    }

    private static Shape dims(Map<String, Shape> shapes, String source, String key, int rank) {
        Shape shape = shapes.get(key);
        if (shape == null) {
            throw new AdclipException(source + ": missing key '" + key + "', needed to derive the architecture;"
                    + " is this a complete CLIP ViT checkpoint?");
        }
        if (shape.dimension() != rank) {
            throw new AdclipException(source + ": key '" + key + "' has shape " + shape + " but needs " + rank
                    + " dimension(s); the file is not a CLIP ViT checkpoint");
        }
        return shape;
    }

    private static int countLayers(Map<String, Shape> shapes, Pattern pattern) {
        Set<String> layers = new TreeSet<>();
        for (String key : shapes.keySet()) {
            Matcher m = pattern.matcher(key);
            if (m.matches()) {
                layers.add(m.group(1));
            }
        }
        return layers.size();
    }

    private static int toInt(long value) {
        return (int) Math.min(Integer.MAX_VALUE, value);
    }
}
