package com.adclip.clip;

import java.util.List;

/**
 * What to compute in one pass of the vision tower.
 *
 * @param dpam AnomalyCLIP's {@code DPAM_layer}: the last {@code dpam - 1} blocks run the dual V-V path
 *     (0 or 1 = no DPAM)
 * @param featureBlocks 1-based block numbers whose patch features are returned, ascending
 */
public record VisionRequest(int dpam, List<Integer> featureBlocks) {
    public VisionRequest {
        if (dpam < 0) {
            throw new IllegalArgumentException("dpam must be >= 0, got " + dpam);
        }
        featureBlocks = List.copyOf(featureBlocks);
        int previous = 0;
        for (int block : featureBlocks) {
            if (block <= previous) {
                throw new IllegalArgumentException(
                        "feature blocks must be 1-based and strictly ascending, got " + featureBlocks);
            }
            previous = block;
        }
    }

    /** Plain CLIP: no DPAM, no patch features. */
    public static VisionRequest plain() {
        return new VisionRequest(0, List.of());
    }

    /** Number of trailing blocks that run DPAM. */
    public int dpamBlocks() {
        return Math.max(0, dpam - 1);
    }

    /** Checks the request against a tower of {@code layers} blocks. */
    void checkAgainst(int layers) {
        if (dpamBlocks() > layers) {
            throw new IllegalArgumentException(
                    "dpam " + dpam + " needs " + dpamBlocks() + " blocks but the model has " + layers);
        }
        for (int block : featureBlocks) {
            if (block > layers) {
                throw new IllegalArgumentException(
                        "feature block " + block + " does not exist: the model has " + layers + " blocks");
            }
        }
    }
}
