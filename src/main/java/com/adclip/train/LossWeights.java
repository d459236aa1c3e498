package com.adclip.train;

/**
 * @param image weight of the image-level cross-entropy ({@code --w-image})
 * @param map weight of the summed per-layer focal + dice losses ({@code --w-map})
 */
public record LossWeights(float image, float map) {
    public LossWeights {
        if (!(image >= 0) || !(map >= 0) || image + map == 0) {
            throw new IllegalArgumentException("loss weights must be >= 0 and not both 0, got " + image + ", " + map);
        }
    }
}
