package com.adclip.eval;

/**
 * Average precision, as scikit-learn's {@code average_precision_score}: the step-wise sum
 * {@code Σ (R_n − R_{n−1}) · P_n} over the distinct scores from the highest down (no interpolation).
 */
public final class AveragePrecision {
    private AveragePrecision() {}

    /**
     * The AP of {@code scores} against {@code anomalous}; not computable without an anomalous sample.
     * With no normal sample it is 1.
     *
     * @throws IllegalArgumentException when the lengths differ or a score is NaN
     */
    public static MetricValue compute(boolean[] anomalous, double[] scores) {
        return of(RankedCounts.of(anomalous, scores));
    }

    static MetricValue of(RankedCounts counts) {
        if (counts.size() == 0) {
            return MetricValue.notComputable("no samples");
        }
        if (counts.totalPositives == 0) {
            return MetricValue.notComputable("no anomalous samples: recall is undefined");
        }
        double ap = 0;
        double recallBefore = 0;
        long tp = 0;
        long fp = 0;
        for (int i = counts.size() - 1; i >= 0; i--) {
            tp += counts.positives[i];
            fp += counts.negatives[i];
            double recall = (double) tp / counts.totalPositives;
            double precision = (double) tp / (tp + fp);
            ap += (recall - recallBefore) * precision;
            recallBefore = recall;
        }
        return MetricValue.of(ap);
    }
}
