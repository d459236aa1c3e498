package com.adclip.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.adclip.clip.ClipModel;
import com.adclip.image.ImagePreprocessor;
import com.adclip.image.PreprocessConfig;
import com.adclip.clip.TestWeights;
import com.adclip.clip.VisionFeatures;
import com.adclip.clip.VisionRequest;
import com.adclip.testing.Fixtures;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureCacheTest {
    @TempDir Path tmp;

    @Test
    void entriesEqualTheEncoderAndAreRecomputedWhenTheImageChanges() throws Exception {
        Path dir = Fixtures.goldenV1();
        try (NDManager manager = NDManager.newBaseManager()) {
            ClipModel clip = TestWeights.tinyClip(manager, dir);
            ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.reference(48));
            VisionRequest request = new VisionRequest(5, List.of(2, 6));
            Path image = tmp.resolve("part.png");
            Files.copy(dir.resolve("images/img1.png"), image);
            for (Path disk : new Path[] {null, tmp.resolve("features")}) {
                float[] first;
                try (FeatureCache cache = new FeatureCache(clip, request, "w", FeatureCache.Precision.FP32, disk,
                        manager); NDManager scope = manager.newSubManager()) {
                    NDArray packed = cache.get(FeatureCache.contentHash(image), () -> preprocessor.pixels(scope, image),
                            scope);
                    first = packed.toFloatArray();
                    cache.get(FeatureCache.contentHash(image), () -> {
                        throw new AssertionError("must be cached");
                    }, scope);
                    assertEquals(1, cache.computed());
                    assertEquals(1, cache.reused());
                    VisionFeatures direct = clip.encodeVision(preprocessor.pixels(scope, image).expandDims(0), request);
                    assertArrayEquals(direct.global().toFloatArray(),
                            java.util.Arrays.copyOfRange(first, 0, (int) direct.global().size()), 0f);
                }
                if (disk != null) { // a new run reads the same entry from disk
                    try (FeatureCache cache = new FeatureCache(clip, request, "w", FeatureCache.Precision.FP32, disk,
                            manager); NDManager scope = manager.newSubManager()) {
                        NDArray again = cache.get(FeatureCache.contentHash(image), () -> {
                            throw new AssertionError("must come from disk");
                        }, scope);
                        assertArrayEquals(first, again.toFloatArray(), 0f);
                    }
                }
                BufferedImage edited = ImageIO.read(image.toFile());
                edited.setRGB(3, 3, 0xFF00FF);
                Path changed = tmp.resolve("changed-" + (disk == null ? "m" : "d") + ".png");
                ImageIO.write(edited, "png", changed.toFile());
                try (FeatureCache cache = new FeatureCache(clip, request, "w", FeatureCache.Precision.FP32, disk,
                        manager); NDManager scope = manager.newSubManager()) {
                    NDArray recomputed = cache.get(FeatureCache.contentHash(changed),
                            () -> preprocessor.pixels(scope, changed), scope);
                    assertEquals(1, cache.computed(), "an edited image is encoded again");
                    assertNotEquals(java.util.Arrays.hashCode(first), java.util.Arrays.hashCode(recomputed.toFloatArray()));
                }
            }
        }
    }
}
