package com.adclip.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The greedy k-center coreset against brute-force double arithmetic. */
class CoresetTest {
    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void free() {
        manager.close();
    }

    /** n random unit rows of width e, as doubles; clustered so that a coreset has something to do. */
    private static double[][] points(int n, int e, long seed) {
        Random random = new Random(seed);
        double[][] centres = new double[8][e];
        for (double[] c : centres) {
            for (int j = 0; j < e; j++) {
                c[j] = random.nextGaussian();
            }
        }
        double[][] rows = new double[n][e];
        for (int i = 0; i < n; i++) {
            double[] c = centres[random.nextInt(centres.length)];
            double norm = 0;
            for (int j = 0; j < e; j++) {
                rows[i][j] = c[j] + 0.3 * random.nextGaussian();
                norm += rows[i][j] * rows[i][j];
            }
            for (int j = 0; j < e; j++) {
                rows[i][j] /= Math.sqrt(norm);
            }
        }
        return rows;
    }

    private NDArray tensor(double[][] rows) {
        float[] flat = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < rows[0].length; j++) {
                flat[i * rows[0].length + j] = (float) rows[i][j];
            }
        }
        return manager.create(flat, new Shape(rows.length, rows[0].length));
    }

    private static double distance(double[] a, double[] b) {
        double dot = 0;
        for (int j = 0; j < a.length; j++) {
            dot += a[j] * b[j];
        }
        return 1 - dot;
    }

    /** max_i min_{k kept} distance, brute force. */
    private static double coveringRadius(double[][] rows, long[] kept, int count) {
        double radius = 0;
        for (double[] row : rows) {
            double best = Double.POSITIVE_INFINITY;
            for (int k = 0; k < count; k++) {
                best = Math.min(best, distance(row, rows[(int) kept[k]]));
            }
            radius = Math.max(radius, best);
        }
        return radius;
    }

    @Test
    void everyRowIsWithinTheReportedRadiusOfAKeptRow() {
        for (int width : new int[] {32, 200}) { // 200 > 128: the selection runs on the random projection
            double[][] rows = points(600, width, width);
            Coreset.Result result = Coreset.select(tensor(rows), 60, 7, k -> {});
            assertEquals(60, result.indices().length);
            Set<Long> distinct = new HashSet<>();
            for (long index : result.indices()) {
                assertTrue(index >= 0 && index < rows.length);
                distinct.add(index);
            }
            assertEquals(60, distinct.size(), "kept rows are distinct");
            double expected = coveringRadius(rows, result.indices(), 60);
            assertEquals(expected, result.radius(), 1e-5, "width " + width);
            assertTrue(result.radius() > 0);
        }
    }

    @Test
    void eachKeptRowIsTheFarthestFromThoseKeptBefore() {
        // without projection (width ≤ 128) the selection is exact greedy k-center in cosine distance
        double[][] rows = points(400, 24, 3);
        long[] kept = Coreset.select(tensor(rows), 40, 11, k -> {}).indices();
        for (int k = 1; k < kept.length; k++) {
            double farthest = -1;
            for (double[] row : rows) {
                double best = Double.POSITIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    best = Math.min(best, distance(row, rows[(int) kept[j]]));
                }
                farthest = Math.max(farthest, best);
            }
            double chosen = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                chosen = Math.min(chosen, distance(rows[(int) kept[k]], rows[(int) kept[j]]));
            }
            assertEquals(farthest, chosen, 1e-5, "row " + k + " is not the farthest one");
        }
    }

    @Test
    void aGreedyRadiusIsAtMostTwiceAnyOtherSelectionsOfTheSameSize() {
        // k-center's guarantee, checked against random selections (which can only be worse than the optimum)
        double[][] rows = points(300, 16, 5);
        Coreset.Result greedy = Coreset.select(tensor(rows), 20, 1, k -> {});
        Random random = new Random(9);
        for (int trial = 0; trial < 20; trial++) {
            long[] other = random.longs(20, 0, rows.length).toArray();
            // cosine distance is half the squared Euclidean distance on unit vectors: the 2-approximation holds for
            // the Euclidean radius, so 4× in cosine distance
            assertTrue(greedy.radius() <= 4 * coveringRadius(rows, other, 20) + 1e-6);
        }
    }

    @Test
    void aSizeOfAtLeastTheRowCountKeepsEverything() {
        double[][] rows = points(50, 8, 1);
        Coreset.Result all = Coreset.select(tensor(rows), 50, 1, k -> {});
        assertEquals(50, all.indices().length);
        assertEquals(0, all.radius());
        assertEquals(50, Coreset.select(tensor(rows), 0, 1, k -> {}).indices().length);
    }
}
