package com.adclip.anomaly;

import static com.adclip.testing.GoldenAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.adclip.testing.Fixtures;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link GaussianSmoothing} against scipy (golden-v1, a scipy-made fixture) and a naive Java filter. */
class GaussianSmoothingTest {
    private static final double TOL = 1e-4;

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void goldenGaussianMatchesScipy() {
        try (NDManager scope = manager.newSubManager()) {
            Map<String, NDArray> expected = Fixtures.npz(scope, Fixtures.goldenV1().resolve("expected.npz"));
            NDArray out = new GaussianSmoothing(4).apply(expected.get("gaussian/in"));
            assertClose("gaussian/out_sigma4", expected.get("gaussian/out_sigma4"), out, TOL);
        }
    }

    @Test
    void goldenAnomalyMapIsSmoothedPerImage() {
        try (NDManager scope = manager.newSubManager()) {
            Map<String, NDArray> expected = Fixtures.npz(scope, Fixtures.goldenV1().resolve("expected.npz"));
            NDArray out = new GaussianSmoothing(4).apply(expected.get("anomaly_map_raw"));
            assertClose("anomaly_map", expected.get("anomaly_map"), out, TOL);
        }
    }

    @Test
    void scipyCasesIncludingRadiusBeyondTheMap() throws URISyntaxException {
        Path file = Path.of(getClass().getResource("gaussian-scipy.npz").toURI());
        try (NDManager scope = manager.newSubManager()) {
            Map<String, NDArray> cases = Fixtures.npz(scope, file);
            assertEquals(18, cases.size(), "3 arrays per case, 6 cases");
            for (int k = 0; cases.containsKey(k + "/in"); k++) {
                double sigma = cases.get(k + "/sigma").toDoubleArray()[0];
                NDArray out = new GaussianSmoothing(sigma).apply(cases.get(k + "/in"));
                assertClose("scipy case " + k + " sigma " + sigma, cases.get(k + "/out"), out, TOL);
            }
        }
    }

    @Test
    void matchesNaiveReferenceOnRandomMaps() {
        Random random = new Random(7);
        int[][] sizes = {{1, 1}, {2, 3}, {5, 4}, {9, 17}, {24, 7}, {31, 31}};
        double[] sigmas = {0.3, 1.0, 2.5, 4.0, 6.1};
        for (int[] size : sizes) {
            for (double sigma : sigmas) {
                float[] map = new float[size[0] * size[1]];
                for (int i = 0; i < map.length; i++) {
                    map[i] = (float) (random.nextGaussian() * 2);
                }
                float[] expected = naive(map, size[0], size[1], sigma);
                try (NDManager scope = manager.newSubManager()) {
                    NDArray in = scope.create(map, new Shape(size[0], size[1]));
                    NDArray out = new GaussianSmoothing(sigma).apply(in);
                    assertClose(size[0] + "x" + size[1] + " sigma " + sigma,
                            scope.create(expected, new Shape(size[0], size[1])), out, 1e-6);
                    assertArrayEquals(map, in.toFloatArray(), "input must be left unchanged");
                }
            }
        }
    }

    @Test
    void batchIsFilteredImageByImage() {
        Random random = new Random(11);
        int b = 3;
        int h = 6;
        int w = 5;
        float[] maps = new float[b * h * w];
        for (int i = 0; i < maps.length; i++) {
            maps[i] = random.nextFloat();
        }
        float[] expected = new float[maps.length];
        for (int i = 0; i < b; i++) {
            float[] one = Arrays.copyOfRange(maps, i * h * w, (i + 1) * h * w);
            System.arraycopy(naive(one, h, w, 2.0), 0, expected, i * h * w, h * w);
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray out = new GaussianSmoothing(2.0).apply(scope.create(maps, new Shape(b, h, w)));
            assertEquals(new Shape(b, h, w), out.getShape());
            assertClose("batch", scope.create(expected, new Shape(b, h, w)), out, 1e-6);
        }
    }

    @Test
    void kernelAndRadiusFollowScipy() {
        GaussianSmoothing g = new GaussianSmoothing(4);
        assertEquals(16, g.radius()); // int(4 * 4 + 0.5)
        assertEquals(3, new GaussianSmoothing(0.7).radius()); // int(3.3)
        assertEquals(1, new GaussianSmoothing(0.26).radius()); // int(1.54)
        assertEquals(0, new GaussianSmoothing(0.1).radius()); // int(0.9): identity
        double[] k = g.kernel();
        assertEquals(33, k.length);
        double sum = 0;
        for (double v : k) {
            sum += v;
        }
        assertEquals(1.0, sum, 1e-12);
        assertEquals(Math.exp(-0.5), k[16 + 4] / k[16], 1e-12); // one sigma away
        // c b a | a b c | c b a
        assertArrayEquals(new long[] {2, 1, 0, 0, 1, 2, 2, 1, 0}, GaussianSmoothing.reflectedIndex(3, 3));
        assertArrayEquals(new long[] {0, 0, 0, 0, 0}, GaussianSmoothing.reflectedIndex(1, 2));
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> new GaussianSmoothing(0));
        assertThrows(IllegalArgumentException.class, () -> new GaussianSmoothing(-1));
        assertThrows(IllegalArgumentException.class, () -> new GaussianSmoothing(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new GaussianSmoothing(1, 0));
        try (NDManager scope = manager.newSubManager()) {
            GaussianSmoothing g = new GaussianSmoothing(1);
            assertThrows(IllegalArgumentException.class, () -> g.apply(scope.zeros(new Shape(4))));
            assertThrows(IllegalArgumentException.class,
                    () -> g.apply(scope.zeros(new Shape(2, 2), DataType.FLOAT64)));
        }
    }

    @Test
    void freesEverythingItCreates() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray in = scope.randomUniform(0, 1, new Shape(2, 12, 9));
            int before = scope.getManagedArrays().size();
            NDArray out = new GaussianSmoothing(1.5).apply(in);
            assertEquals(before + 1, scope.getManagedArrays().size(), "only the result may stay");
            assertEquals(in.getShape(), out.getShape());
        }
    }

    /**
     * A direct transcription of scipy's separable filter: per axis, float64 sums over the kernel with the
     * reflected border found by walking back and forth (not by modular arithmetic), stored as float32.
     */
    static float[] naive(float[] map, int h, int w, double sigma) {
        int radius = (int) (4.0 * sigma + 0.5);
        double[] k = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            k[i + radius] = Math.exp(-(i * (double) i) / (2 * sigma * sigma));
            sum += k[i + radius];
        }
        float[] rows = new float[map.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double acc = 0;
                for (int i = -radius; i <= radius; i++) {
                    acc += k[i + radius] / sum * map[walk(y + i, h) * w + x];
                }
                rows[y * w + x] = (float) acc;
            }
        }
        float[] out = new float[map.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double acc = 0;
                for (int i = -radius; i <= radius; i++) {
                    acc += k[i + radius] / sum * rows[y * w + walk(x + i, w)];
                }
                out[y * w + x] = (float) acc;
            }
        }
        return out;
    }

    /** Half-sample symmetric reflection by repeated mirroring at -0.5 and n-0.5. */
    private static int walk(int i, int n) {
        while (i < 0 || i >= n) {
            i = i < 0 ? -i - 1 : 2 * n - 1 - i;
        }
        return i;
    }
}
