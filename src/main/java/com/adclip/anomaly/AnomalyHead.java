package com.adclip.anomaly;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import com.adclip.clip.Constants;
import com.adclip.clip.Ops;
import com.adclip.clip.VisionFeatures;
import java.util.ArrayList;
import java.util.List;

/**
 * AnomalyCLIP's scoring of image and patch features against the two text features: image logits, per-layer
 * similarity maps and their fusion into the raw anomaly map. Pure tensor functions, differentiable, shared
 * by inference and training. Smoothing and thresholds live elsewhere (post-processing).
 */
public final class AnomalyHead {
    private AnomalyHead() {}

    /** Rows divided by their L2 norm along the last axis. */
    public static NDArray normalize(NDArray x) {
        return x.div(x.norm(new int[] {-1}, true));
    }

    /**
     * Image logits [B, 2] = normalised global feature · normalised text featuresᵀ / temperature.
     *
     * @param global [B, E] raw global image features
     * @param text [2, E] normalised text features (normal, anomaly)
     */
    public static NDArray imageLogits(NDArray global, NDArray text, float temperature) {
        NDArray cosine = normalize(global).matMul(text.transpose()); // [B, 2]
        return cosine.div(Constants.scalar(cosine, temperature));
    }

    /**
     * One layer's similarity map: softmax over the two classes of normalised patch tokens · textᵀ / temperature,
     * class token dropped, reshaped G×G and bilinearly resized to size×size → [B, S, S, 2].
     */
    public static NDArray similarityMap(NDArray tokens, NDArray text, int grid, int size, float temperature) {
        NDArray patches = normalize(tokens.get(new NDIndex(":, 1:, :"))); // [B, G², E]
        NDArray cosine = patches.matMul(text.transpose()); // [B, G², 2]
        NDArray probs = cosine.div(Constants.scalar(cosine, temperature)).softmax(-1); // [B, G², 2]
        long batch = probs.getShape().get(0);
        NDArray square = probs.reshape(batch, grid, grid, 2).transpose(0, 3, 1, 2); // [B, 2, G, G]
        NDArray resized = Ops.resizeBilinear(square, size, size); // [B, 2, S, S]
        return resized.transpose(0, 2, 3, 1); // [B, S, S, 2]
    }

    /** The similarity maps of every feature layer, in the order of {@code features.patches()}. */
    public static List<NDArray> similarityMaps(VisionFeatures features, NDArray text, int size, float temperature) {
        List<NDArray> maps = new ArrayList<>();
        for (VisionFeatures.PatchFeatures patch : features.patches()) {
            maps.add(similarityMap(patch.tokens(), text, features.grid(), size, temperature));
        }
        return maps;
    }

    /** Σ over layers of {@code (m[..., 1] + 1 - m[..., 0]) / 2} → [B, S, S]. */
    public static NDArray fuse(List<NDArray> similarityMaps) {
        NDList perLayer = new NDList();
        for (NDArray map : similarityMaps) {
            NDArray anomaly = map.get(new NDIndex("..., 1"));
            NDArray normal = map.get(new NDIndex("..., 0"));
            NDArray sum = anomaly.add(Constants.scalar(anomaly, 1f)).sub(normal);
            perLayer.add(sum.div(Constants.scalar(sum, 2f)));
        }
        return NDArrays.stack(perLayer).sum(new int[] {0});
    }
}
