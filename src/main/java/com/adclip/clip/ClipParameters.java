package com.adclip.clip;

import ai.djl.ndarray.NDArray;

/**
 * Named CLIP tensors under OpenAI's checkpoint names ({@code visual.conv1.weight}, {@code
 * transformer.resblocks.0.attn.in_proj_weight}, ...), in float32. The model reads them, never modifies them.
 */
@FunctionalInterface
public interface ClipParameters {
    /** The tensor called {@code name}; implementations fail with a clear message when it is absent. */
    NDArray get(String name);
}
