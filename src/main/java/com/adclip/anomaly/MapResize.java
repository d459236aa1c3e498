package com.adclip.anomaly;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Brings maps computed at the model's S×S input back to an image's own size, for display and export.
 *
 * <p>The reference squashes every image to S×S (no aspect-preserving crop), so the map is simply stretched
 * back to W0×H0 with torch's bilinear interpolation ({@code F.interpolate(mode="bilinear",
 * align_corners=False)}): source coordinate {@code (in / out) * (dst + 0.5) - 0.5} in float32, clamped at
 * 0, linear between its floor and the next sample. It is done here with gathers and element-wise libtorch
 * ops rather than {@link com.adclip.clip.Ops#resizeBilinear}, because the bundled libtorch's interpolate
 * filters (antialiases) when it shrinks, and images smaller than S need shrinking.
 */
public final class MapResize {
    private MapResize() {}

    /**
     * Resizes a float32 map {@code [H, W]} (or a batch {@code [B, H, W]}) to {@code [height, width]}
     * ({@code [B, height, width]}). The result belongs to the input's manager; the input is unchanged.
     */
    public static NDArray toImageSize(NDArray map, int width, int height) {
        Shape shape = map.getShape();
        if (shape.dimension() != 2 && shape.dimension() != 3) {
            throw new IllegalArgumentException("expected a map [H, W] or [B, H, W], got " + shape);
        }
        if (map.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("expected a float32 map, got " + map.getDataType());
        }
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("target size must be positive, got " + width + " x " + height);
        }
        int inH = Math.toIntExact(shape.get(shape.dimension() - 2));
        int inW = Math.toIntExact(shape.getLastDimension());
        if (inH == 0 || inW == 0) {
            throw new IllegalArgumentException("cannot resize an empty map " + shape);
        }
        Shape target = shape.dimension() == 2 ? new Shape(height, width) : new Shape(shape.get(0), height, width);
        NDManager owner = map.getManager();
        try (NDManager scope = owner.newSubManager()) {
            NDArray source = map.duplicate();
            source.attach(scope);
            NDArray images = source.reshape(-1, inH, inW);
            NDArray columns = interpolate(images, Axis.of(inW, width), ":, :, {}", new Shape(1, 1, width));
            NDArray result = interpolate(columns, Axis.of(inH, height), ":, {}, :", new Shape(1, height, 1))
                    .reshape(target);
            result.attach(owner);
            return result;
        }
    }

    /** {@code w0 * x[i0] + w1 * x[i1]} along the axis the index pattern selects. */
    private static NDArray interpolate(NDArray x, Axis axis, String pattern, Shape weightShape) {
        NDManager manager = x.getManager();
        NDArray first = x.get(new NDIndex(pattern, manager.create(axis.index0)));
        NDArray second = x.get(new NDIndex(pattern, manager.create(axis.index1)));
        NDArray w0 = manager.create(axis.weight0).reshape(weightShape);
        NDArray w1 = manager.create(axis.weight1).reshape(weightShape);
        return first.mul(w0).add(second.mul(w1));
    }

    /** Per output position along one axis: the two source samples and their weights, as torch computes them. */
    static final class Axis {
        final long[] index0;
        final long[] index1;
        final float[] weight0;
        final float[] weight1;

        private Axis(int size) {
            index0 = new long[size];
            index1 = new long[size];
            weight0 = new float[size];
            weight1 = new float[size];
        }

        static Axis of(int in, int out) {
            Axis axis = new Axis(out);
            float scale = (float) in / out;
            for (int i = 0; i < out; i++) {
                float src = Math.max(scale * (i + 0.5f) - 0.5f, 0f);
                int i0 = Math.min((int) src, in - 1);
                float lambda = Math.min(Math.max(src - i0, 0f), 1f);
                axis.index0[i] = i0;
                axis.index1[i] = i0 < in - 1 ? i0 + 1 : i0;
                axis.weight0[i] = 1f - lambda;
                axis.weight1[i] = lambda;
            }
            return axis;
        }
    }
}
