package com.adclip.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The reference's image-level metrics ({@code metrics} in golden-v1's expected.json), within 1e-6. */
class ImageMetricsGoldenTest {
    private static final double TOL = 1e-6;
    private static JsonNode expected;
    private static boolean[] labels;
    private static double[] scores;

    @BeforeAll
    static void load() throws IOException {
        expected = new ObjectMapper().readTree(Fixtures.goldenV1().resolve("expected.json").toFile()).get("metrics");
        JsonNode l = expected.get("labels");
        JsonNode s = expected.get("scores");
        labels = new boolean[l.size()];
        scores = new double[s.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = l.get(i).asInt() == 1;
            scores[i] = s.get(i).asDouble();
        }
    }

    private static double want(String key) {
        return expected.get(key).asDouble();
    }

    @Test
    void aurocMatchesRocAucScore() {
        assertEquals(want("image_auroc"), ImageAuroc.compute(labels, scores).get(), TOL);
    }

    @Test
    void averagePrecisionMatchesAveragePrecisionScore() {
        assertEquals(want("image_ap"), AveragePrecision.compute(labels, scores).get(), TOL);
    }

    @Test
    void f1MaxAndItsThresholdMatch() {
        F1Max f1 = F1Max.compute(labels, scores);
        assertEquals(want("f1_max"), f1.f1().get(), TOL);
        assertEquals(want("f1_max_threshold"), f1.threshold(), TOL);
        F1Max viaCurve = F1Max.of(PrecisionRecallCurve.compute(labels, scores));
        assertEquals(f1, viaCurve);
    }

    @Test
    void precisionRecallF1AboveHalfMatch() {
        BinaryCounts counts = BinaryCounts.at(labels, scores, want("at_threshold"), BinaryCounts.Rule.SCORE_ABOVE);
        assertEquals(want("precision"), counts.precision().get(), TOL);
        assertEquals(want("recall"), counts.recall().get(), TOL);
        assertEquals(want("f1"), counts.f1().get(), TOL);
    }
}
