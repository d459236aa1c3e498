package com.adclip.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Pixel counts per score bin in at most {@code capacity} bins: the compact structure behind
 * {@link PixelMetricsAccumulator}.
 *
 * <p>A pixel's bin is its float's order-preserving 32-bit key ({@link #key(float)}) shifted right by
 * {@code shift} bits. The histogram starts exact ({@code shift = 0}: one bin per distinct float32 value)
 * and, whenever it would exceed its capacity, drops one more low bit of every key (merging neighbouring
 * values) until it fits. Each bin keeps its normal-pixel count, defect-pixel count, the sum of its defect
 * pixels' region weights (1 / region area, for AUPRO), and the smallest and largest key actually seen, so a
 * bin holding a single distinct value stays exact even after coarsening.
 *
 * <p>Bins live in sorted runs kept as a stack whose sizes halve from bottom to top (each map adds one run;
 * the top two are merged while the upper is at least half the lower), so merging costs amortised
 * {@code O(log)} per bin and the stack holds at most about twice the capacity. Memory: 36 bytes per bin.
 */
final class ScoreHistogram {
    /** Bytes one bin costs: bin, lo and hi keys (int), two counts (long), one weight (double). */
    static final int BYTES_PER_BIN = 3 * Integer.BYTES + 2 * Long.BYTES + Double.BYTES;

    private final int capacity;
    private int shift;
    private final List<Run> stack = new ArrayList<>();

    ScoreHistogram(int capacity) {
        if (capacity < 16) {
            throw new IllegalArgumentException("histogram capacity " + capacity + " is below 16 bins");
        }
        this.capacity = capacity;
    }

    /** The order-preserving key of a non-NaN float ({@code -0.0} counts as {@code 0.0}). */
    static int key(float v) {
        int bits = Float.floatToRawIntBits(v == 0f ? 0f : v);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    /** The float of a key. */
    static float value(int key) {
        return Float.intBitsToFloat(key ^ ((key >> 31) & 0x7fffffff));
    }

    int shift() {
        return shift;
    }

    /**
     * Adds one map's pixels: normal pixels by key ({@code negativeKeys[0..negatives)}, sorted ascending)
     * and defect pixels as {@code (key << 32) | region} ({@code positives[0..positiveCount)}, sorted), whose
     * weight is {@code regionWeights[region]}.
     */
    void add(int[] negativeKeys, int negatives, long[] positives, int positiveCount, double[] regionWeights) {
        Run run = Run.of(negativeKeys, negatives, positives, positiveCount, regionWeights, shift);
        push(fit(run));
    }

    /** Bytes held by the runs now. */
    long retainedBytes() {
        long bins = 0;
        for (Run r : stack) {
            bins += r.bin.length;
        }
        return bins * BYTES_PER_BIN;
    }

    /** All bins in one run (the stack is left holding just that run). */
    Run merged() {
        while (stack.size() > 1) {
            Run top = stack.remove(stack.size() - 1);
            Run below = stack.remove(stack.size() - 1);
            stack.add(fit(Run.merge(below, top, Math.max(shift, Math.max(below.shift, top.shift)))));
        }
        return stack.isEmpty() ? Run.empty(shift) : fit(stack.get(0));
    }

    private void push(Run run) {
        stack.add(run);
        while (stack.size() >= 2) {
            Run top = stack.get(stack.size() - 1);
            Run below = stack.get(stack.size() - 2);
            if (2L * top.size < below.size) {
                break;
            }
            stack.remove(stack.size() - 1);
            stack.remove(stack.size() - 1);
            stack.add(fit(Run.merge(below, top, shift)));
        }
    }

    /** Coarsens {@code run} to the current shift, raising the shift until the run fits the capacity. */
    private Run fit(Run run) {
        Run r = run.coarsen(shift);
        while (r.size > capacity) {
            shift++;
            r = r.coarsen(shift);
        }
        return r;
    }

    /** Bins {@code [0, size)} sorted by bin key; the arrays may be up to a third longer than {@code size}. */
    static final class Run {
        final int shift;
        final int size;
        final int[] bin;
        final int[] lo;
        final int[] hi;
        final long[] negatives;
        final long[] positives;
        final double[] weight;

        /** A view of {@code full}'s first {@code size} bins, sharing its arrays. */
        private Run(Run full, int size) {
            this.shift = full.shift;
            this.size = size;
            this.bin = full.bin;
            this.lo = full.lo;
            this.hi = full.hi;
            this.negatives = full.negatives;
            this.positives = full.positives;
            this.weight = full.weight;
        }

        private Run(int shift, int size) {
            this.shift = shift;
            this.size = size;
            this.bin = new int[size];
            this.lo = new int[size];
            this.hi = new int[size];
            this.negatives = new long[size];
            this.positives = new long[size];
            this.weight = new double[size];
        }

        static Run empty(int shift) {
            return new Run(shift, 0);
        }

        static Run of(int[] negKeys, int negCount, long[] pos, int posCount, double[] regionWeights, int shift) {
            Builder b = new Builder(shift, negCount + posCount);
            int i = 0;
            int j = 0;
            while (i < negCount || j < posCount) {
                int posKey = j < posCount ? (int) (pos[j] >> 32) : 0;
                if (j >= posCount || (i < negCount && negKeys[i] <= posKey)) {
                    b.put(negKeys[i] >> shift, negKeys[i], negKeys[i], 1, 0, 0);
                    i++;
                } else {
                    b.put(posKey >> shift, posKey, posKey, 0, 1, regionWeights[(int) pos[j]]);
                    j++;
                }
            }
            return b.build();
        }

        /** The union of two runs at {@code shift} (at least both runs' shifts). */
        static Run merge(Run a, Run b, int shift) {
            Run x = a.coarsen(shift);
            Run y = b.coarsen(shift);
            Builder out = new Builder(shift, x.size + y.size);
            int i = 0;
            int j = 0;
            while (i < x.size || j < y.size) {
                if (j >= y.size || (i < x.size && x.bin[i] <= y.bin[j])) {
                    out.put(x, i++, 0);
                } else {
                    out.put(y, j++, 0);
                }
            }
            return out.build();
        }

        Run coarsen(int newShift) {
            if (newShift == shift) {
                return this;
            }
            if (newShift < shift) {
                throw new IllegalStateException("cannot refine a histogram run");
            }
            Builder out = new Builder(newShift, size);
            for (int i = 0; i < size; i++) {
                out.put(this, i, newShift - shift);
            }
            return out.build();
        }
    }

    /** Appends bins in ascending order, combining equal bin keys. */
    private static final class Builder {
        private final Run run;
        private int size;

        Builder(int shift, int maxSize) {
            this.run = new Run(shift, maxSize);
        }

        void put(Run from, int i, int extraShift) {
            put(from.bin[i] >> extraShift, from.lo[i], from.hi[i], from.negatives[i], from.positives[i],
                    from.weight[i]);
        }

        void put(int bin, int lo, int hi, long negatives, long positives, double weight) {
            int last = size - 1;
            if (size > 0 && run.bin[last] == bin) {
                run.lo[last] = Math.min(run.lo[last], lo);
                run.hi[last] = Math.max(run.hi[last], hi);
                run.negatives[last] += negatives;
                run.positives[last] += positives;
                run.weight[last] += weight;
                return;
            }
            run.bin[size] = bin;
            run.lo[size] = lo;
            run.hi[size] = hi;
            run.negatives[size] = negatives;
            run.positives[size] = positives;
            run.weight[size] = weight;
            size++;
        }

        /** The run; trimmed to its size only when a quarter or more of its arrays would be unused. */
        Run build() {
            if (size >= run.bin.length - run.bin.length / 4) {
                return new Run(run, size);
            }
            Run out = new Run(run.shift, size);
            System.arraycopy(run.bin, 0, out.bin, 0, size);
            System.arraycopy(run.lo, 0, out.lo, 0, size);
            System.arraycopy(run.hi, 0, out.hi, 0, size);
            System.arraycopy(run.negatives, 0, out.negatives, 0, size);
            System.arraycopy(run.positives, 0, out.positives, 0, size);
            System.arraycopy(run.weight, 0, out.weight, 0, size);
            return out;
        }
    }

    /**
     * Sorts {@code keys[0..n)} (signed order) with a three-pass 11-bit LSD radix sort, using
     * {@code scratch} (at least n long); several times faster than {@link Arrays#sort(int[])} on a map.
     */
    static void radixSort(int[] keys, int n, int[] scratch) {
        if (n < 2048) {
            Arrays.sort(keys, 0, n);
            return;
        }
        int[] from = keys;
        int[] to = scratch;
        int[] count = new int[2048];
        for (int pass = 0; pass < 3; pass++) {
            int shift = pass * 11;
            Arrays.fill(count, 0);
            for (int i = 0; i < n; i++) {
                count[digit(from[i], shift)]++;
            }
            int sum = 0;
            for (int d = 0; d < count.length; d++) {
                int c = count[d];
                count[d] = sum;
                sum += c;
            }
            for (int i = 0; i < n; i++) {
                int v = from[i];
                to[count[digit(v, shift)]++] = v;
            }
            int[] t = from;
            from = to;
            to = t;
        }
        System.arraycopy(from, 0, keys, 0, n);
    }

    /** The 11-bit digit at {@code shift} of the key with its sign bit flipped (signed → unsigned order). */
    private static int digit(int key, int shift) {
        return ((key ^ Integer.MIN_VALUE) >>> shift) & 2047;
    }
}
