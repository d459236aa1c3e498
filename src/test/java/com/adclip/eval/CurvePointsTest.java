package com.adclip.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.AdclipException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Curve points for images and pixels, and threshold strategies on them. */
class CurvePointsTest {
    // sorted high→low: 0.9 D, 0.8 D, 0.7 G, 0.6 D, 0.4 G, 0.3 D, 0.2 G, 0.1 G
    private static final double[] SCORES = {0.1, 0.9, 0.3, 0.7, 0.6, 0.2, 0.8, 0.4};
    private static final boolean[] DEFECT = {false, true, true, false, true, false, true, false};
    private static final String[] STRATEGIES = {"f1", "recall:0.75", "recall:0.99", "precision:1",
        "precision:0.75", "good-only:max", "good-only:sigma:0", "good-only:sigma:2"};

    @Test
    void pointsByHand() {
        CurvePoints c = CurvePoints.compute(DEFECT, SCORES);
        assertEquals(9, c.size());
        assertEquals(Double.POSITIVE_INFINITY, c.thresholds()[0]);
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, 0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1},
                c.thresholds());
        assertArrayEquals(new long[] {0, 1, 2, 2, 3, 3, 4, 4, 4}, c.truePositives());
        assertArrayEquals(new long[] {0, 0, 0, 1, 1, 2, 2, 3, 4}, c.falsePositives());
        assertEquals(0.75, c.tpr(4));
        assertEquals(0.25, c.fpr(4));
        assertEquals(0.75, c.precision(4));
        assertEquals(1.0, c.precision(0));
        assertEquals(4, c.indexAt(0.6));
        assertEquals(4, c.indexAt(0.55));
        assertEquals(0, c.indexAt(0.95));
        assertEquals(8, c.indexAt(-1));
        // the ROC trapezoid of the points is ImageAuroc
        double area = 0;
        for (int i = 1; i < c.size(); i++) {
            area += (c.fpr(i) - c.fpr(i - 1)) * (c.tpr(i) + c.tpr(i - 1)) / 2;
        }
        assertEquals(ImageAuroc.compute(DEFECT, SCORES).get(), area, 1e-15);
    }

    @Test
    void thinningKeepsEndsAndStaysMonotone() {
        Random random = new Random(7);
        int n = 10_000;
        double[] scores = new double[n];
        boolean[] labels = new boolean[n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextBoolean();
            scores[i] = random.nextGaussian() + (labels[i] ? 1 : 0);
        }
        CurvePoints c = CurvePoints.of(RankedCounts.of(labels, scores), 100);
        assertTrue(c.size() <= 102, "points: " + c.size());
        assertEquals(0, c.truePositives()[0]);
        assertEquals(c.positives(), c.truePositives()[c.size() - 1]);
        assertEquals(c.negatives(), c.falsePositives()[c.size() - 1]);
        for (int i = 1; i < c.size(); i++) {
            assertTrue(c.thresholds()[i] < c.thresholds()[i - 1]);
        }
    }

    @Test
    void strategiesOnCountsMatchStrategiesOnScores() {
        Random random = new Random(11);
        for (int trial = 0; trial < 20; trial++) {
            int n = 5 + random.nextInt(200);
            double[] scores = new double[n];
            boolean[] labels = new boolean[n];
            for (int i = 0; i < n; i++) {
                labels[i] = i < 2 ? i == 0 : random.nextInt(3) == 0;
                scores[i] = Math.round((random.nextGaussian() + (labels[i] ? 0.8 : 0)) * 20) / 20.0; // with ties
            }
            check(scores, labels);
        }
        check(SCORES, DEFECT);
    }

    private static void check(double[] scores, boolean[] labels) {
        CurvePoints curve = CurvePoints.compute(labels, scores);
        for (String s : STRATEGIES) {
            ThresholdStrategy strategy = ThresholdStrategy.parse(s);
            ThresholdStrategy.Choice fromScores;
            try {
                fromScores = strategy.choose(scores, labels);
            } catch (AdclipException e) {
                assertThrows(AdclipException.class, () -> strategy.choose(curve), s);
                continue;
            }
            ThresholdStrategy.Choice fromCurve = strategy.choose(curve);
            assertEquals(fromScores.threshold(), fromCurve.threshold(), 1e-12, s);
            assertEquals(fromScores.precision(), fromCurve.precision(), 1e-12, s);
            assertEquals(fromScores.recall(), fromCurve.recall(), 1e-12, s);
            assertEquals(fromScores.goodPassRate(), fromCurve.goodPassRate(), 1e-12, s);
        }
    }

    @Test
    void pixelCurveFromTheAccumulator() {
        PixelMetricsAccumulator acc = new PixelMetricsAccumulator();
        assertEquals(null, acc.curve(100));
        float[] map = {0.1f, 0.9f, 0.3f, 0.7f, 0.6f, 0.2f, 0.8f, 0.4f};
        boolean[] mask = DEFECT.clone();
        acc.add(map, mask, 2, 4);
        CurvePoints c = acc.curve(Integer.MAX_VALUE);
        double[] asDouble = new double[map.length];
        for (int i = 0; i < map.length; i++) {
            asDouble[i] = map[i];
        }
        CurvePoints expected = CurvePoints.compute(mask, asDouble);
        assertArrayEquals(expected.thresholds(), c.thresholds());
        assertArrayEquals(expected.truePositives(), c.truePositives());
        assertArrayEquals(expected.falsePositives(), c.falsePositives());
    }
}
