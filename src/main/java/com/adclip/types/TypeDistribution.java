package com.adclip.types;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A probability per defect type name, sorted by probability, highest first (ties: by name). The probabilities sum
 * to 1 (within rounding); the name {@link #UNKNOWN} stands for "none of the known types" (see
 * {@code docs/defect-types.md}).
 *
 * @param probabilities type name → probability, in descending order; what Jackson writes for a distribution
 */
public record TypeDistribution(@JsonValue Map<String, Double> probabilities) {
    /** The name of the "unknown" type. */
    public static final String UNKNOWN = "unknown";

    public TypeDistribution {
        if (probabilities.isEmpty()) {
            throw new IllegalArgumentException("a type distribution needs at least one type");
        }
        List<Map.Entry<String, Double>> entries = new ArrayList<>(probabilities.entrySet());
        for (Map.Entry<String, Double> e : entries) {
            double p = e.getValue();
            if (!(p >= 0 && p <= 1 + 1e-6)) {
                throw new IllegalArgumentException("probability of " + e.getKey() + " must be in [0, 1], got " + p);
            }
        }
        entries.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        Map<String, Double> sorted = new LinkedHashMap<>();
        entries.forEach(e -> sorted.put(e.getKey(), e.getValue()));
        probabilities = Collections.unmodifiableMap(sorted);
    }

    /** A distribution from names and unnormalised non-negative weights (divided by their sum). */
    public static TypeDistribution normalised(List<String> names, double[] weights) {
        if (names.size() != weights.length) {
            throw new IllegalArgumentException(names.size() + " names for " + weights.length + " weights");
        }
        double sum = 0;
        for (double w : weights) {
            sum += w;
        }
        if (!(sum > 0)) {
            throw new IllegalArgumentException("type weights sum to " + sum);
        }
        Map<String, Double> map = new LinkedHashMap<>();
        for (int k = 0; k < weights.length; k++) {
            map.merge(names.get(k), weights[k] / sum, Double::sum);
        }
        return new TypeDistribution(map);
    }

    /** The most probable type's name. */
    public String top() {
        return probabilities.keySet().iterator().next();
    }

    /** The most probable type's probability. */
    public double topProbability() {
        return probabilities.values().iterator().next();
    }

    /** The probability of {@code name} (0 when it is not in the distribution). */
    public double probability(String name) {
        return probabilities.getOrDefault(name, 0.0);
    }
}
