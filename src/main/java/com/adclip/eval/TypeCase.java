package com.adclip.eval;

import java.util.Map;
import java.util.Objects;

/**
 * One typed case of the defect-type evaluation: the ground-truth type of an image or of a predicted region, and
 * the type the detector named for it (the top of its distribution, or {@link #UNKNOWN}).
 *
 * @param truth the ground-truth defect type (a folder name or annotation label), never {@link #UNKNOWN}
 * @param predicted the predicted type, {@link #UNKNOWN} when the detector gave "unknown" as its top type
 */
public record TypeCase(String truth, String predicted) {
    /** The predicted type of a case the detector could not assign: a column of the matrix, never a row. */
    public static final String UNKNOWN = com.adclip.types.TypeDistribution.UNKNOWN;

    public TypeCase {
        Objects.requireNonNull(truth, "truth");
        Objects.requireNonNull(predicted, "predicted");
        if (truth.isBlank() || predicted.isBlank()) {
            throw new IllegalArgumentException("type names must not be blank");
        }
        if (truth.equals(UNKNOWN)) {
            throw new IllegalArgumentException("\"" + UNKNOWN + "\" is not a ground-truth type");
        }
    }

    /**
     * The case of a predicted distribution {type: probability}: its most probable type, ties going to the name
     * that sorts first. Probabilities need not sum to 1.
     *
     * @throws IllegalArgumentException for an empty distribution (no answer is not a case) or a NaN probability
     */
    public static TypeCase of(String truth, Map<String, Double> distribution) {
        return new TypeCase(truth, top(distribution));
    }

    /** The most probable type of a distribution; ties go to the name that sorts first. */
    public static String top(Map<String, Double> distribution) {
        if (distribution.isEmpty()) {
            throw new IllegalArgumentException("an empty type distribution has no top type");
        }
        String best = null;
        double bestP = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, Double> e : distribution.entrySet()) {
            double p = e.getValue();
            if (Double.isNaN(p)) {
                throw new IllegalArgumentException("type " + e.getKey() + " has a NaN probability");
            }
            if (p > bestP || (p == bestP && e.getKey().compareTo(best) < 0)) {
                best = e.getKey();
                bestP = p;
            }
        }
        return best;
    }

    /** Whether the predicted type is the true one. */
    public boolean correct() {
        return truth.equals(predicted);
    }
}
