package com.adclip.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.Verdict;
import com.adclip.anomaly.DefectRegions;
import com.adclip.anomaly.Prediction;
import com.adclip.types.TypeDistribution;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The type evaluation reads the image's and each region's distribution from a prediction. */
class PredictedTypesTest {
    private static Prediction plain(List<DefectRegions.Region> regions) {
        return new Prediction(0.9, 0.1, Verdict.NG, new float[4], 2, 2, regions, new boolean[4]);
    }

    @Test
    void aPredictionWithoutImageTypesHasNoAnswer() {
        assertTrue(PredictedTypes.of(plain(List.of())).isEmpty());
    }

    @Test
    void imageAndRegionDistributionsInRegionOrder() {
        DefectRegions.Region a = new DefectRegions.Region(1, 0, 0, 1, 1, 1, 0.9f, 0.9f);
        DefectRegions.Region b = new DefectRegions.Region(2, 1, 1, 1, 1, 1, 0.8f, 0.8f);
        TypeDistribution scratch = new TypeDistribution(Map.of("scratch", 0.7, "dent", 0.3));
        TypeDistribution image = new TypeDistribution(Map.of("scratch", 0.6, "unknown", 0.4));
        Prediction typed = plain(List.of(a, b)).withTypes(List.of(a.withTypes(scratch), b), image);
        TypeAnswer answer = PredictedTypes.of(typed).orElseThrow();
        assertEquals(Map.of("scratch", 0.6, "unknown", 0.4), answer.image());
        assertEquals(List.of(Map.of("scratch", 0.7, "dent", 0.3), Map.of()), answer.regions(),
                "a region without a distribution reads as no answer");
    }
}
