package com.adclip.eval;

import com.adclip.anomaly.Prediction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The defect types a detector gave one image, as the type evaluation reads them: distributions
 * {type: probability} for the image and for each predicted region. An empty map is no answer (for instance an
 * image scored OK with no region); a distribution whose top is {@link TypeCase#UNKNOWN} is the answer
 * "unknown".
 *
 * @param image the image's distribution, or empty
 * @param regions one distribution per region of {@link Prediction#regions()}, in that order (empty maps for
 *     regions without one)
 */
public record TypeAnswer(Map<String, Double> image, List<Map<String, Double>> regions) {

    public TypeAnswer {
        image = copy(image);
        regions = regions.stream().map(TypeAnswer::copy).toList();
    }

    private static Map<String, Double> copy(Map<String, Double> m) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /**
     * Where the evaluation finds a prediction's types: empty for a prediction without types (a bundle that
     * predicts none), which leaves the type evaluation out of the report.
     */
    @FunctionalInterface
    public interface Source extends Function<Prediction, Optional<TypeAnswer>> {
        /** No prediction has types. */
        Source NONE = p -> Optional.empty();
    }
}
