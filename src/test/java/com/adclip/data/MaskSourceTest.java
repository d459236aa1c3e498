package com.adclip.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.adclip.image.ImagePreprocessor;
import com.adclip.image.PreprocessConfig;
import com.adclip.testing.Fixtures;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mask targets from files and from in-memory rasters are the reference's masks. */
class MaskSourceTest {

    @TempDir
    Path tmp;

    @Test
    void goldenMasksThroughTheInMemoryPathMatchTheReference() {
        Dataset d = DatasetLoader.load(Fixtures.goldenV1());
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.reference(48));
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> expected = Fixtures.npz(manager, d.root().resolve("expected.npz"));
            float[] masks = expected.get("masks").toFloatArray();
            List<Sample> test = d.samples("test");
            for (int i = 1; i < 4; i++) {
                float[] want = new float[48 * 48];
                System.arraycopy(masks, i * 48 * 48, want, 0, want.length);
                MaskSource source = test.get(i).mask().orElseThrow();
                BufferedImage gray = source.toGray();
                assertEquals(BufferedImage.TYPE_BYTE_GRAY, gray.getType());
                assertArrayEquals(want, preprocessor.mask(manager, gray).toFloatArray(), "in-memory mask " + i);
                assertArrayEquals(want, source.target(manager, preprocessor).toFloatArray(), "file mask " + i);
            }
        }
    }

    @Test
    void drawnMaskTargetEqualsTheSameMaskWrittenAsAFile() {
        Path image = TestImages.rgb(tmp.resolve("img.png"), 40, 30, 1);
        MaskSource.Drawn drawn = new MaskSource.Drawn(image, List.of(new MaskShape.Box(3, 4, 17, 9),
                new MaskShape.Polygon(List.of(new MaskShape.Point(20, 10), new MaskShape.Point(38, 12),
                        new MaskShape.Point(25, 29)))), "test");
        Path file = TestImages.write(drawn.toGray(), tmp.resolve("mask.png"));
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.reference(24));
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] fromFile = preprocessor.mask(manager, file).toFloatArray();
            float[] inMemory = drawn.target(manager, preprocessor).toFloatArray();
            assertArrayEquals(fromFile, inMemory);
            double sum = 0;
            for (float v : inMemory) {
                sum += v;
            }
            org.junit.jupiter.api.Assertions.assertTrue(sum > 50 && sum < 24 * 24 - 50, "mask sum " + sum);
        }
    }
}
