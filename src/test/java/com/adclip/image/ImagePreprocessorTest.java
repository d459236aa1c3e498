package com.adclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.adclip.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The golden checks: our pixels against the reference's Pillow 9.4 + torchvision arrays. */
class ImagePreprocessorTest {

    private static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

    /** Max and mean |Δ| in 8-bit levels over a [.., 3, S, S] array pair (channel-aware). */
    record Levels(double max, double mean) {}

    static Levels levels(float[] expected, float[] actual, int size) {
        assertEquals(expected.length, actual.length, "array length");
        int plane = size * size;
        double max = 0;
        double sum = 0;
        for (int i = 0; i < expected.length; i++) {
            int channel = (i / plane) % 3;
            double d = Math.abs(expected[i] - actual[i]) * STD[channel] * 255.0;
            max = Math.max(max, d);
            sum += d;
        }
        return new Levels(max, sum / expected.length);
    }

    @Test
    void goldenPreprocessMatchesPillowAndTorchvision() {
        Path dir = Fixtures.goldenPreprocess();
        Map<String, String> report = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> expected = Fixtures.npz(manager, dir.resolve("expected.npz"));
            assertEquals(22, expected.size(), expected.keySet().toString());
            for (Map.Entry<String, NDArray> e : expected.entrySet()) {
                String key = e.getKey();
                int size = Integer.parseInt(key.substring(0, key.indexOf('/')));
                Path image = dir.resolve(key.substring(key.indexOf('/') + 1));
                if (!image.toFile().isFile()) {
                    image = dir.resolve("images").resolve(key.substring(key.indexOf('/') + 1));
                }
                ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.reference(size));
                float[] actual = preprocessor.preprocess(image).pixels();
                Levels l = levels(e.getValue().toFloatArray(), actual, size);
                report.put(key, String.format("max %.3f mean %.4f", l.max(), l.mean()));
                boolean jpeg = key.endsWith(".jpg");
                boolean ok = jpeg ? l.mean() <= 1.0 && l.max() <= 3.0 + 1e-3 : l.max() <= 1.0 + 1e-3;
                if (!ok) {
                    failures.add(key + ": " + report.get(key));
                }
            }
        }
        report.forEach((k, v) -> System.out.println("golden-preprocess-v1 " + k + ": |Δ| levels " + v));
        assertTrue(failures.isEmpty(), "outside tolerance: " + failures);
    }

    @Test
    void goldenV1PixelsAndMasks() {
        Path dir = Fixtures.goldenV1();
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.reference(48));
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> expected = Fixtures.npz(manager, dir.resolve("expected.npz"));
            List<Path> images = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                images.add(dir.resolve("images/img" + i + ".png"));
            }
            NDArray pixels = preprocessor.pixels(manager, images);
            assertArrayEquals(new long[] {4, 3, 48, 48}, pixels.getShape().getShape());
            Levels l = levels(expected.get("pixels").toFloatArray(), pixels.toFloatArray(), 48);
            System.out.printf("golden-v1 pixels: |Δ| levels max %.3f mean %.4f%n", l.max(), l.mean());
            assertTrue(l.max() <= 1.0 + 1e-3, "pixels max |Δ| " + l.max() + " levels");

            float[] masks = expected.get("masks").toFloatArray();
            for (int i = 0; i < 4; i++) {
                NDArray mask = preprocessor.mask(manager, dir.resolve("masks/img" + i + "_mask.png"));
                assertArrayEquals(new long[] {48, 48}, mask.getShape().getShape());
                float[] want = new float[48 * 48];
                System.arraycopy(masks, i * 48 * 48, want, 0, want.length);
                assertArrayEquals(want, mask.toFloatArray(), "mask " + i);
            }
        }
    }
}
