package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.adclip.Sha256;
import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.BundleManifest;
import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/zero-shot.md's day-one workflow on golden-v1's reference checkpoint, as if it were the downloaded
 * epoch_15.pth: import, calibrate good-only on a handful of good images, predict; no training.
 */
class ZeroShotWorkflowTest {
    @TempDir Path tmp;

    @Test
    void importCalibrateOnGoodImagesThenPredict() throws Exception {
        Path golden = Fixtures.goldenV1();
        Path downloaded = tmp.resolve("epoch_15.pth");
        Files.copy(golden.resolve("prompt-learner.pth"), downloaded);
        String[] weights = {"--weights", golden.resolve("tiny-clip.pt").toString(), "--cache",
                tmp.resolve("cache").toString()};
        Path imported = tmp.resolve("line.adclip");
        CliRun importRun = CliRun.of(concat(new String[] {"import", "--checkpoint", downloaded.toString(),
                "--image-size", "48", "--features", "2,3,4,6", "--dpam", "5", "--out", imported.toString()}, weights));
        assertEquals(0, importRun.exitCode(), importRun.toString());
        String sha = Sha256.of(downloaded);
        assertTrue(importRun.err().contains("checkpoint sha256 " + sha), importRun.toString());

        // a handful of good images: golden's good image, three times with distinct bytes
        Path good = tmp.resolve("line/good");
        Files.createDirectories(good);
        byte[] png = Files.readAllBytes(golden.resolve("images/img0.png"));
        for (int i = 0; i < 3; i++) {
            byte[] bytes = java.util.Arrays.copyOf(png, png.length + 1);
            bytes[png.length] = (byte) i;
            Files.write(good.resolve("part" + i + ".png"), bytes);
        }
        Path calibrated = tmp.resolve("line-calibrated.adclip");
        CliRun calibrate = CliRun.of(concat(new String[] {"calibrate", "--bundle", imported.toString(), "--data",
                tmp.resolve("line").toString(), "--strategy", "good-only:max", "--out", calibrated.toString()},
                weights));
        assertEquals(0, calibrate.exitCode(), calibrate.toString());
        BundleManifest manifest;
        try (NDManager manager = NDManager.newBaseManager()) {
            manifest = Bundle.load(calibrated, manager).manifest();
        }
        assertEquals("good-only:max", manifest.thresholds().imageStrategy());
        assertTrue(manifest.thresholds().source().contains("3 images"), manifest.thresholds().source());
        assertEquals(sha, manifest.training().get("checkpoint_sha256"), "provenance survives calibration");

        Path out = tmp.resolve("results");
        String[] predict = {"predict", "--bundle", calibrated.toString(), "--no-images", "--out", out.toString()};
        String[] images = new String[4];
        for (int i = 0; i < 4; i++) {
            images[i] = golden.resolve("images/img" + i + ".png").toString();
        }
        CliRun run = CliRun.of(concat(concat(predict, weights), images));
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode rows = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        double t = manifest.thresholds().image();
        // good-only:max puts the threshold just above the good images' highest score: the good image passes
        assertEquals("OK", rows.get(0).get("verdict").asText(), rows.toString());
        assertTrue(rows.get(0).get("score").asDouble() < t);
        int ng = 0;
        for (JsonNode row : rows) {
            assertEquals(row.get("score").asDouble() >= t ? "NG" : "OK", row.get("verdict").asText(), row.toString());
            ng += row.get("verdict").asText().equals("NG") ? 1 : 0;
        }
        assertTrue(ng >= 1, "at least one of golden's three defective images is caught zero-shot: " + rows);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
