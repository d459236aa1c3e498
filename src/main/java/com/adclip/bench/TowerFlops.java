package com.adclip.bench;

import com.adclip.clip.ClipConfig;
import com.adclip.clip.VisionRequest;

/**
 * The nominal floating-point operations of one image through the vision tower, as the reference computes it
 * (every token through every block; a multiply-add counts 2), for {@code bench}'s effective GFLOP/s.
 *
 * <p>With T tokens (1 + grid²), width W, embedding E, patch p: patch embedding 2·grid²·W·3p²; per block the
 * linears 2·T·W·(3W + W + 4W + 4W) = 24·T·W² and one attention path 4·T²·W (q·kᵀ and the weighted sum of v);
 * each DPAM block adds its V-V path, 4·T²·W, and that path's output projection, 2·T·W²; each returned block's
 * patch features 2·T·W·E and the global feature 2·W·E. Layer norms, softmax, activations and additions are not
 * counted (they are a few per cent of the time, not of the arithmetic).
 */
final class TowerFlops {
    private TowerFlops() {}

    /** Floating-point operations of one image at {@code imageSize} pixels. */
    static double perImage(ClipConfig config, int imageSize, VisionRequest request) {
        ClipConfig.Vision v = config.vision();
        double grid = imageSize / v.patchSize();
        double tokens = grid * grid + 1;
        double w = v.width();
        double embed = 2 * grid * grid * w * 3 * v.patchSize() * v.patchSize();
        double linears = 24 * tokens * w * w;
        double attention = 4 * tokens * tokens * w;
        double blocks = v.layers() * (linears + attention);
        double dpam = request.dpamBlocks() * (attention + 2 * tokens * w * w);
        double features = request.featureBlocks().size() * 2 * tokens * w * config.embedDim();
        double global = 2 * w * config.embedDim();
        return embed + blocks + dpam + features + global;
    }
}
