package com.adclip.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Image metrics on small cases whose scikit-learn answers were worked out by hand and cross-checked with
 * a NumPy transcription of sklearn's {@code _binary_clf_curve} (sklearn itself is not installed here).
 */
class RankingMetricsTest {
    private static final double TOL = 1e-12;

    private static boolean[] labels(int... y) {
        boolean[] out = new boolean[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = y[i] == 1;
        }
        return out;
    }

    @Test
    void sklearnDocumentationExample() {
        boolean[] y = labels(0, 0, 1, 1);
        double[] s = {0.1, 0.4, 0.35, 0.8};
        assertEquals(0.75, ImageAuroc.compute(y, s).get(), TOL);
        assertEquals(0.8333333333333333, AveragePrecision.compute(y, s).get(), TOL);
        PrecisionRecallCurve curve = PrecisionRecallCurve.compute(y, s);
        assertArrayEquals(new double[] {0.5, 2.0 / 3, 0.5, 1, 1}, curve.precision(), TOL);
        assertArrayEquals(new double[] {1, 1, 0.5, 0.5, 0}, curve.recall(), TOL);
        assertArrayEquals(new double[] {0.1, 0.35, 0.4, 0.8}, curve.thresholds(), 0);
        F1Max f1 = F1Max.compute(y, s);
        assertEquals(0.8, f1.f1().get(), TOL);
        assertEquals(0.35, f1.threshold());
    }

    @Test
    void tiesMoveAlongTheDiagonal() {
        boolean[] y = labels(1, 0, 1, 0, 1, 0, 1, 0);
        double[] s = {0.5, 0.5, 0.9, 0.1, 0.5, 0.5, 0.2, 0.9};
        assertEquals(0.53125, ImageAuroc.compute(y, s).get(), TOL);
        assertEquals(0.5178571428571428, AveragePrecision.compute(y, s).get(), TOL);
        PrecisionRecallCurve curve = PrecisionRecallCurve.compute(y, s);
        assertArrayEquals(new double[] {0.5, 4.0 / 7, 0.5, 0.5, 1}, curve.precision(), TOL);
        assertArrayEquals(new double[] {1, 1, 0.75, 0.25, 0}, curve.recall(), TOL);
        assertArrayEquals(new double[] {0.1, 0.2, 0.5, 0.9}, curve.thresholds(), 0);
        F1Max f1 = F1Max.compute(y, s);
        assertEquals(0.7272727272727273, f1.f1().get(), TOL);
        assertEquals(0.2, f1.threshold());
        assertEquals(4.0 / 7, f1.precision(), TOL);
        assertEquals(1.0, f1.recall(), TOL);
        // The F1-max threshold under the product rule (score >= t) reproduces the F1.
        BinaryCounts at = BinaryCounts.at(y, s, f1.threshold(), BinaryCounts.Rule.SCORE_AT_LEAST);
        assertEquals(f1.f1().get(), at.f1().get(), TOL);
    }

    @Test
    void constantScoresAreOneTie() {
        boolean[] y = labels(0, 1, 1, 0, 0);
        double[] s = {0.3, 0.3, 0.3, 0.3, 0.3};
        assertEquals(0.5, ImageAuroc.compute(y, s).get(), TOL);
        assertEquals(0.4, AveragePrecision.compute(y, s).get(), TOL);
        PrecisionRecallCurve curve = PrecisionRecallCurve.compute(y, s);
        assertArrayEquals(new double[] {0.4, 1}, curve.precision(), TOL);
        assertArrayEquals(new double[] {1, 0}, curve.recall(), TOL);
        assertArrayEquals(new double[] {0.3}, curve.thresholds(), 0);
        assertEquals(0.5714285714285715, F1Max.compute(y, s).f1().get(), TOL);
    }

    @Test
    void negativeZeroTiesWithZero() {
        boolean[] y = labels(1, 0);
        assertEquals(0.5, ImageAuroc.compute(y, new double[] {-0.0, 0.0}).get(), TOL);
        assertEquals(1, PrecisionRecallCurve.compute(y, new double[] {-0.0, 0.0}).thresholds().length);
    }

    @Test
    void aClassWithoutDefectsIsNotComputable() {
        boolean[] y = labels(0, 0, 0);
        double[] s = {0.1, 0.7, 0.4};
        MetricValue auroc = ImageAuroc.compute(y, s);
        assertFalse(auroc.computable());
        assertNull(auroc.value());
        assertTrue(auroc.reason().contains("only normal"), auroc.reason());
        assertFalse(AveragePrecision.compute(y, s).computable());
        assertFalse(PrecisionRecallCurve.compute(y, s).computable());
        F1Max f1 = F1Max.compute(y, s);
        assertFalse(f1.f1().computable());
        assertNull(f1.threshold());
        BinaryCounts counts = BinaryCounts.at(y, s, 0.5, BinaryCounts.Rule.SCORE_AT_LEAST);
        assertFalse(counts.recall().computable());
        assertEquals(0.0, counts.precision().get());
        assertEquals(0.0, counts.f1().get());
        assertEquals(2.0 / 3, counts.accuracy().get(), TOL);
        assertThrows(IllegalStateException.class, auroc::get);
    }

    @Test
    void onlyAnomalousImages() {
        boolean[] y = labels(1, 1);
        double[] s = {0.2, 0.9};
        assertTrue(ImageAuroc.compute(y, s).reason().contains("only anomalous"));
        assertEquals(1.0, AveragePrecision.compute(y, s).get(), TOL);
        assertEquals(1.0, F1Max.compute(y, s).f1().get(), TOL);
        assertEquals(0.2, F1Max.compute(y, s).threshold());
    }

    @Test
    void noSamples() {
        assertFalse(ImageAuroc.compute(new boolean[0], new double[0]).computable());
        assertFalse(AveragePrecision.compute(new boolean[0], new double[0]).computable());
        assertFalse(BinaryCounts.at(new boolean[0], new double[0], 0.5, BinaryCounts.Rule.SCORE_ABOVE)
                .accuracy().computable());
    }

    @Test
    void rulesDifferExactlyAtTheThreshold() {
        boolean[] y = labels(1, 0, 1, 0);
        double[] s = {0.5, 0.5, 0.7, 0.2};
        BinaryCounts above = BinaryCounts.at(y, s, 0.5, BinaryCounts.Rule.SCORE_ABOVE);
        BinaryCounts atLeast = BinaryCounts.at(y, s, 0.5, BinaryCounts.Rule.SCORE_AT_LEAST);
        assertArrayEquals(new long[] {2, 0}, above.confusionMatrix()[0]);
        assertArrayEquals(new long[] {1, 1}, above.confusionMatrix()[1]);
        assertArrayEquals(new long[] {1, 1}, atLeast.confusionMatrix()[0]);
        assertArrayEquals(new long[] {0, 2}, atLeast.confusionMatrix()[1]);
        assertEquals(1.0, above.precision().get());
        assertEquals(0.5, above.recall().get());
        assertEquals(2.0 / 3, above.f1().get(), TOL);
        assertEquals(0.75, above.accuracy().get());
        assertEquals(2.0 / 3, atLeast.precision().get(), TOL);
        assertEquals(1.0, atLeast.recall().get());
        assertEquals(0.8, atLeast.f1().get(), TOL);
    }

    @Test
    void malformedInputThrows() {
        assertThrows(IllegalArgumentException.class,
                () -> ImageAuroc.compute(new boolean[2], new double[3]));
        assertThrows(IllegalArgumentException.class,
                () -> ImageAuroc.compute(new boolean[] {true, false}, new double[] {Double.NaN, 1}));
    }
}
