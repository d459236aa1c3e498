package com.adclip.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AccuracyGuardTest {
    private final double post = 0.5; // the image threshold

    @Test
    void pearsonOfKnownArrays() {
        assertEquals(1.0, AccuracyGuard.pearson(new float[] {1, 2, 3}, new float[] {2, 4, 6}), 1e-12);
        assertEquals(-1.0, AccuracyGuard.pearson(new float[] {1, 2, 3}, new float[] {3, 2, 1}), 1e-12);
        // x = (-1, 0, 1), y = (1, -2, 1): covariance 0
        assertEquals(0.0, AccuracyGuard.pearson(new float[] {-1, 0, 1}, new float[] {1, -2, 1}), 1e-12);
        assertEquals(1.0, AccuracyGuard.pearson(new float[] {2, 2}, new float[] {2, 2}), 0);
        assertEquals(0.0, AccuracyGuard.pearson(new float[] {2, 2}, new float[] {2, 3}), 0);
    }

    @Test
    void guardRejectsEachKindOfDrift() {
        float[] map = {0.1f, 0.5f, 0.9f, 0.3f};
        assertTrue(AccuracyGuard.DEFAULT.passes(AccuracyGuard.compare(0.30, map, 0.305, map, post)));
        assertFalse(AccuracyGuard.DEFAULT.passes(AccuracyGuard.compare(0.30, map, 0.32, map, post)), "score");
        assertFalse(AccuracyGuard.DEFAULT.passes(AccuracyGuard.compare(0.498, map, 0.503, map, post)), "verdict");
        float[] shuffled = {0.9f, 0.1f, 0.3f, 0.5f};
        assertFalse(AccuracyGuard.DEFAULT.passes(AccuracyGuard.compare(0.30, map, 0.30, shuffled, post)), "map");
    }

    @Test
    void flipsAreBeyondToleranceOnlyWhenTheFp32ScoreWasFarFromTheThreshold() {
        float[] map = {0.1f, 0.5f, 0.9f, 0.3f};
        // 0.498 is 0.002 below 0.5: a flip by a 0.005 difference is within the 0.01 score tolerance
        assertFalse(AccuracyGuard.DEFAULT.flipBeyondTolerance(AccuracyGuard.compare(0.498, map, 0.503, map, 0.5)));
        // 0.48 is 0.02 below 0.5: flipping it needs a 0.03 difference, beyond the tolerance
        assertTrue(AccuracyGuard.DEFAULT.flipBeyondTolerance(AccuracyGuard.compare(0.48, map, 0.51, map, 0.5)));
        assertFalse(AccuracyGuard.DEFAULT.flipBeyondTolerance(AccuracyGuard.compare(0.30, map, 0.32, map, 0.5)), "no flip");
        assertEquals(0.02, AccuracyGuard.compare(0.48, map, 0.51, map, 0.5).thresholdMargin(), 1e-12);
    }
}
