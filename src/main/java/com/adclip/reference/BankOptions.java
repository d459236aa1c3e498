package com.adclip.reference;

/**
 * How a bank is built.
 *
 * @param lambda weight of the bank map in the fused map (APRIL-GAN sums them: 1)
 * @param coresetSize the most rows kept per block by the greedy k-center coreset; 0 keeps every patch
 * @param statisticsImages the most reference images whose leave-one-out distances make the score normaliser
 * @param seed of the coreset's first row and projection
 */
public record BankOptions(double lambda, int coresetSize, int statisticsImages, long seed) {
    public static final double DEFAULT_LAMBDA = 1;
    /**
     * 8,192 rows per block: below 10 % of ViT-L/14's tower time at 518 px (see docs/reference-images.md), and
     * every patch of up to 5 references at 518 px is kept as it is.
     */
    public static final int DEFAULT_CORESET = 8192;
    public static final int DEFAULT_STATISTICS_IMAGES = 16;

    public BankOptions {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("reference lambda must be a finite number >= 0, got " + lambda);
        }
        if (coresetSize < 0) {
            throw new IllegalArgumentException("coreset size must be >= 0 (0 keeps every patch), got " + coresetSize);
        }
        if (statisticsImages < 1) {
            throw new IllegalArgumentException("statistics images must be >= 1, got " + statisticsImages);
        }
    }

    public static BankOptions defaults() {
        return new BankOptions(DEFAULT_LAMBDA, DEFAULT_CORESET, DEFAULT_STATISTICS_IMAGES, 0);
    }

    public BankOptions withCoresetSize(int value) {
        return new BankOptions(lambda, value, statisticsImages, seed);
    }

    public BankOptions withLambda(double value) {
        return new BankOptions(value, coresetSize, statisticsImages, seed);
    }
}
