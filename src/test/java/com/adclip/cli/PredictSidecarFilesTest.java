package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** predict on a folder that also holds sidecar files: they are skipped and counted; only bad images fail. */
class PredictSidecarFilesTest {
    @TempDir static Path shared;
    private static EvalCliFixture fx;
    @TempDir Path tmp;

    @BeforeAll
    static void bundle() {
        fx = EvalCliFixture.create(shared);
    }

    private CliRun predict(Path folder) {
        return CliRun.of("predict", "--bundle", fx.bundle.toString(), "--weights", fx.weights().toString(), "--cache",
                fx.cache.toString(), "--no-images", "--out", tmp.resolve("out").toString(), folder.toString());
    }

    @Test
    void notesAreSkippedAndCountedAndTheRunSucceeds() throws Exception {
        Path folder = tmp.resolve("parts");
        Files.createDirectories(folder);
        Files.copy(fx.golden.resolve("images/img0.png"), folder.resolve("a.png"));
        Files.writeString(folder.resolve("notes.txt"), "shift 2, camera 3");
        Files.writeString(folder.resolve("a.json"), "{}");
        CliRun run = predict(folder);
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("skipped 2 file(s) that are not images"), run.toString());
        assertTrue(run.err().contains("1 image: "), run.toString());
        JsonNode rows = new ObjectMapper().readTree(tmp.resolve("out/results.json").toFile());
        assertEquals(1, rows.size());

        Files.writeString(folder.resolve("broken.png"), "not a png");
        CliRun broken = predict(folder);
        assertEquals(1, broken.exitCode(), "an unreadable image file is a failure: " + broken);
        assertTrue(broken.err().contains("1 failed"), broken.toString());
    }
}
