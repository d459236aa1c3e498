package com.adclip.clip;

import ai.djl.ndarray.NDArray;
import java.util.Collection;

/**
 * Named CLIP tensors under OpenAI's checkpoint names ({@code visual.conv1.weight}, {@code
 * transformer.resblocks.0.attn.in_proj_weight}, ...), in float32. The model reads them, never modifies them.
 */
@FunctionalInterface
public interface ClipParameters {
    /** The tensor called {@code name}; implementations fail with a clear message when it is absent. */
    NDArray get(String name);

    /**
     * Frees the named tensors: the model will not read them again (the compiled bf16 vision tower holds its own
     * copy). Only parameters that one model owns free anything ({@code ClipWeights} given to one model); the
     * default, for parameters shared by several models or owned by a caller, keeps them.
     */
    default void release(Collection<String> names) {}
}
