package com.adclip.eval;

/**
 * Defect-type accuracy: the share of typed cases whose predicted type is the true one (scikit-learn's
 * {@code accuracy_score}). A case predicted {@link TypeCase#UNKNOWN} counts as wrong.
 */
public final class TypeAccuracy {
    private TypeAccuracy() {}

    /** The diagonal over the total; not computable without a case. */
    public static MetricValue of(TypeConfusion confusion) {
        long total = confusion.total();
        if (total == 0) {
            return MetricValue.notComputable("no case with a ground-truth type and a predicted type");
        }
        return MetricValue.of((double) confusion.correct() / total);
    }
}
