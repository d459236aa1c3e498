package com.adclip.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Precision, recall and F1 of one defect type, read from the type confusion matrix (scikit-learn's
 * {@code precision_recall_fscore_support} with {@code average=None}). Cases predicted {@link TypeCase#UNKNOWN}
 * lower the recall of their true type and the precision of no type.
 *
 * @param type the type
 * @param support cases whose truth is this type
 * @param predicted cases predicted as this type
 * @param correct cases of this type predicted as this type
 * @param precision {@code correct / predicted}; not computable when the type was never predicted
 * @param recall {@code correct / support}; not computable when the type never occurs in the ground truth
 * @param f1 {@code 2·correct / (support + predicted)}, the harmonic mean of precision and recall, and 0 when the
 *     type occurs but is never predicted right (scikit-learn's {@code zero_division=0} gives the same)
 */
public record TypeScore(String type, long support, long predicted, long correct, MetricValue precision,
        MetricValue recall, MetricValue f1) {

    /** One score per row type of {@code confusion}, in its order. */
    public static List<TypeScore> of(TypeConfusion confusion) {
        List<TypeScore> out = new ArrayList<>();
        for (int i = 0; i < confusion.types().size(); i++) {
            out.add(of(confusion.types().get(i), confusion.rowTotal(i), confusion.columnTotal(i),
                    confusion.count(i, i)));
        }
        return out;
    }

    static TypeScore of(String type, long support, long predicted, long correct) {
        MetricValue precision = predicted == 0
                ? MetricValue.notComputable(type + " was never predicted")
                : MetricValue.of((double) correct / predicted);
        MetricValue recall = support == 0
                ? MetricValue.notComputable(type + " does not occur in the ground truth")
                : MetricValue.of((double) correct / support);
        MetricValue f1 = support + predicted == 0
                ? MetricValue.notComputable(type + " neither occurs nor is predicted")
                : MetricValue.of(2.0 * correct / (support + predicted));
        return new TypeScore(type, support, predicted, correct, precision, recall, f1);
    }
}
