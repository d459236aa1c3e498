package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.adclip.anomaly.Bundle;
import com.adclip.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training is exact under any garbage collector (issue 10): a run under a tiny young generation and allocation
 * pressure gives the same bundle, bit for bit, as a run under Epsilon (a GC that never collects, so nothing is
 * ever freed). Before constants in the graph were libtorch-owned, the first run stopped on a NaN loss or drifted.
 */
class TrainUnderGcTest {
    @TempDir Path tmp;

    @Test
    void aCollectingGcTrainsTheSameModelAsNoGcAtAll() throws Exception {
        Path golden = Fixtures.goldenV1();
        Path collected = tmp.resolve("serial");
        Path never = tmp.resolve("epsilon");
        train(golden, collected, List.of("-XX:+UseSerialGC", "-Xmn1m"));
        train(golden, never, List.of("-XX:+UnlockExperimentalVMOptions", "-XX:+UseEpsilonGC", "-Xmx4g"));
        for (String file : List.of("model.adclip", "last.adclip")) {
            try (NDManager manager = NDManager.newBaseManager()) {
                Bundle a = Bundle.load(collected.resolve(file), manager);
                Bundle b = Bundle.load(never.resolve(file), manager);
                assertTrue(!a.prompts().isEmpty(), file);
                assertSameBits(file, a.prompts(), b.prompts());
                assertSameBits(file, a.optimizer(), b.optimizer());
                assertEquals(a.manifest().thresholds(), b.manifest().thresholds(), file);
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            assertTrue(!Bundle.load(never.resolve("last.adclip"), manager).optimizer().isEmpty(), "Adam's moments");
        }
        assertEquals(losses(never), losses(collected), "the per-epoch losses");
    }

    private void train(Path golden, Path out, List<String> gcFlags) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(gcFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true",
                AllocationPressure.class.getName(), "train", "--data", golden.resolve("meta.json").toString(),
                "--weights", golden.resolve("tiny-clip.pt").toString(), "--image-size", "48", "--features", "2,3,4,6",
                "--dpam", "5", "--depth", "3", "--n-ctx", "6", "--t-n-ctx", "2", "--batch-size", "1", "--epochs", "4",
                "--seed", "3", "--lr", "0.003", "--out", out.toString(), "--cache", tmp.resolve("cache").toString()));
        Path log = tmp.resolve(out.getFileName() + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = process.waitFor(10, TimeUnit.MINUTES);
        if (!ended) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(ended, "still running after 10 minutes\n" + output);
        assertEquals(0, process.exitValue(), String.join(" ", gcFlags) + "\n" + output);
    }

    private static void assertSameBits(String file, Map<String, NDArray> a, Map<String, NDArray> b) {
        assertEquals(a.keySet(), b.keySet(), file);
        a.forEach((name, t) -> assertArrayEquals(t.toByteArray(), b.get(name).toByteArray(), file + " " + name));
    }

    /** Epoch, loss, image loss and map loss of each line of train_log.csv (its timings differ by nature). */
    private static List<String> losses(Path run) throws IOException {
        List<String> rows = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve(ConsoleTrainListener.LOG))) {
            String[] cells = line.split(",");
            rows.add(String.join(",", List.of(cells).subList(0, 4)));
        }
        return rows;
    }
}
