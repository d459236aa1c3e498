package com.adclip.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.adclip.anomaly.DefectRegions;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Which ground-truth type a predicted region takes, on hand-drawn labels. */
class RegionTypeMatchTest {

    private static void label(int[] labels, int region, int... pixels) {
        for (int p : pixels) {
            labels[p] = region;
        }
    }

    @Test
    void mostSharedPixelsWinWhenTheyAreAQuarterOfTheSmallerRegion() {
        List<RegionTypeMatch.Truth> truth = List.of(
                new RegionTypeMatch.Truth("scratch", IntStream.rangeClosed(0, 7).toArray()), // 8 px
                new RegionTypeMatch.Truth("dent", IntStream.rangeClosed(20, 31).toArray())); // 12 px
        int[] labels = new int[64];
        label(labels, 1, 6, 7, 20, 21, 22); // 2 scratch, 3 dent pixels of 5: dent, 3 >= 0.25 * 5
        label(labels, 2, 0, 1, 40, 41, 42, 43, 44, 45, 46, 47); // 2 scratch pixels of 10: 2 >= 0.25 * min(10, 8)
        label(labels, 3, 2, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59); // 1 scratch pixel: 1 < 0.25 * 8
        label(labels, 4, 60, 61, 62, 63); // touches nothing
        label(labels, 5, 3, 4, 23, 24); // 2 and 2: the first truth region
        assertArrayEquals(new String[] {"dent", "scratch", null, null, "scratch"},
                RegionTypeMatch.match(labels, 5, truth));
    }

    @Test
    void aMaskSplitsInto8ConnectedTruthRegions() {
        boolean[] mask = new boolean[4 * 3];
        for (int p : new int[] {0, 5, 3, 7}) { // 0 and 5 touch by a corner; 3 and 7 are one above the other, two columns from 5
            mask[p] = true;
        }
        List<RegionTypeMatch.Truth> regions = RegionTypeMatch.components(mask, 4, 3, "dent");
        assertEquals(2, regions.size());
        assertEquals("dent", regions.get(0).type());
        List<List<Integer>> pixels = regions.stream()
                .map(r -> IntStream.of(r.pixels()).boxed().sorted().toList()).sorted((a, b) -> a.get(0) - b.get(0))
                .toList();
        assertEquals(List.of(List.of(0, 5), List.of(3, 7)), pixels);
    }

    @Test
    void predictedPixelsAreLabelledInThePredictionsRegionOrder() {
        // 6 × 3: A = (0,0),(1,0); B = (4,1),(5,1),(4,2)
        boolean[] mask = new boolean[18];
        for (int p : new int[] {0, 1, 10, 11, 16}) {
            mask[p] = true;
        }
        List<DefectRegions.Region> regions = List.of(
                new DefectRegions.Region(1, 4, 1, 2, 2, 3, 0.9f, 0.8f),
                new DefectRegions.Region(2, 0, 0, 2, 1, 2, 0.7f, 0.6f));
        int[] expected = new int[18];
        expected[0] = 2;
        expected[1] = 2;
        expected[10] = 1;
        expected[11] = 1;
        expected[16] = 1;
        assertArrayEquals(expected, RegionTypeMatch.labels(mask, 6, 3, regions));
    }
}
