package com.adclip.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.adclip.AdclipException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fusion rule, the unknown rule and the image mixture, against values worked out by hand. */
class TypeFusionTest {
    private static final TypeVocabulary TWO = new TypeVocabulary(List.of(DefectType.named("scratch"),
            DefectType.named("dent")));

    private static TypeFusion fusion(Double far, boolean... hasRows) {
        return new TypeFusion(DefectTypes.section(TWO, "object", List.of(1), new int[] {1, 1}, far), hasRows);
    }

    @Test
    void fusedIsTheWeightedSumOfTextAndTheDistanceSoftmax() {
        // visual: softmax(-(0.10, 0.12) / 0.02) = (e^0, e^-1) / (1 + e^-1)
        double v0 = 1 / (1 + Math.exp(-1));
        TypeDistribution d = fusion(0.5, true, true).fuse(new double[] {0.4, 0.6}, new double[] {0.10, 0.12});
        assertEquals(0.5 * 0.4 + 0.5 * v0, d.probability("scratch"), 1e-12);
        assertEquals(0.5 * 0.6 + 0.5 * (1 - v0), d.probability("dent"), 1e-12);
        assertEquals("scratch", d.top());
        assertEquals(List.of("scratch", "dent"), List.copyOf(d.probabilities().keySet()));
    }

    @Test
    void farAndUnsureIsUnknownWithTheTextsTopAsItsComplement() {
        TypeDistribution d = fusion(0.3, true, true).fuse(new double[] {0.45, 0.55}, new double[] {0.4, 0.5});
        assertEquals(1 - 0.55, d.probability(TypeDistribution.UNKNOWN), 1e-12);
        assertEquals(0.55 * 0.55, d.probability("dent"), 1e-12);
        assertEquals(0.45 * 0.55, d.probability("scratch"), 1e-12);
        // near: no unknown, even with an unsure text path
        assertFalse(fusion(0.45, true, true).fuse(new double[] {0.45, 0.55}, new double[] {0.4, 0.5})
                .probabilities().containsKey(TypeDistribution.UNKNOWN));
        // far but the text path is sure (top ≥ (1 + 1/2) / 2 = 0.75): no unknown
        assertFalse(fusion(0.3, true, true).fuse(new double[] {0.25, 0.75}, new double[] {0.4, 0.5})
                .probabilities().containsKey(TypeDistribution.UNKNOWN));
        // far distance not measured: never far while prototypes exist
        assertFalse(fusion(null, true, true).fuse(new double[] {0.45, 0.55}, new double[] {1.9, 1.9})
                .probabilities().containsKey(TypeDistribution.UNKNOWN));
    }

    @Test
    void withoutPrototypesTheTextPathDecidesAndUnsureIsUnknown() {
        TypeDistribution sure = fusion(null, false, false).fuse(new double[] {0.8, 0.2}, null);
        assertEquals(Map.of("scratch", 0.8, "dent", 0.2), sure.probabilities());
        TypeDistribution unsure = fusion(null, false, false).fuse(new double[] {0.4, 0.6}, null);
        assertEquals(TypeDistribution.UNKNOWN, unsure.top());
        assertEquals(0.4, unsure.probability(TypeDistribution.UNKNOWN), 1e-12);
        assertEquals(0.6 * 0.6, unsure.probability("dent"), 1e-12);
    }

    @Test
    void aTypeWithoutPrototypesGetsOnlyItsTextShare() {
        TypeDistribution d = fusion(1.0, true, false).fuse(new double[] {0.2, 0.8}, new double[] {0.5, 2.0});
        assertEquals(0.5 * 0.2 + 0.5, d.probability("scratch"), 1e-12);
        assertEquals(0.5 * 0.8, d.probability("dent"), 1e-12);
    }

    @Test
    void regionCellsCountEachRegionsPixelsPerPatchCell() {
        // 4 × 2 image on a 2 × 2 grid: cell x = ⌊x·2/4⌋, y = ⌊y·2/2⌋
        int[] labels = {1, 1, 0, 2,
                        0, 1, 2, 2};
        double[][] cells = TypeFusion.regionCells(labels, 4, 2, 2, 2);
        assertArrayEquals(new double[] {2, 0, 1, 0}, cells[0]);
        assertArrayEquals(new double[] {0, 1, 0, 2}, cells[1]);
    }

    @Test
    void theImageIsTheAreaWeightedMixtureOfItsRegions() {
        TypeDistribution a = new TypeDistribution(Map.of("scratch", 1.0));
        TypeDistribution b = new TypeDistribution(Map.of("dent", 0.5, TypeDistribution.UNKNOWN, 0.5));
        TypeDistribution image = TypeFusion.image(List.of(a, b), new int[] {10, 30});
        assertEquals(0.25, image.probability("scratch"), 1e-12);
        assertEquals(0.375, image.probability("dent"), 1e-12);
        assertEquals(0.375, image.probability(TypeDistribution.UNKNOWN), 1e-12);
        assertEquals("dent", image.top()); // ties broken by name: dent < unknown
    }

    @Test
    void cellsWeightTheirDistributionsAndSkipZeroWeights() {
        PatchTypes patches = new PatchTypes(1, new float[] {0.9f, 0.1f}, new float[] {0.1f, 0.9f});
        TypeDistribution d = fusion(1.0, true, true).cells(patches, new double[] {2});
        assertEquals("scratch", d.top());
        assertThrows(IllegalArgumentException.class, () -> fusion(1.0, true, true).cells(patches, new double[] {0}));
    }

    @Test
    void strongestCellsKeepThoseAtLeastHalfTheStrongest() {
        float[] map = {4, 4, 1, 1,
                       4, 4, 1, 1,
                       2, 2, 0, 0,
                       2, 2, 0, 0};
        assertArrayEquals(new double[] {4, 0, 2, 0}, TypeFusion.strongestCells(map, 4, 2));
    }

    @Test
    void vocabularyMergesDataNamesAndGivenTypesWithoutPlaceholders() {
        TypeVocabulary given = TypeVocabulary.parse("crack=hairline crack|fissure, scratch=scuff");
        TypeVocabulary v = TypeVocabulary.of(List.of("scratch", "anomaly", "good", "dent", "scratch"), given);
        assertEquals(List.of("scratch", "dent", "crack"), v.names());
        assertEquals(List.of("scratch", "scuff"), v.types().get(0).phrases());
        assertEquals(List.of("crack", "hairline crack", "fissure"), v.types().get(2).phrases());
        assertEquals(List.of("missing part"), TypeVocabulary.of(List.of("missing_part"), null).types().get(0)
                .phrases());
        assertEquals(null, TypeVocabulary.of(List.of("anomaly", "synthetic"), null));
        assertEquals(List.of("{object} has a {type} defect.".replace("{object}", "bolt").replace("{type}", "dent")),
                TypeTexts.prompts(List.of("{object} has a {type} defect."), "bolt", DefectType.named("dent")));
    }

    @Test
    void badDefectTypeOptionsAreOneLineUsageErrors() {
        for (String bad : new String[] {"", "scratch,,dent", "scratch=", "scratch,scratch", "unknown", "good"}) {
            AdclipException e = assertThrows(AdclipException.class, () -> TypeVocabulary.parse(bad), bad);
            assertEquals(AdclipException.USAGE, e.exitCode(), bad);
            assertFalse(e.getMessage().contains("\n"), bad);
        }
    }
}
