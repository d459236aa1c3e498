package com.adclip.anomaly;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The network's answer for a batch, before post-processing (smoothing, thresholds).
 *
 * @param logits image logits [B, 2] (normal, anomaly)
 * @param probabilities softmax of the logits [B, 2]; the anomaly score is column 1
 * @param similarityMaps per feature layer, [B, S, S, 2]
 * @param rawMap the fused anomaly map [B, S, S], before smoothing
 */
public record Detection(NDArray logits, NDArray probabilities, List<NDArray> similarityMaps, NDArray rawMap) {
    public Detection {
        similarityMaps = List.copyOf(similarityMaps);
    }
}
