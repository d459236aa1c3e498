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
    @Test
    void theSameRegionsAndLabelsAsAPlainBreadthFirstSearch() {
        java.util.Random random = new java.util.Random(3);
        int[][] sizes = {{1, 1}, {1, 9}, {9, 1}, {2, 2}, {7, 5}, {40, 33}, {96, 128}};
        for (int[] size : sizes) {
            for (double fill : new double[] {0.3, 0.55, 0.8, 1.0}) {
                int h = size[0];
                int w = size[1];
                float[] map = new float[h * w];
                for (int i = 0; i < map.length; i++) {
                    map[i] = random.nextDouble() < fill ? 0.5f + random.nextFloat() : random.nextFloat() * 0.5f;
                }
                DefectRegions found = DefectRegions.find(map, h, w, 0.5f);
                PlainSearch plain = new PlainSearch(map, h, w, 0.5f);
                String what = h + " x " + w + " filled " + fill;
                assertArrayEquals(plain.labels, found.labels(), what);
                assertEquals(plain.regions, found.regions(), what);
            }
        }
    }

    /**
     * Labelling as written first: breadth first from each unlabelled pixel in raster order, every neighbour
     * bounds-checked, regions then sorted and numbered as {@link DefectRegions} documents.
     */
    private static final class PlainSearch {
        final int[] labels;
        final List<Region> regions;

        PlainSearch(float[] map, int h, int w, float threshold) {
            int[] raw = new int[map.length];
            List<double[]> stats = new java.util.ArrayList<>(); // minX, minY, maxX, maxY, area, max, sum, label
            int[] queue = new int[map.length];
            for (int start = 0; start < map.length; start++) {
                if (raw[start] != 0 || !(map[start] > threshold)) {
                    continue;
                }
                int label = stats.size() + 1;
                double[] s = {w, h, -1, -1, 0, Float.NEGATIVE_INFINITY, 0, label};
                int head = 0;
                int tail = 0;
                raw[start] = label;
                queue[tail++] = start;
                while (head < tail) {
                    int p = queue[head++];
                    int y = p / w;
                    int x = p % w;
                    s[0] = Math.min(s[0], x);
                    s[1] = Math.min(s[1], y);
                    s[2] = Math.max(s[2], x);
                    s[3] = Math.max(s[3], y);
                    s[4]++;
                    s[5] = Math.max((float) s[5], map[p]);
                    s[6] += map[p];
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            int qy = y + dy;
                            int qx = x + dx;
                            if ((dy != 0 || dx != 0) && qy >= 0 && qy < h && qx >= 0 && qx < w
                                    && raw[qy * w + qx] == 0 && map[qy * w + qx] > threshold) {
                                raw[qy * w + qx] = label;
                                queue[tail++] = qy * w + qx;
                            }
                        }
                    }
                }
                stats.add(s);
            }
            stats.sort(java.util.Comparator.comparingDouble((double[] s) -> -s[5])
                    .thenComparingDouble(s -> -s[4]).thenComparingDouble(s -> s[7]));
            int[] renumber = new int[stats.size() + 1];
            List<Region> sorted = new java.util.ArrayList<>();
            for (int i = 0; i < stats.size(); i++) {
                double[] s = stats.get(i);
                renumber[(int) s[7]] = i + 1;
                sorted.add(new Region(i + 1, (int) s[0], (int) s[1], (int) (s[2] - s[0] + 1),
                        (int) (s[3] - s[1] + 1), (int) s[4], (float) s[5], (float) (s[6] / s[4])));
            }
            for (int i = 0; i < raw.length; i++) {
                raw[i] = renumber[raw[i]];
            }
            this.labels = raw;
            this.regions = sorted;
        }
    }

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
