package com.adclip.clip;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The vision tower's answer for a batch.
 *
 * @param global the global image feature [B, E]: the class token of the original path {@code @ visual.proj},
 *     without {@code ln_post} (as the reference computes it)
 * @param patches one entry per requested feature block, in request order
 * @param grid patches per side G (tokens per image = 1 + G²)
 */
public record VisionFeatures(NDArray global, List<PatchFeatures> patches, int grid) {
    public VisionFeatures {
        patches = List.copyOf(patches);
    }

    /**
     * Patch features of one block.
     *
     * @param block 1-based block number
     * @param tokens [B, 1 + G², E]: the block's output (the V-V path for a DPAM block), {@code ln_post},
     *     {@code @ visual.proj}; token 0 is the class token
     */
    public record PatchFeatures(int block, NDArray tokens) {}
}
