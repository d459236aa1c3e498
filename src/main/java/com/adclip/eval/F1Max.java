package com.adclip.eval;

/**
 * The best F1 over the {@link PrecisionRecallCurve} and the threshold giving it. F1 is computed as the
 * reference does, {@code 2·P·R / (P + R)} per curve point with NaN (P = R = 0) taken as 0, and the first
 * maximum in ascending-threshold order wins. Predicting "anomalous" for {@code score >= threshold}
 * reproduces {@code f1}, {@code precision} and {@code recall}.
 *
 * @param f1 the maximum F1, or not computable (no anomalous sample)
 * @param threshold the score at which it is reached; null when not computable
 * @param precision the precision there; null when not computable
 * @param recall the recall there; null when not computable
 */
public record F1Max(MetricValue f1, Double threshold, Double precision, Double recall) {
    /** Checks that threshold, precision and recall are present exactly when {@code f1} is computable. */
    public F1Max {
        boolean has = f1.computable();
        if ((threshold != null) != has || (precision != null) != has || (recall != null) != has) {
            throw new IllegalArgumentException("F1-max threshold, precision and recall go with a computable F1");
        }
    }

    /**
     * F1-max of {@code scores} against {@code anomalous}.
     *
     * @throws IllegalArgumentException when the lengths differ or a score is NaN
     */
    public static F1Max compute(boolean[] anomalous, double[] scores) {
        return of(RankedCounts.of(anomalous, scores));
    }

    /** F1-max over an already computed curve. */
    public static F1Max of(PrecisionRecallCurve curve) {
        if (!curve.computable()) {
            return notComputable(curve.reason());
        }
        double best = -1;
        int at = -1;
        for (int i = 0; i < curve.thresholds().length; i++) {
            double f1 = f1(curve.precision()[i], curve.recall()[i]);
            if (f1 > best) {
                best = f1;
                at = i;
            }
        }
        return new F1Max(MetricValue.of(best), curve.thresholds()[at], curve.precision()[at], curve.recall()[at]);
    }

    /** The same as {@code of(PrecisionRecallCurve.of(counts))} without building the curve. */
    static F1Max of(RankedCounts counts) {
        String reason = PrecisionRecallCurve.reason(counts);
        if (reason != null) {
            return notComputable(reason);
        }
        double best = -1;
        int at = -1;
        double bestPrecision = 0;
        double bestRecall = 0;
        long tp = counts.totalPositives;
        long fp = counts.totalNegatives;
        for (int i = 0; i < counts.size(); i++) {
            double precision = PrecisionRecallCurve.precision(tp, fp);
            double recall = (double) tp / counts.totalPositives;
            double f1 = f1(precision, recall);
            if (f1 > best) {
                best = f1;
                at = i;
                bestPrecision = precision;
                bestRecall = recall;
            }
            tp -= counts.positives[i];
            fp -= counts.negatives[i];
        }
        return new F1Max(MetricValue.of(best), counts.values[at], bestPrecision, bestRecall);
    }

    static double f1(double precision, double recall) {
        double f1 = 2 * precision * recall / (precision + recall);
        return Double.isNaN(f1) ? 0 : f1;
    }

    private static F1Max notComputable(String reason) {
        return new F1Max(MetricValue.notComputable(reason), null, null, null);
    }
}
