package com.adclip.anomaly;

import com.adclip.clip.VisionFeatures;

/**
 * Something fused into the prompt detection from the same vision features, such as a bank of good reference
 * patches ({@code com.adclip.reference.ReferenceBank}).
 */
public interface MapFusion {
    /**
     * The detection with this fused in; its raw map is still unsmoothed.
     *
     * @param prompt the prompt-only detection of a batch
     * @param features the vision features it was computed from
     * @param imageSize S
     */
    Detection fuse(Detection prompt, VisionFeatures features, int imageSize);
}
