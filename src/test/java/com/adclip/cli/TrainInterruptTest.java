package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.adclip.anomaly.Bundle;
import com.adclip.testing.Fixtures;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C (SIGINT) during training: the step finishes, last.adclip is written, and the run can be resumed. */
class TrainInterruptTest {
    @TempDir Path tmp;

    @Test
    void sigintSavesLastAndExitsWithTheResumeHint() throws Exception {
        Path golden = Fixtures.goldenV1();
        Path out = tmp.resolve("run");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "-Dai.djl.offline=true", Main.class.getName(), "train",
                "--data", golden.resolve("meta.json").toString(), "--weights", golden.resolve("tiny-clip.pt").toString(),
                "--image-size", "48", "--features", "2,3,4,6", "--dpam", "5", "--depth", "3", "--n-ctx", "6",
                "--t-n-ctx", "2", "--batch-size", "1", "--epochs", "100000", "--out", out.toString(), "--cache",
                tmp.resolve("cache").toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuilder log = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                log.append(line).append('\n');
                if (line.startsWith("epoch 3:")) {
                    new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
                }
            }
        }
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), log.toString());
        assertEquals(130, process.exitValue(), log.toString());
        assertTrue(log.toString().contains("--resume " + out), log.toString());
        try (NDManager manager = NDManager.newBaseManager()) {
            Bundle last = Bundle.load(out.resolve("last.adclip"), manager);
            int epoch = ((Number) ((Map<?, ?>) last.manifest().training().get("state")).get("epoch")).intValue();
            assertTrue(epoch >= 3, "saved after epoch " + epoch);
            assertTrue(!last.optimizer().isEmpty(), "resumable: optimiser state saved");
        }
        try (var files = Files.list(out)) {
            assertTrue(files.noneMatch(f -> f.toString().endsWith(".tmp")), "no temporary files left");
        }
    }
}
