package com.adclip.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import com.adclip.AdclipException;
import com.adclip.anomaly.BundleManifest;
import com.adclip.anomaly.Detection;
import com.adclip.clip.VisionFeatures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bank maps, self-distance and fusion on golden-v1's patch features, against brute-force double arithmetic. */
class ReferenceBankTest {
    private static final double TOL = 1e-5;

    private NDManager manager;
    private GoldenFeatures golden;

    @BeforeEach
    void load() {
        manager = NDManager.newBaseManager();
        golden = new GoldenFeatures(manager);
    }

    @AfterEach
    void free() {
        manager.close();
    }

    private ReferenceBank bank(BankOptions options, int... images) {
        try (BankBuilder builder = new BankBuilder(GoldenFeatures.CONFIG, options, manager)) {
            for (int image : images) {
                builder.add("image" + image + ".png", GoldenFeatures.sha(image), golden.images(image, image + 1), 0);
            }
            return builder.build(null, manager, message -> {});
        }
    }

    private static BankOptions keepAll() {
        return BankOptions.defaults().withCoresetSize(0);
    }

    /** Stored float16 rows of each block as unit double vectors. */
    private static List<double[][]> bankRows(ReferenceBank bank) {
        List<double[][]> layers = new ArrayList<>();
        for (NDArray stored : bank.storedRows()) {
            assertEquals(DataType.FLOAT16, stored.getDataType());
            int n = Math.toIntExact(stored.getShape().get(0));
            int e = Math.toIntExact(stored.getShape().get(1));
            float[] values = stored.toType(DataType.FLOAT32, false).toFloatArray();
            double[][] rows = new double[n][];
            for (int i = 0; i < n; i++) {
                double[] row = new double[e];
                for (int j = 0; j < e; j++) {
                    row[j] = values[i * e + j];
                }
                rows[i] = unit(row);
            }
            layers.add(rows);
        }
        return layers;
    }

    private static double[] unit(double[] x) {
        double norm = 0;
        for (double v : x) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] / norm;
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    /** Σ_l min_m (1 − cos) for every patch of image b, brute force: [G²]. */
    private double[] bruteForce(List<double[][]> bank, int image) {
        int patches = GoldenFeatures.GRID * GoldenFeatures.GRID;
        double[] sum = new double[patches];
        for (int l = 0; l < bank.size(); l++) {
            for (int p = 0; p < patches; p++) {
                double[] x = unit(golden.token(l, image, p + 1));
                double best = Double.POSITIVE_INFINITY;
                for (double[] m : bank.get(l)) {
                    best = Math.min(best, 1 - dot(x, m));
                }
                sum[p] += best;
            }
        }
        return sum;
    }

    @Test
    void bankMapEqualsBruteForceOnGoldenFeatures() {
        try (ReferenceBank bank = bank(keepAll(), 0, 1)) {
            assertEquals(2 * 144, bank.section().layers().get(0).kept());
            List<double[][]> rows = bankRows(bank);
            NDArray grid = bank.distanceGrid(golden.images(0, 4)); // [4, 12, 12]
            assertArrayEquals(new long[] {4, 12, 12}, grid.getShape().getShape());
            for (int image = 0; image < 4; image++) {
                double[] expected = bruteForce(rows, image);
                float[] actual = grid.get(image).toFloatArray();
                for (int p = 0; p < expected.length; p++) {
                    assertEquals(expected[p], actual[p], TOL, "image " + image + " patch " + p);
                }
                if (image >= 2) {
                    assertTrue(max(expected) > 0.01, "an image outside the bank is not at distance 0");
                }
            }
        }
    }

    @Test
    void chunkedSearchEqualsOneBlock() {
        try (ReferenceBank bank = bank(keepAll(), 0, 1, 2)) {
            NDArray queries = bank.searchRows().get(1).get(new NDIndex("0:7"));
            NDArray whole = BankSearch.nearestDistances(queries.get(new NDIndex("0:1")), bank.searchRows().get(3));
            // a single query row makes one chunk hold the whole bank; compare with a bank split into three parts
            NDArray rows = bank.searchRows().get(3);
            long n = rows.getShape().get(0);
            float[] parts = new float[3];
            for (int k = 0; k < 3; k++) {
                NDArray part = rows.get(new NDIndex("{}:{}", k * n / 3, (k + 1) * n / 3));
                parts[k] = BankSearch.nearestDistances(queries.get(new NDIndex("0:1")), part).getFloat(0);
            }
            assertEquals(Math.min(parts[0], Math.min(parts[1], parts[2])), whole.getFloat(0), 0f);
        }
    }

    @Test
    void imagesInTheBankScoreZeroOnEveryPatch() {
        try (ReferenceBank bank = bank(keepAll(), 0, 1, 2, 3)) {
            float[] grid = bank.distanceGrid(golden.images(0, 4)).toFloatArray();
            for (int i = 0; i < grid.length; i++) {
                assertEquals(0, grid[i], TOL, "patch " + i);
            }
        }
    }

    @Test
    void withACoresetEveryBankImageIsWithinTheRadius() {
        try (ReferenceBank bank = bank(BankOptions.defaults().withCoresetSize(100), 0, 1, 2, 3)) {
            double sumOfRadii = 0;
            for (BundleManifest.BankLayer layer : bank.section().layers()) {
                assertEquals(4 * 144, layer.patches());
                assertEquals(100, layer.kept());
                assertTrue(layer.radius() > 0, "a coreset of 100 out of 576 rows drops something");
                sumOfRadii += layer.radius();
            }
            float[] grid = bank.distanceGrid(golden.images(0, 4)).toFloatArray();
            for (float value : grid) {
                assertTrue(value <= sumOfRadii + 1e-6, value + " > Σ radii " + sumOfRadii);
            }
        }
    }

    @Test
    void fusedDetectionAddsTheUpsampledBankMapAndFusesTheScore() {
        try (ReferenceBank bank = bank(keepAll(), 0, 1)) {
            NDArray probs = golden.expected.get("image_probs");
            NDArray rawMap = golden.expected.get("anomaly_map_raw");
            Detection prompt = new Detection(probs.log(), probs, List.of(), rawMap);
            Detection fused = bank.fuse(prompt, golden.images(0, 4), GoldenFeatures.SIZE);
            List<double[][]> rows = bankRows(bank);
            double q = bank.section().normalizer();
            float[] raw = rawMap.toFloatArray();
            float[] fusedRaw = fused.rawMap().toFloatArray();
            int s = GoldenFeatures.SIZE;
            for (int image = 0; image < 4; image++) {
                double[] grid = bruteForce(rows, image);
                double[][] up = bilinear(grid, GoldenFeatures.GRID, s);
                for (int y = 0; y < s; y++) {
                    for (int x = 0; x < s; x++) {
                        int at = (image * s + y) * s + x;
                        assertEquals(raw[at] + up[y][x], fusedRaw[at], TOL, "image " + image + " at " + y + "," + x);
                    }
                }
                double r = max(grid);
                double p = probs.getFloat(image, 1);
                double score = (p + r / (r + q)) / 2;
                assertEquals(score, fused.probabilities().getFloat(image, 1), TOL);
                assertEquals(1 - score, fused.probabilities().getFloat(image, 0), TOL);
            }
        }
    }

    /** torch's bilinear resize, align_corners=False, of a g×g grid to s×s, brute force. */
    private static double[][] bilinear(double[] grid, int g, int s) {
        double[][] out = new double[s][s];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                double sy = Math.max(0, (double) g / s * (y + 0.5) - 0.5);
                double sx = Math.max(0, (double) g / s * (x + 0.5) - 0.5);
                int y0 = (int) sy;
                int x0 = (int) sx;
                int y1 = Math.min(g - 1, y0 + 1);
                int x1 = Math.min(g - 1, x0 + 1);
                double wy = sy - y0;
                double wx = sx - x0;
                out[y][x] = (1 - wy) * ((1 - wx) * grid[y0 * g + x0] + wx * grid[y0 * g + x1])
                        + wy * ((1 - wx) * grid[y1 * g + x0] + wx * grid[y1 * g + x1]);
            }
        }
        return out;
    }

    private static double max(double[] values) {
        double best = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            best = Math.max(best, v);
        }
        return best;
    }

    @Test
    void leaveOneOutStatisticsAreThe99thPercentileOfTheOtherImagesDistances() {
        try (ReferenceBank bank = bank(keepAll(), 0, 1, 2)) {
            List<BundleManifest.ReferenceImage> images = bank.section().images();
            assertEquals(3, images.size());
            double mean = 0;
            for (int i = 0; i < 3; i++) {
                // brute force: image i's stored (float16) rows against the rows of the two others
                try (ReferenceBank others = bank(keepAll(), otherThan(i))) {
                    double[] distances = distancesOfRows(bankRows(bank), i * 144, bankRows(others));
                    double expected = numpyPercentile(distances, 0.99);
                    assertEquals(expected, images.get(i).looP99(), TOL, "image " + i);
                    mean += expected / 3;
                }
            }
            assertEquals(mean, bank.section().normalizer(), TOL);
        }
    }

    /** Σ_l min_m (1 − cos) of the 144 stored rows from {@code first} on, against {@code bank}. */
    private static double[] distancesOfRows(List<double[][]> rows, int first, List<double[][]> bank) {
        double[] sum = new double[144];
        for (int l = 0; l < bank.size(); l++) {
            for (int p = 0; p < 144; p++) {
                double best = Double.POSITIVE_INFINITY;
                for (double[] m : bank.get(l)) {
                    best = Math.min(best, 1 - dot(rows.get(l)[first + p], m));
                }
                sum[p] += best;
            }
        }
        return sum;
    }

    private static int[] otherThan(int i) {
        return java.util.stream.IntStream.range(0, 3).filter(j -> j != i).toArray();
    }

    /** numpy.percentile(values, 100·f), method "linear", written out. */
    private static double numpyPercentile(double[] values, double f) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        double h = (sorted.length - 1) * f;
        int lo = (int) Math.floor(h);
        return sorted[lo] + (h - lo) * (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]);
    }

    @Test
    void aSingleReferenceTakesItsStatisticsOutsideEachPatchsNeighbourhood() {
        try (ReferenceBank bank = bank(keepAll(), 2)) {
            List<double[][]> rows = bankRows(bank);
            int g = GoldenFeatures.GRID;
            double[] distances = new double[g * g];
            for (int l = 0; l < rows.size(); l++) {
                for (int p = 0; p < g * g; p++) {
                    double best = Double.POSITIVE_INFINITY;
                    for (int m = 0; m < g * g; m++) {
                        if (Math.abs(p / g - m / g) > 1 || Math.abs(p % g - m % g) > 1) {
                            best = Math.min(best, 1 - dot(rows.get(l)[p], rows.get(l)[m]));
                        }
                    }
                    distances[p] += best;
                }
            }
            double expected = numpyPercentile(distances, 0.99);
            assertTrue(expected > 0.01);
            assertEquals(expected, bank.section().images().get(0).looP99(), TOL);
            assertEquals(expected, bank.section().normalizer(), TOL);
        }
    }

    @Test
    void addingImagesKeepsTheOldRowsAndNumbersTheNewSources() {
        try (ReferenceBank first = bank(keepAll(), 0, 1);
                BankBuilder builder = new BankBuilder(GoldenFeatures.CONFIG, keepAll(), manager)) {
            builder.add("image2.png", GoldenFeatures.sha(2), golden.images(2, 3), 0);
            try (ReferenceBank bigger = builder.build(first, manager, message -> {})) {
                assertEquals(3, bigger.size());
                assertEquals(first.section().images(), bigger.section().images().subList(0, 2));
                NDArray stored = bigger.storedRows().get(2);
                assertEquals(3 * 144, stored.getShape().get(0));
                assertArrayEquals(first.storedRows().get(2).toType(DataType.FLOAT32, false).toFloatArray(),
                        stored.get(new NDIndex("0:288")).toType(DataType.FLOAT32, false).toFloatArray(), 0f);
                int[] sources = bigger.sources().get(2).toIntArray();
                assertEquals(0, sources[0]);
                assertEquals(1, sources[287]);
                assertEquals(2, sources[288]);
                assertEquals(2, sources[431]);
                // image 2 is now in the bank
                for (float v : bigger.distanceGrid(golden.images(2, 3)).toFloatArray()) {
                    assertEquals(0, v, TOL);
                }
            }
        }
    }

    @Test
    void theSameImageTwiceIsRefused() {
        try (ReferenceBank first = bank(keepAll(), 0);
                BankBuilder builder = new BankBuilder(GoldenFeatures.CONFIG, keepAll(), manager)) {
            builder.add("again.png", GoldenFeatures.sha(0), golden.images(0, 1), 0);
            AdclipException e = assertThrows(AdclipException.class, () -> builder.build(first, manager, m -> {}));
            assertTrue(e.getMessage().contains("already in the bank"), e.getMessage());
            assertThrows(AdclipException.class, () -> builder.add("b.png", GoldenFeatures.sha(0),
                    golden.images(0, 1), 0));
        }
    }

    @Test
    void aBankForOtherFeaturesIsRefusedWithAClearMessage() {
        try (ReferenceBank bank = bank(keepAll(), 0)) {
            AdclipException e = assertThrows(AdclipException.class,
                    () -> bank.checkAgainst(GoldenFeatures.CONFIG.withImageSize(96)));
            assertTrue(e.getMessage().contains("--no-reference"), e.getMessage());
            assertNull(bank.section().thresholds());
            assertEquals(0.5 * 4 + bank.section().normalizer(), bank.thresholds().pixel(), 1e-12);
        }
    }
}
