package com.adclip.eval;

import java.util.List;

/**
 * Area under the per-region-overlap curve up to 30 % FPR, exactly as the reference's {@code cal_pro_score}:
 * <ol>
 *   <li>thresholds {@code np.arange(min, max, (max − min) / 200)} over all maps' values, in NumPy's
 *       arithmetic on float32 {@code min}, {@code max} (see {@link #thresholds(float, float)});</li>
 *   <li>at each threshold, pixels with {@code value > threshold} are predicted defective;</li>
 *   <li>PRO = mean over every connected region (8-connectivity) of every mask of the fraction of the
 *       region predicted defective; FPR = predicted-defective normal pixels / normal pixels;</li>
 *   <li>points with {@code FPR < 0.3} are kept, FPR rescaled by {@code (f − min f) / (max f − min f)},
 *       and the area is the trapezoid rule in threshold order (FPR falls as the threshold rises, so the
 *       signed area is negated, as {@code sklearn.metrics.auc} does).</li>
 * </ol>
 * This class works on maps held in memory and costs {@code O(200 × pixels)}; for large sets use
 * {@link PixelMetricsAccumulator}, which gives the same number in bounded memory.
 */
public final class Aupro {
    static final int MAX_STEP = 200;
    static final double EXPECT_FPR = 0.3;

    private Aupro() {}

    /**
     * The AUPRO of row-major {@code height × width} maps against their masks ({@code true} = defect).
     *
     * @throws IllegalArgumentException when the lists differ in length, an array is not
     *     {@code height × width}, or a map value is NaN
     */
    public static MetricValue compute(List<boolean[]> masks, List<float[]> maps, int height, int width) {
        if (masks.size() != maps.size()) {
            throw new IllegalArgumentException(masks.size() + " masks but " + maps.size() + " maps");
        }
        if (maps.isEmpty()) {
            return MetricValue.notComputable("no maps");
        }
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        MaskRegions[] regions = new MaskRegions[maps.size()];
        int regionCount = 0;
        long negatives = 0;
        for (int m = 0; m < maps.size(); m++) {
            float[] map = maps.get(m);
            boolean[] mask = masks.get(m);
            PixelMetricsAccumulator.checkShape(map, mask, height, width);
            for (int i = 0; i < map.length; i++) {
                min = Math.min(min, map[i]);
                max = Math.max(max, map[i]);
                if (!mask[i]) {
                    negatives++;
                }
            }
            regions[m] = MaskRegions.of(mask, height, width);
            regionCount += regions[m].count();
        }
        String reason = inputReason(regionCount, negatives, min, max);
        if (reason != null) {
            return MetricValue.notComputable(reason);
        }
        double[] thresholds = thresholds(min, max);
        long[] falsePositives = new long[thresholds.length];
        double[] overlapSums = new double[thresholds.length];
        for (int t = 0; t < thresholds.length; t++) {
            float th = (float) thresholds[t];
            double overlapSum = 0;
            long fp = 0;
            for (int m = 0; m < maps.size(); m++) {
                float[] map = maps.get(m);
                MaskRegions r = regions[m];
                long[] hits = new long[r.areas.length];
                for (int i = 0; i < map.length; i++) {
                    if (map[i] > th) {
                        hits[r.labels[i]]++;
                        if (!masks.get(m)[i]) {
                            fp++;
                        }
                    }
                }
                for (int k = 1; k < r.areas.length; k++) {
                    overlapSum += (double) hits[k] / r.areas[k];
                }
            }
            falsePositives[t] = fp;
            overlapSums[t] = overlapSum;
        }
        return fromSweep(falsePositives, overlapSums, negatives, regionCount);
    }

    /** Why AUPRO is undefined for these totals and value range, or null. */
    static String inputReason(long regions, long negatives, float min, float max) {
        if (regions == 0) {
            return "no defect pixels in any mask: AUPRO needs at least one defect region";
        }
        if (negatives == 0) {
            return "every pixel is a defect: the false-positive rate is undefined";
        }
        if (!(max > min)) {
            return "every anomaly-map value is " + min + ": the 200 thresholds between min and max are undefined";
        }
        float delta = (max - min) / MAX_STEP;
        if (!Float.isFinite(delta) || delta == 0f) {
            return "anomaly-map range [" + min + ", " + max + "] cannot be split into 200 float32 steps";
        }
        return null;
    }

    /**
     * The reference's thresholds {@code np.arange(min_th, max_th, delta)} for float32 {@code min_th},
     * {@code max_th} and {@code delta = (max_th − min_th) / 200}, as NumPy computes them: the result is
     * float64; its length is {@code ceil((max − min) / delta)} evaluated in float32; element 0 is
     * {@code min}, element 1 the float32 sum {@code min + delta}, element i ≥ 2
     * {@code min + i · (element1 − min)} in float64. The comparison {@code amaps > th} then casts each
     * threshold to float32 (NumPy 1.x value-based casting of a float64 scalar against a float32 array),
     * which callers do with {@code (float) threshold}. Requires {@code max > min} with a non-zero finite delta.
     */
    static double[] thresholds(float min, float max) {
        float range = max - min;
        float delta = range / MAX_STEP;
        int length = (int) Math.ceil(range / delta);
        double[] out = new double[length];
        double start = min;
        double step = (double) (min + delta) - start;
        for (int i = 0; i < length; i++) {
            out[i] = i == 0 ? start : start + i * step;
        }
        return out;
    }

    /**
     * The area from the per-threshold false-positive counts and sums of region overlaps (the sum over all
     * regions of the fraction of the region above the threshold).
     */
    static MetricValue fromSweep(long[] falsePositives, double[] overlapSums, long negatives, long regions) {
        int n = falsePositives.length;
        double[] fpr = new double[n];
        double[] pro = new double[n];
        int kept = 0;
        for (int t = 0; t < n; t++) {
            double f = (double) falsePositives[t] / negatives;
            if (f < EXPECT_FPR) {
                fpr[kept] = f;
                pro[kept] = overlapSums[t] / regions;
                kept++;
            }
        }
        if (kept < 2) {
            return MetricValue.notComputable(kept + " of the " + n
                    + " thresholds give a false-positive rate below 0.3; the area needs at least 2");
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < kept; t++) {
            lo = Math.min(lo, fpr[t]);
            hi = Math.max(hi, fpr[t]);
        }
        if (!(hi > lo)) {
            return MetricValue.notComputable("every threshold with a false-positive rate below 0.3 gives the same"
                    + " rate (" + lo + "): the rescaled FPR axis is undefined");
        }
        double area = 0;
        double previous = (fpr[0] - lo) / (hi - lo);
        for (int t = 1; t < kept; t++) {
            double x = (fpr[t] - lo) / (hi - lo);
            area += (x - previous) * (pro[t] + pro[t - 1]) / 2.0;
            previous = x;
        }
        // FPR never rises with the threshold, so x falls: sklearn's auc flips the sign (direction -1).
        return MetricValue.of(-area);
    }
}
