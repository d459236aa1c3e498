package com.adclip.eval;

import java.util.Arrays;

/**
 * Distinct scores in ascending order with the number of anomalous ("positive") and normal ("negative")
 * samples at each: everything scikit-learn's {@code _binary_clf_curve} derives its curves from. Scores are
 * distinct under {@code ==}, so {@code -0.0} and {@code 0.0} are one score, as {@code np.diff} sees them.
 */
final class RankedCounts {
    final double[] values;
    final long[] positives;
    final long[] negatives;
    final long totalPositives;
    final long totalNegatives;

    RankedCounts(double[] values, long[] positives, long[] negatives) {
        if (values.length != positives.length || values.length != negatives.length) {
            throw new IllegalArgumentException("ranked counts of different lengths");
        }
        this.values = values;
        this.positives = positives;
        this.negatives = negatives;
        long p = 0;
        long n = 0;
        for (int i = 0; i < values.length; i++) {
            p += positives[i];
            n += negatives[i];
        }
        this.totalPositives = p;
        this.totalNegatives = n;
    }

    /** Groups {@code scores} by value; {@code anomalous[i]} is the ground truth of sample i. */
    static RankedCounts of(boolean[] anomalous, double[] scores) {
        if (anomalous.length != scores.length) {
            throw new IllegalArgumentException(
                    anomalous.length + " labels but " + scores.length + " scores");
        }
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("score " + i + " is NaN");
            }
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a] + 0.0, scores[b] + 0.0));
        double[] values = new double[n];
        long[] pos = new long[n];
        long[] neg = new long[n];
        int k = -1;
        for (int j = 0; j < n; j++) {
            int i = order[j];
            double s = scores[i] + 0.0; // -0.0 + 0.0 == +0.0
            if (k < 0 || values[k] != s) {
                values[++k] = s;
            }
            if (anomalous[i]) {
                pos[k]++;
            } else {
                neg[k]++;
            }
        }
        int size = k + 1;
        return new RankedCounts(Arrays.copyOf(values, size), Arrays.copyOf(pos, size), Arrays.copyOf(neg, size));
    }

    int size() {
        return values.length;
    }

    /** Null when both classes are present, else why a ranking metric is undefined. */
    String oneClassReason(String what) {
        if (values.length == 0) {
            return "no samples";
        }
        if (totalPositives == 0) {
            return "only normal " + what + " (no anomalous ones): both classes are needed";
        }
        if (totalNegatives == 0) {
            return "only anomalous " + what + " (no normal ones): both classes are needed";
        }
        return null;
    }
}
