package com.adclip.eval;

/**
 * The precision-recall curve as scikit-learn's {@code precision_recall_curve} returns it: one point per
 * distinct score, thresholds ascending, point {@code i} being the precision and recall of predicting
 * "anomalous" for {@code score >= thresholds[i]}, then a final point (precision 1, recall 0) without a
 * threshold. The curve covers every distinct score (scikit-learn ≥ 1.1; older versions stopped at the first
 * threshold reaching full recall, which changes neither AP nor F1-max).
 *
 * @param precision {@code thresholds.length + 1} precisions; 0 where nothing is predicted anomalous
 * @param recall {@code thresholds.length + 1} recalls, non-increasing, ending at 0
 * @param thresholds the distinct scores, ascending
 * @param reason null for a computed curve; otherwise why there is none (the arrays are then empty)
 */
public record PrecisionRecallCurve(double[] precision, double[] recall, double[] thresholds, String reason) {
    /** Checks the lengths. */
    public PrecisionRecallCurve {
        boolean empty = precision.length == 0 && recall.length == 0 && thresholds.length == 0;
        if (reason != null ? !empty
                : precision.length != thresholds.length + 1 || recall.length != thresholds.length + 1) {
            throw new IllegalArgumentException("inconsistent precision-recall curve");
        }
    }

    /**
     * The curve of {@code scores} against {@code anomalous}; not computable without an anomalous sample.
     *
     * @throws IllegalArgumentException when the lengths differ or a score is NaN
     */
    public static PrecisionRecallCurve compute(boolean[] anomalous, double[] scores) {
        return of(RankedCounts.of(anomalous, scores));
    }

    static PrecisionRecallCurve of(RankedCounts counts) {
        String reason = reason(counts);
        if (reason != null) {
            return new PrecisionRecallCurve(new double[0], new double[0], new double[0], reason);
        }
        int n = counts.size();
        double[] precision = new double[n + 1];
        double[] recall = new double[n + 1];
        long tp = counts.totalPositives;
        long fp = counts.totalNegatives;
        for (int i = 0; i < n; i++) {
            precision[i] = precision(tp, fp);
            recall[i] = (double) tp / counts.totalPositives;
            tp -= counts.positives[i];
            fp -= counts.negatives[i];
        }
        precision[n] = 1;
        recall[n] = 0;
        return new PrecisionRecallCurve(precision, recall, counts.values.clone(), null);
    }

    static String reason(RankedCounts counts) {
        if (counts.size() == 0) {
            return "no samples";
        }
        if (counts.totalPositives == 0) {
            return "no anomalous samples: recall is undefined";
        }
        return null;
    }

    static double precision(long tp, long fp) {
        return tp + fp == 0 ? 0 : (double) tp / (tp + fp);
    }

    /** Whether the curve was computed. */
    public boolean computable() {
        return reason == null;
    }
}
