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

    @Test
    void fillEncodesOnlyMissingEntriesAtMostBatchAtATimeAndEqualsOneByOne() throws Exception {
        Path dir = Fixtures.goldenV1();
        try (NDManager manager = NDManager.newBaseManager()) {
            ClipModel clip = TestWeights.tinyClip(manager, dir);
            ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.reference(48));
            VisionRequest request = new VisionRequest(5, List.of(2, 6));
            List<Path> images = new java.util.ArrayList<>();
            for (int i = 0; i < 7; i++) {
                images.add(dir.resolve("images/img" + (i % 4) + ".png"));
            }
            List<String> keys = new java.util.ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                keys.add("key" + i);
            }
            try (FeatureCache single = new FeatureCache(clip, request, "w", FeatureCache.Precision.FP32, null, manager);
                    FeatureCache batched = new FeatureCache(clip, request, "w", FeatureCache.Precision.FP32, null,
                            manager);
                    NDManager scope = manager.newSubManager()) {
                batched.get("key1", () -> preprocessor.pixels(scope, images.get(1)), scope); // already there
                java.util.Map<NDManager, List<Integer>> batches = new java.util.LinkedHashMap<>();
                batched.fill(keys, (i, batch) -> {
                    batches.computeIfAbsent(batch, b -> new java.util.ArrayList<>()).add(i);
                    return preprocessor.pixels(batch, images.get(i));
                }, 3, scope);
                assertEquals(List.of(List.of(0, 2, 3), List.of(4, 5, 6)), List.copyOf(batches.values()));
                assertEquals(7, batched.computed());
                batched.fill(keys, (i, batch) -> {
                    throw new AssertionError("all cached");
                }, 3, scope);
                for (int i = 0; i < keys.size(); i++) {
                    int at = i;
                    float[] expected = single.get(keys.get(i), () -> preprocessor.pixels(scope, images.get(at)), scope)
                            .toFloatArray();
                    float[] actual = batched.get(keys.get(i), () -> {
                        throw new AssertionError("must be cached");
                    }, scope).toFloatArray();
                    assertArrayEquals(expected, actual, 2e-5f, keys.get(i));
                }
            }
        }
    }
}
