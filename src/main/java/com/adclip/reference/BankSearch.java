package com.adclip.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * Exact nearest-neighbour search by cosine distance, done by libtorch matmuls over chunks of the bank so that the
 * similarity block never exceeds {@link #BLOCK_ELEMENTS} floats.
 */
final class BankSearch {
    /** The most similarities held at once: 8 M floats = 32 MB. */
    static final long BLOCK_ELEMENTS = 8L << 20;

    private BankSearch() {}

    /**
     * {@code min_m (1 − q · m)} for each query row, clamped at 0 (rounding can make it −1e-7).
     *
     * @param queries [P, E] unit rows
     * @param bank [N, E] unit rows, N ≥ 1
     * @return [P] float32, in the queries' manager
     */
    static NDArray nearestDistances(NDArray queries, NDArray bank) {
        long p = queries.getShape().get(0);
        long n = bank.getShape().get(0);
        if (n == 0) {
            throw new IllegalArgumentException("the bank is empty");
        }
        long chunk = Math.max(1, Math.min(n, BLOCK_ELEMENTS / Math.max(1, p)));
        NDManager owner = queries.getManager();
        try (NDManager scope = owner.newSubManager()) {
            NDArray best = null; // [P], highest cosine so far
            for (long start = 0; start < n; start += chunk) {
                NDArray rows = bank.get(new NDIndex("{}:{}", start, Math.min(n, start + chunk))); // [C, E]
                rows.attach(scope);
                NDArray similarity = queries.matMul(rows.transpose()); // [P, C]
                similarity.attach(scope);
                NDArray highest = similarity.max(new int[] {1}); // [P]
                highest.attach(scope);
                best = best == null ? highest : best.maximum(highest);
                best.attach(scope);
            }
            NDArray distance = best.neg().add(1f).maximum(0f); // [P]
            distance.attach(owner);
            return distance;
        }
    }

    /**
     * For an image without other references: each patch's distance to the patches of the same image outside its
     * 3×3 neighbourhood (outside itself only, for grids of 3 or less).
     *
     * @param patches [G², E] unit rows of one image
     * @param grid G
     * @return [G²] float32
     */
    static NDArray nearestOutsideNeighbourhood(NDArray patches, int grid) {
        int count = grid * grid;
        int reach = grid > 3 ? 1 : 0;
        float[] penalty = new float[count * count];
        for (int a = 0; a < count; a++) {
            for (int b = 0; b < count; b++) {
                boolean near = Math.abs(a / grid - b / grid) <= reach && Math.abs(a % grid - b % grid) <= reach;
                penalty[a * count + b] = near ? -4f : 0f;
            }
        }
        NDManager owner = patches.getManager();
        try (NDManager scope = owner.newSubManager()) {
            NDArray mask = scope.create(penalty, new ai.djl.ndarray.types.Shape(count, count)); // [G², G²]
            NDArray similarity = patches.matMul(patches.transpose()).add(mask); // [G², G²]
            similarity.attach(scope);
            NDArray distance = similarity.max(new int[] {1}).neg().add(1f).maximum(0f); // [G²]
            distance.attach(owner);
            return distance;
        }
    }
}
