package com.adclip.eval;

/**
 * The confusion matrix of one threshold, and the precision, recall, F1 and accuracy it gives.
 *
 * @param truePositives anomalous samples predicted anomalous
 * @param falsePositives normal samples predicted anomalous
 * @param trueNegatives normal samples predicted normal
 * @param falseNegatives anomalous samples predicted normal
 * @param threshold the threshold applied
 * @param rule how a score is compared with the threshold
 */
public record BinaryCounts(long truePositives, long falsePositives, long trueNegatives, long falseNegatives,
        double threshold, Rule rule) {

    /** How a score is compared with the threshold to predict "anomalous" (NG). */
    public enum Rule {
        /** {@code score > threshold}: the reference's rule (golden precision / recall / F1 at 0.5). */
        SCORE_ABOVE,
        /**
         * {@code score >= threshold}: the product's verdict (NG when the score reaches the threshold), what
         * {@code adclip test} reports, and the rule under which an {@link F1Max} threshold reproduces its F1.
         */
        SCORE_AT_LEAST;

        /** Whether {@code score} is predicted anomalous; NaN never is. */
        public boolean anomalous(double score, double threshold) {
            return this == SCORE_ABOVE ? score > threshold : score >= threshold;
        }
    }

    /** Checks that the counts are not negative. */
    public BinaryCounts {
        if (truePositives < 0 || falsePositives < 0 || trueNegatives < 0 || falseNegatives < 0) {
            throw new IllegalArgumentException("negative count in a confusion matrix");
        }
        if (rule == null) {
            throw new IllegalArgumentException("no comparison rule");
        }
    }

    /**
     * Counts the predictions {@code rule.anomalous(scores[i], threshold)} against {@code anomalous}.
     *
     * @throws IllegalArgumentException when the lengths differ or a score or the threshold is NaN
     */
    public static BinaryCounts at(boolean[] anomalous, double[] scores, double threshold, Rule rule) {
        if (anomalous.length != scores.length) {
            throw new IllegalArgumentException(anomalous.length + " labels but " + scores.length + " scores");
        }
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("threshold is NaN");
        }
        long tp = 0;
        long fp = 0;
        long tn = 0;
        long fn = 0;
        for (int i = 0; i < scores.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("score " + i + " is NaN");
            }
            boolean predicted = rule.anomalous(scores[i], threshold);
            if (anomalous[i]) {
                if (predicted) {
                    tp++;
                } else {
                    fn++;
                }
            } else if (predicted) {
                fp++;
            } else {
                tn++;
            }
        }
        return new BinaryCounts(tp, fp, tn, fn, threshold, rule);
    }

    /** The number of samples. */
    public long total() {
        return truePositives + falsePositives + trueNegatives + falseNegatives;
    }

    /** TP / (TP + FP); not computable when nothing is predicted anomalous. */
    public MetricValue precision() {
        long predicted = truePositives + falsePositives;
        return predicted == 0
                ? MetricValue.notComputable("no sample is predicted anomalous at threshold " + threshold)
                : MetricValue.of((double) truePositives / predicted);
    }

    /** TP / (TP + FN); not computable without an anomalous sample. */
    public MetricValue recall() {
        long actual = truePositives + falseNegatives;
        return actual == 0
                ? MetricValue.notComputable("no anomalous samples: recall is undefined")
                : MetricValue.of((double) truePositives / actual);
    }

    /**
     * 2·TP / (2·TP + FP + FN), which equals 2·P·R / (P + R) whenever both exist (and is 0 when TP is 0 but
     * there are errors); not computable when there is neither an anomalous sample nor an anomalous prediction.
     */
    public MetricValue f1() {
        long denominator = 2 * truePositives + falsePositives + falseNegatives;
        return denominator == 0
                ? MetricValue.notComputable("no anomalous samples and none predicted: F1 is undefined")
                : MetricValue.of(2.0 * truePositives / denominator);
    }

    /** (TP + TN) / total; not computable without samples. */
    public MetricValue accuracy() {
        long total = total();
        return total == 0
                ? MetricValue.notComputable("no samples")
                : MetricValue.of((double) (truePositives + trueNegatives) / total);
    }

    /**
     * The confusion matrix in scikit-learn's layout: rows are the truth (normal, anomalous), columns the
     * prediction (normal, anomalous): {@code {{TN, FP}, {FN, TP}}}.
     */
    public long[][] confusionMatrix() {
        return new long[][] {{trueNegatives, falsePositives}, {falseNegatives, truePositives}};
    }
}
