package com.adclip.cli;

import static com.adclip.testing.GoldenAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.adclip.anomaly.Bundle;
import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code adclip train} end to end on golden-v1 (the reference's training step) and its guarantees. */
class TrainCommandTest {
    private static Path golden;
    @TempDir Path tmp;

    @BeforeAll
    static void fixtures() {
        golden = Fixtures.goldenV1();
    }

    private List<String> tiny(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--data", golden.resolve("meta.json").toString(),
                "--weights", golden.resolve("tiny-clip.pt").toString(), "--image-size", "48", "--features", "2,3,4,6",
                "--dpam", "5", "--batch-size", "2", "--out", out.toString(), "--cache", tmp.resolve("cache").toString(),
                "--precision", "fp32")); // golden parity is fp32
        args.addAll(List.of(extra));
        return args;
    }

    private static CliRun run(List<String> args) {
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void epochBundlesHoldTheReferencesParametersAfterOneAndThreeSteps() throws IOException {
        Path out = tmp.resolve("golden");
        CliRun run = run(tiny(out, "--init", golden.resolve("prompt-learner.pth").toString(), "--recipe", "anomalyclip",
                "--epochs", "3", "--save-every", "1"));
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode json = new ObjectMapper().readTree(golden.resolve("expected.json").toFile());
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> expected = Fixtures.npz(manager, golden.resolve("expected.npz"));
            for (int epoch : new int[] {1, 3}) {
                Bundle bundle = Bundle.load(out.resolve("epoch_" + epoch + ".adclip"), manager);
                for (Map.Entry<String, NDArray> p : bundle.prompts().entrySet()) {
                    assertClose("epoch " + epoch + " " + p.getKey(),
                            expected.get("after_step" + epoch + "/" + p.getKey()), p.getValue(), 1e-5);
                }
            }
        }
        String[] first = Files.readAllLines(out.resolve("train_log.csv")).get(1).split(",");
        JsonNode step0 = json.get("train_step0");
        assertEquals(step0.get("image_loss").asDouble(), Double.parseDouble(first[2]),
                1e-3 * step0.get("image_loss").asDouble());
        assertEquals(step0.get("seg_loss").asDouble(), 4 * Double.parseDouble(first[3]),
                1e-3 * step0.get("seg_loss").asDouble());
        assertTrue(Files.size(out.resolve("loss_curve.png")) > 1000);
        assertTrue(Files.exists(out.resolve("model.adclip")));
        assertTrue(Files.exists(out.resolve("last.adclip")));
    }

    @Test
    void resumeEndsEqualToAnUninterruptedRun() {
        String[] common = {"--depth", "3", "--n-ctx", "6", "--t-n-ctx", "2", "--seed", "11", "--lr", "0.01"};
        Path straight = tmp.resolve("straight");
        List<String> a = tiny(straight, common);
        a.addAll(List.of("--epochs", "4"));
        assertEquals(0, run(a).exitCode());

        Path split = tmp.resolve("split");
        List<String> b = tiny(split, common);
        b.addAll(List.of("--epochs", "2"));
        assertEquals(0, run(b).exitCode());
        CliRun resumed = CliRun.of("train", "--resume", split.toString(), "--epochs", "4", "--precision", "fp32", "--weights",
                golden.resolve("tiny-clip.pt").toString(), "--cache", tmp.resolve("cache").toString());
        assertEquals(0, resumed.exitCode(), resumed.toString());
        try (NDManager manager = NDManager.newBaseManager()) {
            Bundle x = Bundle.load(straight.resolve("last.adclip"), manager);
            Bundle y = Bundle.load(split.resolve("last.adclip"), manager);
            assertEquals(x.prompts().keySet(), y.prompts().keySet());
            x.prompts().forEach((name, t) ->
                    assertArrayEquals(t.toFloatArray(), y.prompts().get(name).toFloatArray(), 0f, name));
            x.optimizer().forEach((name, t) ->
                    assertArrayEquals(t.toFloatArray(), y.optimizer().get(name).toFloatArray(), 0f, name));
        }
    }

    @Test
    void theSameSeedAndDataGiveTheSameModelBitForBit() {
        String[] common = {"--depth", "3", "--n-ctx", "6", "--t-n-ctx", "2", "--seed", "5", "--epochs", "2"};
        assertEquals(0, run(tiny(tmp.resolve("r1"), common)).exitCode());
        assertEquals(0, run(tiny(tmp.resolve("r2"), common)).exitCode());
        try (NDManager manager = NDManager.newBaseManager()) {
            Bundle x = Bundle.load(tmp.resolve("r1/model.adclip"), manager);
            Bundle y = Bundle.load(tmp.resolve("r2/model.adclip"), manager);
            x.prompts().forEach((name, t) ->
                    assertArrayEquals(t.toFloatArray(), y.prompts().get(name).toFloatArray(), 0f, name));
            assertEquals(x.manifest().thresholds(), y.manifest().thresholds());
        }
    }

    @Test
    void syntheticAnomaliesAloneTrainAModelThatSaysItNeverSawARealDefect() throws IOException {
        Path out = tmp.resolve("synthetic");
        CliRun run = run(tiny(out, "--depth", "3", "--n-ctx", "6", "--t-n-ctx", "2", "--epochs", "1",
                "--ignore-defects", "--synthetic-anomalies", "2"));
        assertEquals(0, run.exitCode(), run.toString());
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, Object> training = Bundle.load(out.resolve("model.adclip"), manager).manifest().training();
            assertEquals(0, ((Number) training.get("real_defects_seen")).intValue());
            assertEquals(2, ((Number) training.get("synthetic_anomalies")).intValue(), "2 per good image, 1 good image");
            assertTrue(String.valueOf(training.get("note")).contains("never saw a real defect"), training.toString());
        }
        try (var files = Files.list(out.resolve("synthetic"))) {
            assertEquals(4, files.count(), "two images and their masks");
        }
        assertTrue(run.err().contains("never sees a real defect"), run.toString());
    }

    @Test
    void badDataIsRefusedBeforeAnyCompute() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        List<String> args = tiny(tmp.resolve("o"));
        args.set(2, empty.toString());
        CliRun run = run(args);
        assertTrue(run.exitCode() != 0, run.toString());
        assertTrue(run.err().contains("empty"), run.toString());
        assertTrue(!Files.exists(tmp.resolve("o/last.adclip")));
    }
}
