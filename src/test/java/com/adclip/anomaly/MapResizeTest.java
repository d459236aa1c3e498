package com.adclip.anomaly;

import static com.adclip.testing.GoldenAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link MapResize} against a direct transcription of torch's bilinear, align_corners=False. */
class MapResizeTest {
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
    void stretchesToTheImagesOwnWidthAndHeight() {
        check(12, 12, 53, 37); // a 53 x 37 image: map [37, 53]
        check(48, 48, 20, 30); // shrinking
        check(5, 9, 9, 5); // non-square map, transposed target
        check(1, 1, 4, 3); // a single value fills the image
    }

    @Test
    void shrinkingIsPlainTwoTapBilinear() {
        // 8 -> 4: scale 2, source = 2 * (i + 0.5) - 0.5 = 0.5, 2.5, 4.5, 6.5: the mean of each pair of
        // neighbours (torch without antialias), along either axis.
        float[] v = {0, 10, 100, 1000, 10000, 100000, 0, 0};
        float[] expected = {5, 550, 55000, 0};
        try (NDManager scope = manager.newSubManager()) {
            assertArrayEquals(expected, MapResize.toImageSize(scope.create(v, new Shape(1, 8)), 4, 1).toFloatArray());
            assertArrayEquals(expected, MapResize.toImageSize(scope.create(v, new Shape(8, 1)), 1, 4).toFloatArray());
        }
    }

    @Test
    void enlargingAgreesWithLibtorchsOwnInterpolate() {
        // libtorch's interpolate (DJL's JNI mode 2 = bilinear) is plain bilinear when it enlarges; it only
        // antialiases when shrinking. An independent check of our gather-and-lerp resize.
        try (NDManager scope = manager.newSubManager()) {
            NDArray map = scope.create(random(12 * 12, 9), new Shape(12, 12));
            NDArray viaOps = ai.djl.pytorch.jni.JniUtils.interpolate(
                    (ai.djl.pytorch.engine.PtNDArray) map.reshape(1, 1, 12, 12), new long[] {37, 53}, 2, false)
                    .reshape(37, 53);
            assertClose("12x12 -> 53x37", viaOps, MapResize.toImageSize(map, 53, 37), 1e-6);
        }
    }

    @Test
    void sameSizeIsTheIdentity() {
        try (NDManager scope = manager.newSubManager()) {
            float[] map = random(6 * 8, 3);
            NDArray out = MapResize.toImageSize(scope.create(map, new Shape(6, 8)), 8, 6);
            assertArrayEquals(map, out.toFloatArray());
        }
    }

    @Test
    void resizesEachMapOfABatch() {
        int h = 7;
        int w = 6;
        float[] maps = random(2 * h * w, 5);
        try (NDManager scope = manager.newSubManager()) {
            NDArray out = MapResize.toImageSize(scope.create(maps, new Shape(2, h, w)), 11, 13);
            assertEquals(new Shape(2, 13, 11), out.getShape());
            float[] expected = new float[2 * 13 * 11];
            for (int b = 0; b < 2; b++) {
                float[] one = Arrays.copyOfRange(maps, b * h * w, (b + 1) * h * w);
                System.arraycopy(naive(one, h, w, 13, 11), 0, expected, b * 13 * 11, 13 * 11);
            }
            assertClose("batch", scope.create(expected, new Shape(2, 13, 11)), out, 1e-6);
        }
    }

    @Test
    void freesEverythingButTheResult() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray in = scope.create(random(16, 1), new Shape(4, 4));
            int before = scope.getManagedArrays().size();
            MapResize.toImageSize(in, 10, 7);
            assertEquals(before + 1, scope.getManagedArrays().size());
        }
    }

    @Test
    void rejectsBadInput() {
        try (NDManager scope = manager.newSubManager()) {
            assertThrows(IllegalArgumentException.class, () -> MapResize.toImageSize(scope.zeros(new Shape(4)), 2, 2));
            assertThrows(IllegalArgumentException.class,
                    () -> MapResize.toImageSize(scope.zeros(new Shape(4, 4), DataType.FLOAT64), 2, 2));
            NDArray square = scope.zeros(new Shape(4, 4));
            assertThrows(IllegalArgumentException.class, () -> MapResize.toImageSize(square, 0, 2));
        }
    }

    private static void check(int h, int w, int width, int height) {
        float[] map = random(h * w, h * 31 + w);
        try (NDManager scope = manager.newSubManager()) {
            NDArray out = MapResize.toImageSize(scope.create(map, new Shape(h, w)), width, height);
            assertEquals(new Shape(height, width), out.getShape());
            assertClose(h + "x" + w + " -> " + width + "x" + height,
                    scope.create(naive(map, h, w, height, width), new Shape(height, width)), out, 1e-6);
        }
    }

    /**
     * torch's upsample_bilinear2d, align_corners=False: source = (in / out) * (dst + 0.5) - 0.5, clamped at 0,
     * linear between floor(source) and the next sample (the last one repeating), rows then columns. The source
     * coordinate is computed in float32 as torch does (its rounding moves the weights by ~1e-6); the rest in
     * float64.
     */
    static float[] naive(float[] map, int h, int w, int outH, int outW) {
        float[] out = new float[outH * outW];
        for (int y = 0; y < outH; y++) {
            float sy = Math.max(0f, (float) h / outH * (y + 0.5f) - 0.5f);
            int y0 = (int) Math.floor(sy);
            int y1 = Math.min(y0 + 1, h - 1);
            double fy = sy - y0; // exact: both floats
            for (int x = 0; x < outW; x++) {
                float sx = Math.max(0f, (float) w / outW * (x + 0.5f) - 0.5f);
                int x0 = (int) Math.floor(sx);
                int x1 = Math.min(x0 + 1, w - 1);
                double fx = sx - x0;
                double top = map[y0 * w + x0] * (1 - fx) + map[y0 * w + x1] * fx;
                double bottom = map[y1 * w + x0] * (1 - fx) + map[y1 * w + x1] * fx;
                out[y * outW + x] = (float) (top * (1 - fy) + bottom * fy);
            }
        }
        return out;
    }

    private static float[] random(int n, long seed) {
        Random random = new Random(seed);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextFloat() * 4 - 1;
        }
        return values;
    }
}
