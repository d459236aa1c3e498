package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.BundleManifest;
import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code adclip import --tile ...}: an imported checkpoint records a tiling as a trained bundle does. */
class ImportTilingTest {
    @TempDir Path tmp;

    private Path golden() {
        return Fixtures.goldenV1();
    }

    private CliRun importWith(Path bundle, String... tiling) {
        List<String> args = new ArrayList<>(List.of("import", "--weights", golden().resolve("tiny-clip.pt").toString(),
                "--checkpoint", golden().resolve("prompt-learner.pth").toString(), "--image-size", "48",
                "--features", "2,3,4,6", "--dpam", "5", "--out", bundle.toString(), "--cache",
                tmp.resolve("cache").toString()));
        args.addAll(List.of(tiling));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static BundleManifest.Tiling tilingOf(Path bundle) {
        try (NDManager manager = NDManager.newBaseManager()) {
            return Bundle.load(bundle, manager).manifest().tiling();
        }
    }

    private JsonNode predict(Path bundle, String... options) throws IOException {
        Path out = tmp.resolve("predict-" + System.nanoTime());
        List<String> args = new ArrayList<>(List.of("predict", "--bundle", bundle.toString(), "--weights",
                golden().resolve("tiny-clip.pt").toString(), "--cache", tmp.resolve("cache").toString(),
                "--no-images", "--out", out.toString()));
        args.addAll(List.of(options));
        args.add(golden().resolve("images/img2.png").toString());
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        return new ObjectMapper().readTree(out.resolve("results.json").toFile());
    }

    @Test
    void importRecordsTheTilingAndPredictUsesItByDefault() throws IOException {
        Path plain = tmp.resolve("plain.adclip");
        CliRun untiled = importWith(plain);
        assertEquals(0, untiled.exitCode(), untiled.toString());
        assertNull(tilingOf(plain));
        Path tiled = tmp.resolve("tiled.adclip");
        CliRun run = importWith(tiled, "--tile", "24", "--tile-stride", "16", "--tile-global");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("tiling 24/16 avg +global (recorded in the bundle)"), run.err());
        assertEquals(new BundleManifest.Tiling(24, 16, "avg", true), tilingOf(tiled));
        double byDefault = predict(tiled).get(0).get("score").asDouble();
        double explicit = predict(plain, "--tile", "24", "--tile-stride", "16", "--tile-global").get(0).get("score")
                .asDouble();
        double whole = predict(plain).get(0).get("score").asDouble();
        assertEquals(explicit, byDefault, 0.0);
        assertTrue(whole != byDefault, "tiles and a global pass score otherwise than the whole image");
        Path auto = tmp.resolve("auto.adclip");
        assertEquals(0, importWith(auto, "--tiles", "auto").exitCode());
        assertEquals(new BundleManifest.Tiling(0, 0, "avg", false), tilingOf(auto));
        CliRun bad = importWith(tmp.resolve("bad.adclip"), "--tile-stride", "8");
        assertEquals(2, bad.exitCode(), bad.toString());
        assertEquals(1, bad.err().strip().lines().count(), bad.toString());
    }
}
