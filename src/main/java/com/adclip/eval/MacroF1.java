package com.adclip.eval;

import java.util.List;

/**
 * Macro F1 of the defect types: the unweighted mean of the per-type F1 over the types that occur in the ground
 * truth, so a rare type counts as much as a common one.
 *
 * <p>scikit-learn's {@code f1_score(average="macro")} averages over every label it sees, including types that
 * are predicted but never true (their F1 is 0). Here those are left out of the mean: their false predictions
 * already lower the recall, and so the F1, of the true types they were made on, and the mean stays over the
 * types a line actually produced. With no such predicted-only type both give the same number.
 */
public final class MacroF1 {
    private MacroF1() {}

    /** The mean F1 of the scores with support; not computable when none has. */
    public static MetricValue of(List<TypeScore> scores) {
        double sum = 0;
        int n = 0;
        for (TypeScore s : scores) {
            if (s.support() > 0) {
                sum += s.f1().get();
                n++;
            }
        }
        if (n == 0) {
            return MetricValue.notComputable("no defect type occurs in the ground truth");
        }
        return MetricValue.of(sum / n);
    }
}
