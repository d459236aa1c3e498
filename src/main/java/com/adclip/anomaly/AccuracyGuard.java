package com.adclip.anomaly;

/**
 * The accuracy guard for the fast precision modes, against float32 on the same inputs: image score
 * |Δ| ≤ {@code maxScoreDelta}, Pearson correlation of the anomaly maps ≥ {@code minPearson}, and the same
 * OK/NG verdict at the threshold.
 */
public record AccuracyGuard(double maxScoreDelta, double minPearson) {
    /** The bar of issue 12: |Δscore| ≤ 0.01, Pearson ≥ 0.99, same verdicts. */
    public static final AccuracyGuard DEFAULT = new AccuracyGuard(0.01, 0.99);

    /**
     * One image compared.
     *
     * @param scoreDelta |fast score − fp32 score|
     * @param pearson correlation of the two anomaly maps
     * @param sameVerdict whether both scores give the same verdict
     * @param thresholdMargin |fp32 score − threshold|: a verdict can only flip when this is at most scoreDelta
     */
    public record Comparison(double scoreDelta, double pearson, boolean sameVerdict, double thresholdMargin) {}

    /** Compares one image's score and map (any resolution, same for both) from fp32 and from a fast mode. */
    public static Comparison compare(double fp32Score, float[] fp32Map, double fastScore, float[] fastMap,
            double imageThreshold) {
        return new Comparison(Math.abs(fastScore - fp32Score), pearson(fp32Map, fastMap),
                com.adclip.Verdict.of(fp32Score, imageThreshold) == com.adclip.Verdict.of(fastScore, imageThreshold),
                Math.abs(fp32Score - imageThreshold));
    }

    /**
     * Whether a flipped verdict is beyond the score tolerance: the fp32 score was farther than
     * {@code maxScoreDelta} from the threshold, so the flip is not explained by an allowed score difference.
     */
    public boolean flipBeyondTolerance(Comparison c) {
        return !c.sameVerdict() && c.thresholdMargin() > maxScoreDelta;
    }

    public boolean passes(Comparison c) {
        return c.scoreDelta() <= maxScoreDelta && c.pearson() >= minPearson && c.sameVerdict();
    }

    /**
     * Pearson correlation of two equally long arrays. Two constant maps correlate 1 when equal and 0 otherwise
     * (the coefficient itself is undefined there).
     */
    public static double pearson(float[] a, float[] b) {
        if (a.length != b.length || a.length == 0) {
            throw new IllegalArgumentException("maps of " + a.length + " and " + b.length + " values");
        }
        double meanA = 0;
        double meanB = 0;
        for (int i = 0; i < a.length; i++) {
            meanA += a[i];
            meanB += b[i];
        }
        meanA /= a.length;
        meanB /= b.length;
        double cov = 0;
        double varA = 0;
        double varB = 0;
        for (int i = 0; i < a.length; i++) {
            double da = a[i] - meanA;
            double db = b[i] - meanB;
            cov += da * db;
            varA += da * da;
            varB += db * db;
        }
        if (varA == 0 || varB == 0) {
            return java.util.Arrays.equals(a, b) ? 1 : 0;
        }
        return cov / Math.sqrt(varA * varB);
    }
}
