package com.adclip.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.adclip.anomaly.DefectRegions.Region;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link DefectRegions} on hand-made maps; every expected value is worked out by hand in the comments. */
class DefectRegionsTest {
    private static final float EPS = 1e-6f;

    @Test
    void diagonalNeighboursJoinUnderEightConnectivity() {
        float[] map = {
            0.6f, 0, 0,
            0, 0.9f, 0,
            0, 0, 0.7f,
        };
        DefectRegions found = DefectRegions.find(map, 3, 3, 0.5f);
        // one region: box (0,0) 3x3, 3 pixels, max 0.9, mean (0.6 + 0.9 + 0.7) / 3 = 0.7333
        assertRegions(List.of(new Region(1, 0, 0, 3, 3, 3, 0.9f, (0.6f + 0.9f + 0.7f) / 3)), found.regions());
        assertArrayEquals(new int[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, found.labels());
    }

    @Test
    void antiDiagonalJoinsToo() {
        float[] map = {
            0, 0, 1,
            0, 1, 0,
            1, 0, 0,
        };
        List<Region> regions = DefectRegions.find(map, 3, 3, 0).regions();
        assertEquals(1, regions.size());
        assertEquals(new Region(1, 0, 0, 3, 3, 3, 1, 1), regions.get(0));
    }

    @Test
    void separateBlobsSortedByMaxScore() {
        float[] map = {
            0.9f, 0.8f, 0, 0, 0, 0,
            0.7f, 0, 0, 0, 0.6f, 0,
            0, 0, 0, 0.95f, 0.6f, 0,
            0, 0, 0, 0, 0, 0.55f,
        };
        DefectRegions found = DefectRegions.find(map, 4, 6, 0.5f);
        // B = (4,1) (3,2) (4,2) (5,3): (5,3) touches (4,2) by a corner; box x 3..5, y 1..3; max 0.95,
        //     mean (0.6 + 0.95 + 0.6 + 0.55) / 4 = 0.675. A = (0,0) (1,0) (0,1): box 2x2, max 0.9, mean 0.8.
        assertRegions(List.of(
                new Region(1, 3, 1, 3, 3, 4, 0.95f, 0.675f),
                new Region(2, 0, 0, 2, 2, 3, 0.9f, 0.8f)), found.regions());
        assertArrayEquals(new int[] {
            2, 2, 0, 0, 0, 0,
            2, 0, 0, 0, 1, 0,
            0, 0, 0, 1, 1, 0,
            0, 0, 0, 0, 0, 1,
        }, found.labels());
        assertEquals(6, found.width());
        assertEquals(4, found.height());
        assertEquals(0.5f, found.threshold());
    }

    @Test
    void thresholdIsStrictAndNaNIsNeverDefect() {
        float[] map = {0.5f, 0.50001f, Float.NaN, 0.4f};
        DefectRegions found = DefectRegions.find(map, 1, 4, 0.5f);
        assertArrayEquals(new boolean[] {false, true, false, false}, found.mask());
        assertEquals(List.of(new Region(1, 1, 0, 1, 1, 1, 0.50001f, 0.50001f)), found.regions());
    }

    @Test
    void emptyMaskHasNoRegions() {
        float[] map = {0.1f, 0.2f, 0.3f, 0.4f, 0.2f, 0.1f};
        DefectRegions found = DefectRegions.find(map, 2, 3, 0.4f);
        assertTrue(found.regions().isEmpty());
        assertArrayEquals(new boolean[6], found.mask());
        assertArrayEquals(new int[6], found.labels());
    }

    @Test
    void fullMaskIsOneRegionCoveringTheMap() {
        float[] map = {1, 2, 3, 4, 5, 6};
        DefectRegions found = DefectRegions.find(map, 2, 3, 0);
        // box (0,0) 3 wide 2 high, 6 pixels, max 6, mean 21 / 6 = 3.5
        assertEquals(List.of(new Region(1, 0, 0, 3, 2, 6, 6, 3.5f)), found.regions());
        boolean[] all = {true, true, true, true, true, true};
        assertArrayEquals(all, found.mask());
    }

    @Test
    void equalMaxScoresPutTheLargerRegionFirst() {
        float[] map = {
            1, 0, 1, 1,
            0, 0, 0, 1,
        };
        List<Region> regions = DefectRegions.find(map, 2, 4, 0.5f).regions();
        assertEquals(List.of(new Region(1, 2, 0, 2, 2, 3, 1, 1), new Region(2, 0, 0, 1, 1, 1, 1, 1)), regions);
    }

    @Test
    void ringWithAHoleIsOneRegion() {
        float[] map = {
            1, 1, 1,
            1, 0, 1,
            1, 1, 1,
        };
        DefectRegions found = DefectRegions.find(map, 3, 3, 0.5f);
        assertEquals(List.of(new Region(1, 0, 0, 3, 3, 8, 1, 1)), found.regions());
        assertEquals(0, found.labels()[4]);
    }

    @Test
    void readsAnNDArrayMap() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] map = {0, 0.8f, 0, 0, 0, 0.3f};
            DefectRegions found = DefectRegions.find(manager.create(map, new Shape(2, 3)), 0.2f);
            // (1,0) and (2,1) touch by a corner: box x 1..2, y 0..1, max 0.8, mean 0.55
            assertRegions(List.of(new Region(1, 1, 0, 2, 2, 2, 0.8f, 0.55f)), found.regions());
            assertEquals(found.regions(), DefectRegions.find(manager.create(map, new Shape(1, 2, 3)), 0.2f).regions());
            assertThrows(IllegalArgumentException.class,
                    () -> DefectRegions.find(manager.create(map, new Shape(2, 1, 3)), 0.2f));
        }
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> DefectRegions.find(new float[5], 2, 3, 0));
        assertThrows(IllegalArgumentException.class, () -> DefectRegions.find(new float[0], 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> DefectRegions.find(new float[1], 1, 1, Float.NaN));
    }

    /** Integer fields exactly; scores within 1e-6 (hand sums and the code's sums differ in the last ulp). */
    private static void assertRegions(List<Region> expected, List<Region> actual) {
        assertEquals(expected.size(), actual.size(), () -> "regions: " + actual);
        for (int i = 0; i < expected.size(); i++) {
            Region e = expected.get(i);
            Region a = actual.get(i);
            assertArrayEquals(new int[] {e.id(), e.x(), e.y(), e.width(), e.height(), e.area()},
                    new int[] {a.id(), a.x(), a.y(), a.width(), a.height(), a.area()}, () -> "region " + a);
            assertEquals(e.maxScore(), a.maxScore(), EPS, () -> "max of " + a);
            assertEquals(e.meanScore(), a.meanScore(), EPS, () -> "mean of " + a);
        }
    }
}
