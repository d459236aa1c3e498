package com.adclip.tile;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Bilinear resampling of a map [H, W] to [outH, outW] with torch's {@code align_corners=False} arithmetic
 * (as {@link com.adclip.clip.Ops#resizeBilinear}), but with the scale given rather than taken from the sizes:
 * output pixel {@code i} reads source position {@code max(scale·(i + 0.5) − 0.5, 0)}, clamped to the last
 * sample. The stitched canvas covers the image with a fractional number of cells, so its scale is
 * {@code S / t}, not {@code cells / pixels}. With {@code scale == (float) H / outH} this is exactly
 * {@code Ops.resizeBilinear}.
 */
final class ScaledResize {
    private ScaledResize() {}

    static NDArray bilinear(NDArray map, int outH, int outW, float scaleY, float scaleX) {
        int inH = Math.toIntExact(map.getShape().get(0));
        int inW = Math.toIntExact(map.getShape().get(1));
        NDArray x = map.reshape(1, inH, inW);
        NDArray rows = lerp(x, inH, outH, scaleY, ":, {}, :", new Shape(1, outH, 1)); // [1, outH, W]
        NDArray both = lerp(rows, inW, outW, scaleX, ":, :, {}", new Shape(1, 1, outW)); // [1, outH, outW]
        return both.reshape(outH, outW);
    }

    private static NDArray lerp(NDArray x, int in, int out, float scale, String pattern, Shape weightShape) {
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
        NDManager manager = x.getManager();
        NDArray first = x.get(new NDIndex(pattern, manager.create(index0)));
        NDArray second = x.get(new NDIndex(pattern, manager.create(index1)));
        NDArray w0 = manager.create(weight0).reshape(weightShape);
        NDArray w1 = manager.create(weight1).reshape(weightShape);
        return first.mul(w0).add(second.mul(w1));
    }
}
