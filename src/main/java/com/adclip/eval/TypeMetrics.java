package com.adclip.eval;

import java.util.List;

/**
 * Every defect-type number of one level (images, or predicted regions): the confusion matrix, accuracy, per-type
 * precision / recall / F1 and macro F1.
 */
public record TypeMetrics(TypeConfusion confusion, MetricValue accuracy, List<TypeScore> scores,
        MetricValue macroF1) {

    public TypeMetrics {
        scores = List.copyOf(scores);
    }

    /** The metrics of a list of cases. */
    public static TypeMetrics of(List<TypeCase> cases) {
        return of(cases, List.of());
    }

    /** The metrics of a list of cases, the matrix having rows and columns for {@code alsoTypes} too. */
    public static TypeMetrics of(List<TypeCase> cases, java.util.Collection<String> alsoTypes) {
        TypeConfusion confusion = TypeConfusion.of(cases, alsoTypes);
        List<TypeScore> scores = TypeScore.of(confusion);
        return new TypeMetrics(confusion, TypeAccuracy.of(confusion), scores, MacroF1.of(scores));
    }

    /** The number of cases. */
    public long cases() {
        return confusion.total();
    }
}
