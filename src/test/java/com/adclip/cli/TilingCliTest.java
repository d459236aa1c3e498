package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.BundleManifest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tiling options on predict and calibrate, and the bundle remembering its tiling, on golden-v1. */
class TilingCliTest {
    @TempDir static Path shared;
    private static EvalCliFixture fx;
    private static double[] whole;
    @TempDir Path tmp;

    @BeforeAll
    static void bundle() throws Exception {
        fx = EvalCliFixture.create(shared);
        whole = fx.predictScores(shared.resolve("whole"));
    }

    private double[] predict(Path bundle, String... options) throws IOException {
        Path out = tmp.resolve("p" + System.nanoTime());
        List<String> args = fx.base("predict", bundle);
        args.addAll(List.of("--no-images", "--out", out.toString()));
        args.addAll(List.of(options));
        for (int i = 0; i < 4; i++) {
            args.add(fx.golden.resolve("images/img" + i + ".png").toString());
        }
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode rows = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        double[] scores = new double[4];
        for (int i = 0; i < 4; i++) {
            scores[i] = rows.get(i).get("score").asDouble();
            assertTrue(rows.get(i).get("width").asInt() > 0);
        }
        return scores;
    }

    private static BundleManifest manifest(Path bundle) {
        try (NDManager manager = NDManager.newBaseManager()) {
            return Bundle.load(bundle, manager).manifest();
        }
    }

    @Test
    void oneTileAsLargeAsTheImageScoresLikeTheWholeImage() throws IOException {
        assertArrayEquals(whole, predict(fx.bundle, "--tile", "4096"), 0.0);
    }

    @Test
    void calibrateStoresTheTilingAndLaterCommandsUseIt() throws IOException {
        double[] tiled = predict(fx.bundle, "--tile", "24", "--tile-stride", "16", "--tile-merge", "max");
        assertNotEquals(whole[1], tiled[1], "tiles of 24 px of 48-60 px images score differently");
        Path calibrated = tmp.resolve("tiled.adclip");
        List<String> args = fx.base("calibrate", fx.bundle);
        args.addAll(List.of("--data", fx.golden.resolve("meta.json").toString(), "--out", calibrated.toString(),
                "--tile", "24", "--tile-stride", "16", "--tile-merge", "max"));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        assertNull(manifest(fx.bundle).tiling(), "an imported bundle has no tiling");
        assertEquals(new BundleManifest.Tiling(24, 16, "max", false), manifest(calibrated).tiling());
        assertArrayEquals(tiled, predict(calibrated), 0.0, "the calibrated bundle's tiling is the default");
        assertArrayEquals(whole, predict(calibrated, "--tiles", "none"), 0.0);
    }

    @Test
    void inconsistentTilingOptionsAreUsageErrors() {
        for (String[] bad : new String[][] {{"--tile", "24", "--tile-stride", "30"}, {"--tile-stride", "8"},
                {"--tiles", "some"}, {"--tile-merge", "max"}, {"--tiles", "auto", "--tile", "24"}}) {
            List<String> args = fx.base("predict", fx.bundle);
            args.addAll(List.of("--no-images", "--out", tmp.resolve("bad").toString()));
            args.addAll(List.of(bad));
            args.add(fx.golden.resolve("images/img0.png").toString());
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertEquals(2, run.exitCode(), String.join(" ", bad) + ": " + run);
        }
    }
}
