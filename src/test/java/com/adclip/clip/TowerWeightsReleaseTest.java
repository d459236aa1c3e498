package com.adclip.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.adclip.AdclipException;
import com.adclip.testing.Fixtures;
import com.adclip.weights.ClipWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, peak RSS. A bf16 tower (its own bf16 copy in the graph) frees the float32 tower weights of the model
 * that owns them, keeps what the text tower needs, gives the same features as a model whose weights are kept, and
 * refuses in one line what would need the freed weights again. An fp32 tower holds no copy: its graph reads the
 * model's own float32 tensors, which therefore stay, and more input sizes can be compiled.
 */
class TowerWeightsReleaseTest {
    private static final String BLOCK_WEIGHT = "visual.transformer.resblocks.0.attn.in_proj_weight";

    @Test
    void ownedWeightsAreFreedOnceTheGraphIsBuiltAndFeaturesStayTheSame() throws IOException {
        Path dir = Fixtures.goldenV1();
        Path file = dir.resolve("tiny-clip-openai.safetensors");
        ClipConfig config = TestWeights.tinyConfig(TestWeights.goldenConfig(dir));
        int size = config.vision().imageResolution();
        VisionRequest request = new VisionRequest(config.vision().layers(), List.of(1, config.vision().layers()));
        try (NDManager manager = NDManager.newBaseManager();
                ClipWeights owned = ClipWeights.load(file, manager);
                ClipWeights shared = ClipWeights.load(file, manager);
                ClipModel releasing = ClipModel.create(config, owned, manager, Precision.BF16);
                ClipModel keeping = ClipModel.create(config, shared::get, manager, Precision.BF16)) {
            NDArray pixels = manager.randomNormal(new Shape(1, 3, size, size));
            VisionFeatures a = releasing.encodeVision(pixels, request);
            VisionFeatures b = keeping.encodeVision(pixels, request);

            assertFalse(owned.tensors().containsKey(BLOCK_WEIGHT), "the owned block weights are freed");
            assertFalse(owned.tensors().containsKey("visual.conv1.weight"));
            assertTrue(owned.tensors().containsKey("transformer.resblocks.0.attn.in_proj_weight"), "text tower kept");
            assertTrue(owned.tensors().containsKey("token_embedding.weight"));
            AdclipException freed = assertThrows(AdclipException.class, () -> owned.get(BLOCK_WEIGHT));
            assertTrue(freed.getMessage().contains("freed"), freed.getMessage());
            assertTrue(shared.tensors().containsKey(BLOCK_WEIGHT), "weights given as weights::get are kept");

            assertArrayEquals(b.global().toFloatArray(), a.global().toFloatArray(), 0f);
            for (int i = 0; i < b.patches().size(); i++) {
                assertArrayEquals(b.patches().get(i).tokens().toFloatArray(),
                        a.patches().get(i).tokens().toFloatArray(), 0f);
            }
            assertArrayEquals(a.global().toFloatArray(),
                    releasing.encodeVision(pixels, request).global().toFloatArray(), 0f, "the graph runs again");

            VisionRequest other = new VisionRequest(0, List.of(1));
            AdclipException refused = assertThrows(AdclipException.class, () -> releasing.encodeVision(pixels, other));
            assertTrue(refused.getMessage().contains("load the model again"), refused.getMessage());
            assertThrows(AdclipException.class, () -> releasing.encodeImage(pixels));
            assertEquals(1, keeping.encodeVision(pixels, other).patches().size(), "kept weights build more graphs");
        }
    }

    @Test
    void fp32GraphReadsTheOwnedWeightsThemselvesInsteadOfACopy() throws IOException {
        Path dir = Fixtures.goldenV1();
        Path file = dir.resolve("tiny-clip-openai.safetensors");
        ClipConfig config = TestWeights.tinyConfig(TestWeights.goldenConfig(dir));
        int size = config.vision().imageResolution();
        int layers = config.vision().layers();
        VisionRequest request = new VisionRequest(layers, List.of(1, layers));
        try (NDManager manager = NDManager.newBaseManager();
                ClipWeights owned = ClipWeights.load(file, manager);
                ClipModel model = ClipModel.create(config, owned, manager, Precision.FP32)) {
            NDArray pixels = manager.randomNormal(new Shape(1, 3, size, size));
            float[] before = model.encodeVision(pixels, request).global().toFloatArray();
            assertTrue(owned.tensors().containsKey(BLOCK_WEIGHT), "nothing is freed: the graph holds no copy");
            assertTrue(owned.tensors().containsKey("visual.conv1.weight"));
            assertTrue(anyNonZero(before), "a non-zero feature");

            owned.get("visual.proj").muli(0f); // in place: a graph with its own copy would not see it
            float[] after = model.encodeVision(pixels, request).global().toFloatArray();
            assertArrayEquals(new float[after.length], after, 0f, "the graph read the zeroed projection");

            int bigger = size + config.vision().patchSize();
            NDArray larger = manager.randomNormal(new Shape(1, 3, bigger, bigger));
            VisionRequest other = new VisionRequest(0, List.of(1));
            assertEquals(1, model.encodeVision(larger, other).patches().size(), "another size and request compile");
        }
    }

    @Test
    void fp32ArchiveHoldsNoWeightStorages() throws IOException {
        ClipConfig config = TestWeights.tinyConfig(TestWeights.goldenConfig(Fixtures.goldenV1()));
        int layers = config.vision().layers();
        Path file = Files.createTempFile("tower-", ".pt");
        try {
            CompiledVisionTower.writeWithoutWeights(file, config.vision(), new VisionRequest(layers, List.of(layers)),
                    Precision.FP32);
            long storages = 0;
            long bytes = 0;
            try (ZipFile zip = new ZipFile(file.toFile())) {
                for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                    if (e.getName().contains("/data/")) {
                        storages++;
                        bytes += e.getSize();
                    }
                }
            }
            assertEquals(TowerSource.attributes(layers).size(), storages, "one placeholder per attribute");
            assertEquals(0, bytes, "no weight values in the archive");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static boolean anyNonZero(float[] values) {
        for (float v : values) {
            if (v != 0) {
                return true;
            }
        }
        return false;
    }
}
