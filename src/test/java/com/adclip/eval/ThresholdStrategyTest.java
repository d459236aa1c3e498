package com.adclip.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.AdclipException;
import org.junit.jupiter.api.Test;

/** Strategies on synthetic scores whose answers are worked out by hand. */
class ThresholdStrategyTest {
    // sorted high→low: 0.9 D, 0.8 D, 0.7 G, 0.6 D, 0.4 G, 0.3 D, 0.2 G, 0.1 G
    private static final double[] SCORES = {0.1, 0.9, 0.3, 0.7, 0.6, 0.2, 0.8, 0.4};
    private static final boolean[] DEFECT = {false, true, true, false, true, false, true, false};

    @Test
    void f1PicksTheBestCut() {
        // cuts: 0.9 P1 R.25 F.4; 0.8 P1 R.5 F.667; 0.7 P.667 R.5 F.571; 0.6 P.75 R.75 F.75; 0.4 P.6 R.75 F.667;
        // 0.3 P.667 R1 F.8; 0.2 P.571 R1 F.727; 0.1 P.5 R1 F.667 → 0.3
        ThresholdStrategy.Choice c = ThresholdStrategy.parse("f1").choose(SCORES, DEFECT);
        assertEquals(0.3, c.threshold());
        assertEquals(4.0 / 6, c.precision(), 1e-12);
        assertEquals(1.0, c.recall());
        assertEquals(0.5, c.goodPassRate());
    }

    @Test
    void recallTargetTakesTheHighestThresholdReachingIt() {
        assertEquals(0.6, ThresholdStrategy.parse("recall:0.75").choose(SCORES, DEFECT).threshold());
        assertEquals(0.3, ThresholdStrategy.parse("recall:0.99").choose(SCORES, DEFECT).threshold());
    }

    @Test
    void precisionTargetTakesTheLowestThresholdReachingIt() {
        assertEquals(0.8, ThresholdStrategy.parse("precision:1").choose(SCORES, DEFECT).threshold());
        assertEquals(0.6, ThresholdStrategy.parse("precision:0.75").choose(SCORES, DEFECT).threshold());
    }

    @Test
    void goodOnlyStrategies() {
        double[] goods = {0.2, 0.4, 0.6};
        boolean[] none = {false, false, false};
        ThresholdStrategy.Choice max = ThresholdStrategy.parse("good-only:max").choose(goods, none);
        assertTrue(max.threshold() > 0.6 && max.threshold() < 0.6000001);
        assertEquals(1.0, max.goodPassRate());
        // mean 0.4, population σ = sqrt(((.2)²+0+(.2)²)/3) = 0.163299...
        assertEquals(0.4 + 3 * Math.sqrt(0.08 / 3), ThresholdStrategy.parse("good-only:sigma:3").choose(goods, none)
                .threshold(), 1e-12);
    }

    @Test
    void tiesAreOneCut() {
        double[] scores = {0.5, 0.5, 0.5, 0.1};
        boolean[] defect = {true, false, true, false};
        // only cuts: 0.5 (P 2/3, R 1, F .8) and 0.1 (P .5, R 1, F .667)
        assertEquals(0.5, ThresholdStrategy.parse("f1").choose(scores, defect).threshold());
    }

    @Test
    void clearErrors() {
        assertThrows(AdclipException.class, () -> ThresholdStrategy.parse("magic"));
        assertThrows(AdclipException.class, () -> ThresholdStrategy.parse("recall:2"));
        AdclipException e = assertThrows(AdclipException.class,
                () -> ThresholdStrategy.parse("f1").choose(new double[] {0.1}, new boolean[] {false}));
        assertTrue(e.getMessage().contains("good-only"), e.getMessage());
        assertEquals("good-only:sigma:3", ThresholdStrategy.parse("good-only:sigma:3").toString());
    }
}
