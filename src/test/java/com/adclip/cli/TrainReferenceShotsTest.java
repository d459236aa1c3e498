package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.BundleManifest;
import com.adclip.eval.ThresholdStrategy;
import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --reference-shots K}: the bank in model.adclip and its threshold calibrated on fused scores. */
class TrainReferenceShotsTest {
    @TempDir Path tmp;

    @Test
    void trainPutsGoodImagesInTheBankAndCalibratesOnFusedScoresWithoutThem() throws Exception {
        Path golden = Fixtures.goldenV1();
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("images"));
        Files.createDirectories(data.resolve("masks"));
        for (int i = 0; i < 4; i++) {
            Files.copy(golden.resolve("images/img" + i + ".png"), data.resolve("images/img" + i + ".png"));
        }
        Files.copy(golden.resolve("masks/img1_mask.png"), data.resolve("masks/img1_mask.png"));
        Files.copy(golden.resolve("masks/img3_mask.png"), data.resolve("masks/img3_mask.png"));
        String entry = "{\"img_path\": \"images/img%d.png\", \"mask_path\": \"%s\", \"cls_name\": \"v\", "
                + "\"specie_name\": \"%s\", \"anomaly\": %d}";
        String train = String.join(", ", String.format(entry, 0, "", "good", 0),
                String.format(entry, 1, "masks/img1_mask.png", "defect", 1), String.format(entry, 2, "", "good", 0),
                String.format(entry, 3, "masks/img3_mask.png", "defect", 1));
        Files.writeString(data.resolve("meta.json"), "{\"train\": {\"v\": [" + train + "]}, \"test\": {}}");
        Path out = tmp.resolve("out");
        Path cache = tmp.resolve("cache");
        CliRun run = CliRun.of("train", "--data", data.resolve("meta.json").toString(), "--weights",
                golden.resolve("tiny-clip.pt").toString(), "--image-size", "48", "--features", "2,3,4,6", "--dpam",
                "5", "--depth", "3", "--n-ctx", "6", "--t-n-ctx", "2", "--epochs", "1", "--batch-size", "2",
                "--reference-shots", "1", "--out", out.toString(), "--cache", cache.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("fused threshold"), run.err());
        Path model = out.resolve("model.adclip");
        BundleManifest.Reference reference;
        try (NDManager manager = NDManager.newBaseManager()) {
            reference = Bundle.load(model, manager).manifest().reference();
        }
        assertEquals(1, reference.images().size());
        String sha0 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(data.resolve("images/img0.png"))));
        assertEquals(sha0, reference.images().get(0).sha256(), "the first good image in path order");
        // the fused threshold is F1-optimal on the fused scores of images 1, 2, 3 (the reference left out)
        Path results = tmp.resolve("predict");
        CliRun predict = CliRun.of("predict", "--bundle", model.toString(), "--weights",
                golden.resolve("tiny-clip.pt").toString(), "--cache", cache.toString(), "--no-images", "--out",
                results.toString(), data.resolve("images/img1.png").toString(),
                data.resolve("images/img2.png").toString(), data.resolve("images/img3.png").toString());
        assertEquals(0, predict.exitCode(), predict.toString());
        JsonNode rows = new ObjectMapper().readTree(results.resolve("results.json").toFile());
        double[] scores = {rows.get(0).get("score").asDouble(), rows.get(1).get("score").asDouble(),
            rows.get(2).get("score").asDouble()};
        ThresholdStrategy.Choice expected = ThresholdStrategy.parse("f1").choose(scores,
                new boolean[] {true, false, true});
        assertEquals(expected.threshold(), reference.thresholds().image(), 1e-6);
        assertTrue(reference.thresholds().source().contains("references left out"), reference.thresholds().source());
        assertEquals(List.of(2, 3, 4, 6), reference.features());
    }
}
