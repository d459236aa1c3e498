package com.adclip.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import java.util.function.LongConsumer;

/**
 * PatchCore's greedy k-center coreset: start from a seeded random row, then repeatedly keep the row farthest from
 * everything kept so far. As in PatchCore, the selection runs on a seeded Gaussian random projection to
 * {@link #PROJECTION} dimensions when the features are wider (a Johnson–Lindenstrauss sketch; it only decides which
 * rows to keep). The reported covering radius is then measured exactly, in the bank's own cosine distance, over
 * every row.
 */
public final class Coreset {
    /** Dimensions the selection runs in for wider features (PatchCore's default). */
    static final int PROJECTION = 128;

    private Coreset() {}

    /**
     * The rows kept and the covering radius.
     *
     * @param indices kept rows of the input, in selection order
     * @param radius {@code max_i min_{j kept} (1 − cos(x_i, x_j))}: every input row is within it of a kept row
     */
    public record Result(long[] indices, double radius) {}

    /**
     * Selects at most {@code size} rows of {@code points}.
     *
     * @param points [N, E] unit rows (float32)
     * @param size rows to keep; {@code size ≥ N} (or 0) keeps all, radius 0
     * @param seed for the first row and the projection
     * @param progress told the number of rows selected so far, every 256 rows
     */
    public static Result select(NDArray points, int size, long seed, LongConsumer progress) {
        long n = points.getShape().get(0);
        if (size <= 0 || size >= n) {
            long[] all = new long[Math.toIntExact(n)];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return new Result(all, 0);
        }
        Random random = new Random(seed);
        long[] kept = new long[size];
        try (NDManager scope = points.getManager().newSubManager()) {
            NDArray space = sketch(points, random, scope); // [N, D]
            NDArray squares = space.square().sum(new int[] {1}); // [N]
            NDArray nearest = scope.full(new Shape(n), Float.POSITIVE_INFINITY); // [N]
            long next = (long) random.nextInt(Math.toIntExact(n));
            for (int k = 0; k < size; k++) {
                kept[k] = next;
                try (NDManager step = scope.newSubManager()) {
                    NDArray row = space.get(next); // [D]
                    row.attach(step);
                    NDArray dots = space.matMul(row); // [N]
                    dots.attach(step);
                    NDArray distance = squares.sub(dots.mul(2f)).add(squares.getFloat(next)); // [N], squared
                    distance.attach(step);
                    NDArray updated = nearest.minimum(distance);
                    updated.attach(scope);
                    nearest.close();
                    nearest = updated;
                    next = nearest.argMax().getLong();
                }
                if ((k + 1) % 256 == 0) {
                    progress.accept(k + 1);
                }
            }
        }
        return new Result(kept, radius(points, kept));
    }

    /** The exact covering radius of {@code kept} over {@code points}, in cosine distance. */
    static double radius(NDArray points, long[] kept) {
        try (NDManager scope = points.getManager().newSubManager()) {
            NDArray centres = points.get(scope.create(kept)); // [K, E]
            centres.attach(scope);
            NDArray distance = BankSearch.nearestDistances(points, centres); // [N]
            distance.attach(scope);
            return distance.max().getFloat();
        }
    }

    /** The rows as they are, or projected to {@link #PROJECTION} dimensions by a seeded Gaussian matrix. */
    private static NDArray sketch(NDArray points, Random random, NDManager scope) {
        long width = points.getShape().get(1);
        NDArray base = points.toType(DataType.FLOAT32, true);
        base.attach(scope);
        if (width <= PROJECTION) {
            return base;
        }
        float[] gaussian = new float[Math.toIntExact(width * PROJECTION)];
        float scale = (float) (1 / Math.sqrt(PROJECTION));
        for (int i = 0; i < gaussian.length; i++) {
            gaussian[i] = (float) random.nextGaussian() * scale;
        }
        NDArray projection = scope.create(gaussian, new Shape(width, PROJECTION)); // [E, D]
        NDArray projected = base.matMul(projection); // [N, D]
        projected.attach(scope);
        return projected;
    }
}
