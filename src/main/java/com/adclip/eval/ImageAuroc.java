package com.adclip.eval;

/**
 * Area under the ROC curve, as scikit-learn's {@code roc_auc_score} for binary labels: the trapezoid over
 * the curve's points at every distinct score (tied scores move TPR and FPR together, a diagonal step).
 * Used for images and, over all pixels, by {@link PixelMetricsAccumulator}.
 */
public final class ImageAuroc {
    private ImageAuroc() {}

    /**
     * The AUROC of {@code scores} against {@code anomalous}; not computable when only one class is present.
     *
     * @throws IllegalArgumentException when the lengths differ or a score is NaN
     */
    public static MetricValue compute(boolean[] anomalous, double[] scores) {
        return of(RankedCounts.of(anomalous, scores));
    }

    static MetricValue of(RankedCounts counts) {
        String reason = counts.oneClassReason("samples");
        if (reason != null) {
            return MetricValue.notComputable(reason);
        }
        // Sweep thresholds from the highest score down; each distinct score adds one trapezoid whose
        // width is its negatives and whose mean height is the positives above it plus half its own.
        double twiceArea = 0;
        long tp = 0;
        for (int i = counts.size() - 1; i >= 0; i--) {
            long tpNext = tp + counts.positives[i];
            twiceArea += (double) counts.negatives[i] * (double) (tp + tpNext);
            tp = tpNext;
        }
        return MetricValue.of(twiceArea / (2.0 * counts.totalPositives * (double) counts.totalNegatives));
    }
}
