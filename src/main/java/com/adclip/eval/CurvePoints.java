package com.adclip.eval;

import java.util.Arrays;

/**
 * The points of a score-ranking curve, from which both the ROC and the precision-recall curve are drawn: point
 * {@code i} is "anomalous when {@code score >= thresholds[i]}", with the cumulative true- and false-positive
 * counts there. Thresholds are descending; point 0 is the strictest cut (threshold +∞: nothing predicted
 * anomalous), the last point the loosest (every sample predicted anomalous).
 *
 * <p>For images every distinct score is a point ({@link #compute}); for pixels the points come from
 * {@link PixelMetricsAccumulator#curve(int)}, one per histogram bin (a bin's smallest value is its threshold),
 * optionally thinned out for drawing.
 *
 * @param thresholds descending, {@code +∞} first
 * @param truePositives anomalous samples at or above each threshold (non-decreasing)
 * @param falsePositives normal samples at or above each threshold (non-decreasing)
 * @param positives all anomalous samples
 * @param negatives all normal samples
 */
public record CurvePoints(double[] thresholds, long[] truePositives, long[] falsePositives, long positives,
        long negatives) {

    /** Checks the lengths. */
    public CurvePoints {
        if (thresholds.length == 0 || truePositives.length != thresholds.length
                || falsePositives.length != thresholds.length) {
            throw new IllegalArgumentException("curve arrays must be non-empty and of one length");
        }
    }

    /**
     * Every distinct score of {@code scores} as a point.
     *
     * @throws IllegalArgumentException when the lengths differ or a score is NaN
     */
    public static CurvePoints compute(boolean[] anomalous, double[] scores) {
        return of(RankedCounts.of(anomalous, scores), Integer.MAX_VALUE);
    }

    /** The curve of ranked counts, keeping at most about {@code maxPoints} points (first and last always). */
    static CurvePoints of(RankedCounts counts, int maxPoints) {
        int n = counts.size();
        int stride = Math.max(1, (int) Math.ceil(n / (double) Math.max(1, maxPoints - 2)));
        int kept = 1 + (n + stride - 1) / stride + 1;
        double[] th = new double[kept];
        long[] tp = new long[kept];
        long[] fp = new long[kept];
        th[0] = Double.POSITIVE_INFINITY;
        int k = 1;
        long t = 0;
        long f = 0;
        for (int i = n - 1, step = 0; i >= 0; i--, step++) {
            t += counts.positives[i];
            f += counts.negatives[i];
            if (step % stride == stride - 1 || i == 0) {
                th[k] = counts.values[i];
                tp[k] = t;
                fp[k] = f;
                k++;
            }
        }
        return new CurvePoints(Arrays.copyOf(th, k), Arrays.copyOf(tp, k), Arrays.copyOf(fp, k),
                counts.totalPositives, counts.totalNegatives);
    }

    /** The number of points. */
    public int size() {
        return thresholds.length;
    }

    /** False-positive rate of point {@code i}; NaN without normal samples. */
    public double fpr(int i) {
        return negatives == 0 ? Double.NaN : (double) falsePositives[i] / negatives;
    }

    /** True-positive rate (recall) of point {@code i}; NaN without anomalous samples. */
    public double tpr(int i) {
        return positives == 0 ? Double.NaN : (double) truePositives[i] / positives;
    }

    /** Precision of point {@code i}; 1 where nothing is predicted anomalous, as scikit-learn's curve ends. */
    public double precision(int i) {
        long predicted = truePositives[i] + falsePositives[i];
        return predicted == 0 ? 1 : (double) truePositives[i] / predicted;
    }

    /**
     * The point of "anomalous when {@code score >= threshold}": the last point whose threshold is at least
     * {@code threshold} (exact for a full curve; the nearest stricter kept point for a thinned one).
     */
    public int indexAt(double threshold) {
        int at = 0;
        for (int i = 1; i < thresholds.length; i++) {
            if (thresholds[i] >= threshold) {
                at = i;
            }
        }
        return at;
    }
}
