package com.adclip.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.BundleManifest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bank in the {@code .adclip} bundle: exact round trip, and bundles from before banks load as they were. */
class BankBundleTest {
    @TempDir Path tmp;
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void free() {
        manager.close();
    }

    /** The manifest of a bundle written before reference banks existed, verbatim. */
    private static final String OLD_MANIFEST = """
            {
              "format_version" : 1,
              "clip" : {
                "model" : "ViT-B/16",
                "weights_file" : "ViT-B-16.pt",
                "weights_sha256" : "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
              },
              "detector" : {
                "image_size" : 48,
                "features" : [ 2, 3, 4, 6 ],
                "dpam" : 5,
                "sigma" : 4.0,
                "temperature" : 0.07,
                "n_ctx" : 6,
                "t_n_ctx" : 2,
                "depth" : 3,
                "class_word" : "object"
              },
              "thresholds" : {
                "image" : 0.42,
                "image_strategy" : "f1",
                "pixel" : 2.5,
                "pixel_strategy" : "f1",
                "source" : "data/screws"
              },
              "training" : {
                "epochs" : 15
              },
              "created" : "2026-11-27T00:00:00Z",
              "software" : "adclip 0.9"
            }""";

    private Path oldBundle() throws IOException {
        Path file = tmp.resolve("old.adclip");
        NDArray ctx = manager.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 1, 4));
        ctx.setName("ctx_pos");
        ai.djl.ndarray.NDList list = new ai.djl.ndarray.NDList(ctx);
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("manifest.json"));
            zip.write(OLD_MANIFEST.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("prompts.safetensors"));
            list.encode(zip, ai.djl.ndarray.NDList.Encoding.SAFETENSORS);
            zip.closeEntry();
        }
        return file;
    }

    @Test
    void aBundleFromBeforeBanksLoadsUnchangedAndResavesWithoutABank() throws IOException {
        Bundle old = Bundle.load(oldBundle(), manager);
        assertNull(old.manifest().reference());
        assertFalse(old.hasReference());
        assertTrue(old.reference().isEmpty());
        assertNull(ReferenceBank.fromBundle(old, manager));
        assertEquals(OLD_MANIFEST, old.manifestJson());
        Path again = tmp.resolve("again.adclip");
        old.save(again);
        try (ZipFile zip = new ZipFile(again.toFile())) {
            assertNull(zip.getEntry("reference.safetensors"));
            assertEquals(OLD_MANIFEST, new String(zip.getInputStream(zip.getEntry("manifest.json")).readAllBytes(),
                    StandardCharsets.UTF_8));
        }
    }

    @Test
    void aBankRoundTripsExactlyAsFloat16() throws IOException {
        GoldenFeatures golden = new GoldenFeatures(manager);
        Bundle old = Bundle.load(oldBundle(), manager);
        ReferenceBank bank;
        try (BankBuilder builder = new BankBuilder(GoldenFeatures.CONFIG,
                BankOptions.defaults().withCoresetSize(200), manager)) {
            for (int i = 0; i < 3; i++) {
                builder.add("good" + i + ".png", GoldenFeatures.sha(i), golden.images(i, i + 1), 0);
            }
            bank = builder.build(null, manager, message -> {});
        }
        Path file = tmp.resolve("with-bank.adclip");
        bank.into(old).save(file);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            assertTrue(zip.getEntry("reference.safetensors") != null);
        }
        Bundle loaded = Bundle.load(file, manager);
        assertEquals(bank.section(), loaded.manifest().reference());
        assertEquals(old.manifest().thresholds(), loaded.manifest().thresholds());
        try (ReferenceBank again = ReferenceBank.fromBundle(loaded, manager)) {
            Map<String, NDArray> before = bank.tensors();
            Map<String, NDArray> after = again.tensors();
            assertEquals(before.keySet(), after.keySet());
            assertEquals(List.of("bank.2", "source.2", "bank.3", "source.3", "bank.4", "source.4", "bank.6",
                    "source.6"), List.copyOf(after.keySet()));
            for (String name : before.keySet()) {
                NDArray a = before.get(name);
                NDArray b = loaded.reference().get(name);
                assertEquals(a.getDataType(), b.getDataType(), name);
                assertEquals(a.getShape(), b.getShape(), name);
                assertArrayEquals(a.toByteArray(), b.toByteArray(), name);
            }
            assertEquals(DataType.FLOAT16, loaded.reference().get("bank.2").getDataType());
            assertEquals(new Shape(200, 64), loaded.reference().get("bank.2").getShape());
            float[] mapBefore = bank.distanceGrid(golden.images(0, 4)).toFloatArray();
            float[] mapAfter = again.distanceGrid(golden.images(0, 4)).toFloatArray();
            assertArrayEquals(mapBefore, mapAfter, 0f);
        }
        // the manifest records every reference image's sha256
        List<BundleManifest.ReferenceImage> images = loaded.manifest().reference().images();
        assertEquals(List.of(GoldenFeatures.sha(0), GoldenFeatures.sha(1), GoldenFeatures.sha(2)),
                images.stream().map(BundleManifest.ReferenceImage::sha256).toList());
        bank.close();
    }

    @Test
    void aBankSectionWithoutItsTensorsIsRefused() {
        Map<String, NDArray> prompts = new LinkedHashMap<>();
        prompts.put("ctx_pos", manager.zeros(new Shape(1)));
        BundleManifest.Reference section = new BundleManifest.Reference(48, 5, List.of(2), 1, 0.1, 0, List.of(),
                List.of(new BundleManifest.BankLayer(2, 1, 1, 0)), null, null);
        BundleManifest manifest = new BundleManifest(1,
                new BundleManifest.ClipReference(null, "w", "a".repeat(64)),
                BundleManifest.Detector.of(GoldenFeatures.CONFIG), BundleManifest.Thresholds.defaults(
                        GoldenFeatures.CONFIG), Map.of(), "now", "test", null, null, section);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Bundle(manifest, prompts));
    }
}
