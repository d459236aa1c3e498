package com.adclip.eval;

import java.util.Optional;

/**
 * Where {@code adclip test} reads the defect types of a prediction, for {@link TypeEvaluation}.
 *
 * <p>NOT YET CONNECTED: predictions carry no defect types until issue 15's type prediction lands on
 * {@link com.adclip.anomaly.Prediction}; until then every prediction reads as typeless and the report has no
 * type section. Connecting it is this one function.
 */
final class PredictedTypes {
    /** The types of a prediction (its image distribution and one per region), or empty for none. */
    static final TypeAnswer.Source SOURCE = p -> Optional.empty();

    private PredictedTypes() {}
}
