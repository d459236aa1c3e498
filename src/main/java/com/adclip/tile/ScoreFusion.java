package com.adclip.tile;

/**
 * The image score of a tiled image. Without a global pass it is the largest tile score: an image is as
 * anomalous as its worst tile (a defect lives in one place). With a global pass (the whole image resized to
 * the model input, as without tiling) it is the mean of that maximum and the global score,
 * {@code score = (max_i tile_i + global) / 2}: the tiles see small defects, the global pass sees context
 * (a missing part, a wrong arrangement) that no single tile contains, and the mean keeps the score in [0, 1]
 * with both contributing. Thresholds must be calibrated with the same fusion; the bundle records it.
 */
public final class ScoreFusion {
    private ScoreFusion() {}

    /** The largest tile score. */
    public static double maxOf(double[] tileScores) {
        if (tileScores.length == 0) {
            throw new IllegalArgumentException("no tile scores");
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double s : tileScores) {
            max = Math.max(max, s);
        }
        return max;
    }

    /** The fused score: {@code (max + global) / 2}. */
    public static double withGlobal(double maxTileScore, double globalScore) {
        return (maxTileScore + globalScore) / 2;
    }
}
