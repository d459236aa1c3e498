package com.adclip.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;

/** The few tensor functions CLIP needs beyond NDArray's own methods, each one libtorch op (or close). */
public final class Ops {
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
        NDArray scaled = x.mul(Constants.scalar(x, QUICK_GELU_ALPHA));
        NDArray gate = Activation.sigmoid(scaled);
        return x.mul(gate);
    }

    /**
     * {@code F.interpolate(x, (height, width), mode="bilinear", align_corners=False)} over the last two axes of
     * a float32 tensor [..., H, W]. Differentiable, so training can back-propagate through resized maps.
     *
     * <p>Built from gathers and element-wise ops with torch's own source-coordinate arithmetic (float32,
     * {@code (in/out)·(dst+0.5) − 0.5} clamped at 0), not libtorch's interpolate as DJL calls it: that one
     * antialiases when shrinking (and is wrong for some shapes), which the reference never does.
     */
    public static NDArray resizeBilinear(NDArray x, int height, int width) {
        Shape shape = x.getShape();
        int dims = shape.dimension();
        if (dims < 2) {
            throw new IllegalArgumentException("expected [..., H, W], got " + shape);
        }
        if (x.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("expected float32, got " + x.getDataType());
        }
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("target size must be positive, got " + height + " x " + width);
        }
        int inH = Math.toIntExact(shape.get(dims - 2));
        int inW = Math.toIntExact(shape.get(dims - 1));
        if (inH == height && inW == width) {
            return x.duplicate();
        }
        return resizeBilinear(x, height, width, (float) inH / height, (float) inW / width);
    }

    /**
     * {@link #resizeBilinear(NDArray, int, int)} with the source step per output pixel given rather than taken
     * from the sizes: output pixel {@code i} reads source position {@code max(scale·(i + 0.5) − 0.5, 0)}, clamped
     * to the last sample (a stitched tile canvas covers the image with a fractional number of cells).
     */
    public static NDArray resizeBilinear(NDArray x, int height, int width, float scaleY, float scaleX) {
        Shape shape = x.getShape();
        int dims = shape.dimension();
        int inH = Math.toIntExact(shape.get(dims - 2));
        int inW = Math.toIntExact(shape.get(dims - 1));
        NDArray rows = lerp(x.reshape(-1, inH, inW), BilinearAxis.of(inH, height, scaleY), ":, {}, :",
                new Shape(1, height, 1));
        NDArray both = lerp(rows, BilinearAxis.of(inW, width, scaleX), ":, :, {}", new Shape(1, 1, width));
        long[] target = shape.getShape().clone();
        target[dims - 2] = height;
        target[dims - 1] = width;
        return both.reshape(new Shape(target));
    }

    /**
     * {@code w0 · x[i0] + w1 · x[i1]} along the axis that {@code pattern} indexes. Indices and weights are copied
     * into libtorch-owned memory: the graph keeps them for backward (see {@link Constants}).
     */
    private static NDArray lerp(NDArray x, BilinearAxis axis, String pattern, Shape weightShape) {
        NDManager manager = x.getManager();
        NDArray index0 = Constants.owned(manager.create(axis.index0())); // [out]
        NDArray index1 = Constants.owned(manager.create(axis.index1())); // [out]
        NDArray w0 = Constants.owned(manager.create(axis.weight0(), weightShape));
        NDArray w1 = Constants.owned(manager.create(axis.weight1(), weightShape));
        NDArray first = x.get(new NDIndex(pattern, index0));
        NDArray second = x.get(new NDIndex(pattern, index1));
        return first.mul(w0).add(second.mul(w1));
    }

    /** For each output position along one axis: its two source samples and their weights, as torch computes them. */
    record BilinearAxis(long[] index0, long[] index1, float[] weight0, float[] weight1) {
        static BilinearAxis of(int in, int out, float scale) {
            long[] index0 = new long[out];
            long[] index1 = new long[out];
            float[] weight0 = new float[out];
            float[] weight1 = new float[out];
            for (int i = 0; i < out; i++) {
                float src = Math.max(scale * (i + 0.5f) - 0.5f, 0f);
                int i0 = Math.min((int) src, in - 1);
                float lambda = Math.min(Math.max(src - i0, 0f), 1f);
                index0[i] = i0;
                index1[i] = i0 < in - 1 ? i0 + 1 : i0;
                weight0[i] = 1f - lambda;
                weight1[i] = lambda;
            }
            return new BilinearAxis(index0, index1, weight0, weight1);
        }
    }

    /**
     * Rounds to float16 and back, as the reference's {@code .half()} on deep prompts does, keeping the gradient
     * (a cast's backward is the identity). DJL's {@code toType} does not record the cast for autograd, so the
     * rounding is added as a detached offset: {@code x + stopGradient(round(x) − x)}, which equals round(x)
     * exactly (the difference of two floats this close is exact).
     */
    static NDArray roundToHalf(NDArray x) {
        NDArray rounded = x.toType(DataType.FLOAT16, false).toType(DataType.FLOAT32, false);
        NDArray offset = rounded.sub(x).stopGradient();
        return x.add(offset);
    }
}
