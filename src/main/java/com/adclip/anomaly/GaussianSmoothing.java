package com.adclip.anomaly;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv1d;

/**
 * {@code scipy.ndimage.gaussian_filter(map, sigma)} with scipy's defaults ({@code mode='reflect'},
 * {@code truncate=4.0}), applied to each image of a {@code [B, H, W]} (or one {@code [H, W]}) float32 map,
 * as the reference smooths its anomaly maps.
 *
 * <p>Like scipy, it filters along the rows axis then the columns axis, accumulating in float64 and storing
 * each pass in float32. Borders are half-sample symmetric ({@code d c b a | a b c d | d c b a}), repeating
 * when the kernel radius exceeds the map. The work is done by libtorch (gather + conv1d per axis).
 *
 * @param sigma the standard deviation in pixels, &gt; 0
 * @param truncate the kernel radius in standard deviations ({@code radius = (int) (truncate * sigma + 0.5)})
 */
public record GaussianSmoothing(double sigma, double truncate) {
    /** scipy's default truncation. */
    public static final double DEFAULT_TRUNCATE = 4.0;

    /** Validates the parameters. */
    public GaussianSmoothing {
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("Gaussian sigma must be a finite number > 0, got " + sigma);
        }
        if (!(truncate > 0) || Double.isInfinite(truncate)) {
            throw new IllegalArgumentException("Gaussian truncate must be a finite number > 0, got " + truncate);
        }
    }

    /** A filter with scipy's default truncation (4.0). */
    public GaussianSmoothing(double sigma) {
        this(sigma, DEFAULT_TRUNCATE);
    }

    /** The kernel radius, as scipy computes it. */
    public int radius() {
        return (int) (truncate * sigma + 0.5);
    }

    /** The normalised 1-D kernel of length {@code 2 * radius() + 1}. */
    double[] kernel() {
        int radius = radius();
        double[] weights = new double[2 * radius + 1];
        double scale = -0.5 / (sigma * sigma);
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            weights[i + radius] = Math.exp(scale * (i * i));
            sum += weights[i + radius];
        }
        for (int i = 0; i < weights.length; i++) {
            weights[i] /= sum;
        }
        return weights;
    }

    /**
     * For a line of {@code length} samples, the source index of each of the {@code length + 2 * radius}
     * positions of the extended line under scipy's 'reflect' mode (period {@code 2 * length}).
     */
    static long[] reflectedIndex(int length, int radius) {
        long[] index = new long[length + 2 * radius];
        int period = 2 * length;
        for (int i = 0; i < index.length; i++) {
            int k = Math.floorMod(i - radius, period);
            index[i] = k < length ? k : period - 1 - k;
        }
        return index;
    }

    /**
     * The filter along one axis of {@code size} samples as a {@code size × size} matrix (row-major), borders
     * folded in: {@code G · x} is one scipy {@code correlate1d} pass over a line x. The whole 2-D filter of a map
     * M is then {@code G · M · Gᵀ}, which is how an exported graph applies it.
     */
    public double[] matrix(int size) {
        double[] kernel = kernel();
        long[] index = reflectedIndex(size, radius());
        double[] g = new double[size * size];
        for (int i = 0; i < size; i++) {
            for (int t = 0; t < kernel.length; t++) {
                g[i * size + (int) index[i + t]] += kernel[t];
            }
        }
        return g;
    }

    /**
     * Smooths each image of {@code map} ({@code [B, H, W]} or {@code [H, W]}, float32). The result has the
     * same shape and type and belongs to the input's manager; the input is left unchanged.
     */
    public NDArray apply(NDArray map) {
        Shape shape = map.getShape();
        if (shape.dimension() != 2 && shape.dimension() != 3) {
            throw new IllegalArgumentException("expected a map [H, W] or [B, H, W], got " + shape);
        }
        if (map.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("expected a float32 map, got " + map.getDataType());
        }
        if (shape.size() == 0) {
            return map.duplicate();
        }
        NDManager owner = map.getManager();
        try (NDManager scope = owner.newSubManager()) {
            NDArray images = map.duplicate();
            images.attach(scope);
            images = images.reshape(-1, shape.get(shape.dimension() - 2), shape.getLastDimension()); // [B, H, W]
            NDArray kernel = scope.create(kernel()).reshape(1, 1, -1);
            NDArray rows = filterLastAxis(images.transpose(0, 2, 1), kernel).transpose(0, 2, 1); // along H
            NDArray result = filterLastAxis(rows, kernel).reshape(shape); // along W
            result.attach(owner);
            return result;
        }
    }

    /** One scipy {@code correlate1d} pass along the last axis of [B, M, L]: float64 sums, float32 stored. */
    private NDArray filterLastAxis(NDArray x, NDArray kernel) {
        Shape shape = x.getShape();
        int length = Math.toIntExact(shape.getLastDimension());
        NDArray index = x.getManager().create(reflectedIndex(length, radius()));
        NDArray lines = x.reshape(-1, length).toType(DataType.FLOAT64, false);
        NDArray extended = lines.get(new NDIndex(":, {}", index)); // [B*M, L + 2r]
        NDArray filtered = Conv1d.conv1d(extended.expandDims(1), kernel).singletonOrThrow(); // [B*M, 1, L]
        return filtered.toType(DataType.FLOAT32, false).reshape(shape);
    }
}
