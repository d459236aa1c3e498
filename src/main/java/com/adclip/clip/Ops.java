package com.adclip.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/** The few tensor functions CLIP needs beyond NDArray's own methods, each one libtorch op (or close). */
public final class Ops {
    /** libtorch's interpolation mode code for bilinear (DJL's JNI numbering). */
    private static final int BILINEAR = 2;
    private static final float LAYER_NORM_EPS = 1e-5f;
    /** QuickGELU's constant in OpenAI CLIP: x * sigmoid(1.702 x). */
    private static final float QUICK_GELU_ALPHA = 1.702f;

    private Ops() {}

    /** {@code torch.nn.functional.layer_norm} over the last dimension, eps 1e-5. */
    static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias) {
        Shape last = new Shape(x.getShape().get(x.getShape().dimension() - 1));
        return LayerNorm.layerNorm(x, last, weight, bias, LAYER_NORM_EPS).singletonOrThrow();
    }

    /** {@code x @ weight.T + bias}, weight [out, in]. */
    static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return Linear.linear(x, weight, bias).singletonOrThrow();
    }

    /** OpenAI CLIP's activation: {@code x * sigmoid(1.702 x)}. */
    static NDArray quickGelu(NDArray x) {
        NDArray gate = Activation.sigmoid(x.mul(QUICK_GELU_ALPHA));
        return x.mul(gate);
    }

    /**
     * {@code F.interpolate(x, (height, width), mode="bilinear", align_corners=False)} on an NCHW tensor.
     * Differentiable, so training can back-propagate through resized maps.
     */
    public static NDArray resizeBilinear(NDArray nchw, int height, int width) {
        if (nchw.getShape().dimension() != 4) {
            throw new IllegalArgumentException("expected NCHW, got " + nchw.getShape());
        }
        if (nchw.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("expected float32, got " + nchw.getDataType());
        }
        return JniUtils.interpolate((PtNDArray) nchw, new long[] {height, width}, BILINEAR, false);
    }

    /** Rounds to float16 and back, as the reference's {@code .half()} on deep prompts does. */
    static NDArray roundToHalf(NDArray x) {
        return x.toType(DataType.FLOAT16, false).toType(DataType.FLOAT32, false);
    }
}
