package com.adclip.eval;

import com.adclip.anomaly.DefectRegions;
import com.adclip.anomaly.Prediction;
import com.adclip.types.TypeDistribution;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where {@code adclip test} reads the defect types of a prediction, for {@link TypeEvaluation}: the image's
 * {@link Prediction#types()} and each region's {@link DefectRegions.Region#types()}. A prediction without image
 * types (a bundle without defect types) has none.
 */
final class PredictedTypes {
    /** The types of a prediction, or empty when the bundle predicts none. */
    static final TypeAnswer.Source SOURCE = PredictedTypes::of;

    private PredictedTypes() {}

    static Optional<TypeAnswer> of(Prediction p) {
        if (p.types() == null) {
            return Optional.empty();
        }
        List<Map<String, Double>> regions = p.regions().stream().map(r -> probabilities(r.types())).toList();
        return Optional.of(new TypeAnswer(p.types().probabilities(), regions));
    }

    private static Map<String, Double> probabilities(TypeDistribution d) {
        return d == null ? Map.of() : d.probabilities();
    }
}
