package com.adclip.train;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * One batch of cached vision features with its ground truth.
 *
 * @param global raw global image features [B, E]
 * @param patches per feature layer, patch tokens [B, 1 + G², E]
 * @param grid G
 * @param labels 0 normal / 1 anomalous, [B]
 * @param masks binary ground-truth masks [M, S, S] for the images that have one (good images count: all zeros)
 * @param maskRows which rows of the batch {@code masks} belong to, [M] int64; empty when no image has a mask
 */
public record TrainingBatch(NDArray global, List<NDArray> patches, int grid, NDArray labels, NDArray masks,
        NDArray maskRows) {
    public TrainingBatch {
        patches = List.copyOf(patches);
    }

    /** True when some image of the batch has a mask, so the map losses apply. */
    public boolean hasMasks() {
        return masks != null && masks.getShape().get(0) > 0;
    }
}
