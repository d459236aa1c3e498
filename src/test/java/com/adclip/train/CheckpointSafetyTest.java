package com.adclip.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.adclip.anomaly.Bundle;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process killed (SIGKILL) in the middle of writing checkpoints never leaves a broken one behind. */
class CheckpointSafetyTest {
    @TempDir Path tmp;

    @Test
    void killDuringCheckpointWritesLosesNothing() throws Exception {
        Path file = tmp.resolve("last.adclip");
        Random random = new Random(3);
        int lastGeneration = -1;
        for (int round = 0; round < 4; round++) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true",
                    BundleWriterProcess.class.getName(), file.toString()).redirectErrorStream(true).start();
            BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            int saved = 0;
            String line;
            while ((line = lines.readLine()) != null && saved < 2 + random.nextInt(4)) {
                saved += line.startsWith("saved") ? 1 : 0;
            }
            Thread.sleep(random.nextInt(40)); // somewhere inside the next write
            child.destroyForcibly().waitFor();
            try (NDManager manager = NDManager.newBaseManager()) {
                Bundle bundle = Bundle.load(file, manager); // must never throw
                int generation = ((Number) bundle.manifest().training().get("generation")).intValue();
                assertTrue(generation >= 0, "generation " + generation);
                float value = bundle.prompts().get("ctx_pos").getFloat(0, 0, 0, 0);
                assertEquals(generation, value, "tensors and manifest come from the same write");
                lastGeneration = generation;
            }
            try (var files = Files.list(tmp)) {
                files.filter(f -> f.toString().endsWith(".tmp")).forEach(f -> {
                    try {
                        Files.delete(f); // a killed writer can leave its temp file; it never replaces the checkpoint
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
        }
        assertTrue(lastGeneration >= 0);
    }
}
