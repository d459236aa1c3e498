package com.adclip.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The defect-type confusion matrix, accuracy, per-type P/R/F1 and macro F1, against counts worked by hand. */
class TypeMetricsTest {

    private static void add(List<TypeCase> cases, String truth, String predicted, int n) {
        for (int i = 0; i < n; i++) {
            cases.add(new TypeCase(truth, predicted));
        }
    }

    /**
     * 10 cases: scratch (5) → 3 scratch, 1 dent, 1 unknown; dent (4) → 2 dent, 1 scratch, 1 crack; stain (1) →
     * scratch. crack is predicted but never true; stain is true but never predicted.
     */
    private static List<TypeCase> cases() {
        List<TypeCase> cases = new ArrayList<>();
        add(cases, "scratch", "scratch", 3);
        add(cases, "dent", "dent", 2);
        add(cases, "scratch", "dent", 1);
        add(cases, "scratch", TypeCase.UNKNOWN, 1);
        add(cases, "dent", "scratch", 1);
        add(cases, "dent", "crack", 1);
        add(cases, "stain", "scratch", 1);
        return cases;
    }

    @Test
    void theMatrixHasTruthRowsPredictedColumnsAndAnUnknownColumn() {
        TypeConfusion m = TypeConfusion.of(cases());
        assertEquals(List.of("crack", "dent", "scratch", "stain"), m.types(), "every name seen, sorted");
        assertEquals(List.of("crack", "dent", "scratch", "stain", "unknown"), m.columns());
        long[][] expected = {
            {0, 0, 0, 0, 0}, // crack: never true
            {1, 2, 1, 0, 0}, // dent
            {0, 1, 3, 0, 1}, // scratch
            {0, 0, 1, 0, 0}, // stain
        };
        assertArrayEquals(expected, m.counts());
        assertEquals(10, m.total());
        assertEquals(5, m.correct());
        assertEquals(5, m.columnTotal(2), "scratch predicted 5 times");
        assertEquals(1, m.columnTotal(4), "unknown once");
    }

    @Test
    void extraTypesGetEmptyRowsAndColumnsSoTwoLevelsShareTheirLayout() {
        TypeConfusion m = TypeConfusion.of(List.of(new TypeCase("dent", "scratch")), List.of("stain", "unknown"));
        assertEquals(List.of("dent", "scratch", "stain"), m.types(), "unknown stays the last column only");
        assertArrayEquals(new long[][] {{0, 1, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}}, m.counts());
    }

    @Test
    void accuracyCountsUnknownAsWrong() {
        assertEquals(0.5, TypeAccuracy.of(TypeConfusion.of(cases())).get(), 0.0);
        assertFalse(TypeAccuracy.of(TypeConfusion.of(List.of())).computable());
    }

    @Test
    void perTypePrecisionRecallAndF1() {
        Map<String, TypeScore> s = new LinkedHashMap<>();
        TypeScore.of(TypeConfusion.of(cases())).forEach(x -> s.put(x.type(), x));
        TypeScore dent = s.get("dent");
        assertEquals(4, dent.support());
        assertEquals(3, dent.predicted());
        assertEquals(2.0 / 3, dent.precision().get(), 1e-15);
        assertEquals(0.5, dent.recall().get(), 1e-15);
        assertEquals(4.0 / 7, dent.f1().get(), 1e-15, "2 · (2/3) · (1/2) / (2/3 + 1/2)");
        TypeScore scratch = s.get("scratch");
        assertEquals(0.6, scratch.precision().get(), 1e-15);
        assertEquals(0.6, scratch.recall().get(), 1e-15, "the unknown case lowers scratch's recall");
        assertEquals(0.6, scratch.f1().get(), 1e-15);
        TypeScore stain = s.get("stain");
        assertFalse(stain.precision().computable(), "never predicted");
        assertEquals(0.0, stain.recall().get(), 0.0);
        assertEquals(0.0, stain.f1().get(), 0.0);
        TypeScore crack = s.get("crack");
        assertEquals(0.0, crack.precision().get(), 0.0);
        assertFalse(crack.recall().computable(), "never true");
        assertEquals(0.0, crack.f1().get(), 0.0);
    }

    @Test
    void macroF1AveragesTheTypesOfTheGroundTruthEqually() {
        TypeMetrics m = TypeMetrics.of(cases());
        // dent 4/7, scratch 0.6, stain 0; crack (predicted only) is not in the mean
        assertEquals((4.0 / 7 + 0.6 + 0.0) / 3, m.macroF1().get(), 1e-15);
        assertEquals(10, m.cases());
        assertFalse(TypeMetrics.of(List.of()).macroF1().computable());
    }

    @Test
    void theTopTypeOfADistributionBreaksTiesByName() {
        assertEquals("dent", TypeCase.top(Map.of("scratch", 0.3, "dent", 0.6, "stain", 0.1)));
        assertEquals("dent", TypeCase.top(Map.of("scratch", 0.4, "dent", 0.4, "unknown", 0.2)));
        assertEquals(TypeCase.UNKNOWN, TypeCase.top(Map.of("scratch", 0.2, "unknown", 0.7, "dent", 0.1)));
        assertEquals(new TypeCase("dent", "scratch"), TypeCase.of("dent", Map.of("scratch", 0.9, "dent", 0.1)));
        assertThrows(IllegalArgumentException.class, () -> TypeCase.top(Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new TypeCase(TypeCase.UNKNOWN, "dent"));
    }
}
