package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.adclip.Detector;
import com.adclip.Inspection;
import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.BundleManifest;
import com.adclip.serve.ReferenceStore;
import com.adclip.testing.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code POST /api/v1/reference} does on a station whose bundle runs on tiles: the image is cut into the
 * bundle's tiles, their patches join the bank under it, the bundle is saved and the detector uses the new bank.
 */
class TiledStationReferencesTest {
    @TempDir Path tmp;

    @Test
    void aStationOnTilesAddsEveryTileOfTheImageToTheBank() throws Exception {
        Path golden = Fixtures.goldenV1();
        Path bundle = tmp.resolve("tiled.adclip");
        Path cache = tmp.resolve("cache");
        String weights = golden.resolve("tiny-clip.pt").toString();
        CliRun imported = CliRun.of("import", "--weights", weights, "--checkpoint",
                golden.resolve("prompt-learner.pth").toString(), "--image-size", "48", "--features", "2,3,4,6",
                "--dpam", "5", "--tile", "24", "--tile-stride", "16", "--out", bundle.toString(), "--cache",
                cache.toString());
        assertEquals(0, imported.exitCode(), imported.toString());
        CliRun added = CliRun.of("reference", "add", "--bundle", bundle.toString(), "--out", bundle.toString(),
                "--weights", weights, "--cache", cache.toString(), TinyStationModel.image(0).toString());
        assertEquals(0, added.exitCode(), added.toString());
        DetectorOptions options = new DetectorOptions();
        options.bundle = bundle;
        ModelOptions model = new ModelOptions();
        model.weights = golden.resolve("tiny-clip.pt");
        model.cache = cache;
        model.precision = "fp32";
        Path image = TinyStationModel.image(1); // 48 x 48: 3 x 3 tiles of 24 px at stride 16
        try (Detector detector = options.builder(model).build();
                Detector promptOnly = options.builder(model).noReference(true).build()) {
            assertEquals("24/16 avg", detector.tiling().describe());
            double prompt = promptOnly.inspect(image).score();
            double before = detector.inspect(image).score();
            assertTrue(before > prompt / 2 + 1e-4, "not in the bank yet: " + before + " vs " + prompt);
            ReferenceStore.Added result = new com.adclip.serve.BankReferences(detector, bundle).add(image, "img1.png");
            assertEquals(2, result.images());
            Inspection after = detector.inspect(image);
            // every tile of the image is now in the bank: each tile's evidence is 0, its fused score half its prompt
            assertEquals(prompt / 2, after.score(), 1e-5);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            BundleManifest.Reference bank = Bundle.load(bundle, manager).manifest().reference();
            assertEquals(2, bank.images().size());
            assertEquals(new BundleManifest.Tiling(24, 16, "avg", false), bank.tiling());
            assertEquals(2 * 9 * 144, bank.layers().get(0).patches(), "9 tiles of 12 x 12 patches per image");
        }
    }
}
