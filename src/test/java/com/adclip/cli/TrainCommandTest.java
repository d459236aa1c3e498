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
                "--dpam", "5", "--batch-size", "2", "--out", out.toString(), "--cache", tmp.resolve("cache").toString()));
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
    void resumeEndsEqualToAnUninterruptedRun() throws IOException {
        String[] common = {"--depth", "3", "--n-ctx", "6", "--t-n-ctx", "2", "--seed", "11", "--lr", "0.01"};
        Path straight = tmp.resolve("straight");
        List<String> a = tiny(straight, common);
        a.addAll(List.of("--epochs", "4"));
        assertEquals(0, run(a).exitCode());

        Path split = tmp.resolve("split");
        List<String> b = tiny(split, common);
        b.addAll(List.of("--epochs", "2"));
        assertEquals(0, run(b).exitCode());
        Files.writeString(split.resolve("loss_curve4471.tmp"), "left by a killed run");
        CliRun resumed = CliRun.of("train", "--resume", split.toString(), "--epochs", "4", "--cache",
                tmp.resolve("cache").toString()); // the weights file is found again from the checkpoint
        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertTrue(!Files.exists(split.resolve("loss_curve4471.tmp")), resumed.toString());
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
    void resumeRefusesWeightsThatChangedOrWentAway() throws IOException {
        Path weights = Files.copy(golden.resolve("tiny-clip.pt"), tmp.resolve("my-clip.pt"));
        Path out = tmp.resolve("run");
        List<String> args = tiny(out, "--depth", "3", "--n-ctx", "6", "--t-n-ctx", "2", "--epochs", "1");
        args.set(args.indexOf("--weights") + 1, weights.toString());
        assertEquals(0, run(args).exitCode());
        String[] resume = {"train", "--resume", out.toString(), "--epochs", "2", "--cache", tmp.resolve("cache").toString()};

        Files.write(weights, new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
        CliRun changed = CliRun.of(resume);
        assertEquals(2, changed.exitCode(), changed.toString());
        assertEquals(1, changed.err().strip().lines().count(), changed.toString());
        assertTrue(changed.err().contains(weights + " changed") && changed.err().contains("--weights"), changed.err());

        Files.delete(weights);
        CliRun gone = CliRun.of(resume);
        assertEquals(2, gone.exitCode(), gone.toString());
        assertEquals(1, gone.err().strip().lines().count(), gone.toString());
        assertTrue(gone.err().contains(weights + ", which are gone") && gone.err().contains("--weights"), gone.err());

        List<String> override = new ArrayList<>(List.of(resume));
        override.addAll(List.of("--weights", golden.resolve("tiny-clip.pt").toString()));
        CliRun copy = CliRun.of(override.toArray(String[]::new));
        assertEquals(0, copy.exitCode(), copy.toString());
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
    void aBadImageMidRunLeavesNoEmptyOutFolder() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data/images"));
        Files.copy(golden.resolve("images/img0.png"), data.resolve("img0.png"));
        byte[] png = Files.readAllBytes(golden.resolve("images/img1.png"));
        Files.write(data.resolve("bad.png"), java.util.Arrays.copyOf(png, 200)); // a valid header, then cut off
        String item = "{\"img_path\": \"images/%s\", \"mask_path\": \"\", \"cls_name\": \"v1\", "
                + "\"specie_name\": \"good\", \"anomaly\": 0}";
        Files.writeString(tmp.resolve("data/meta.json"), "{\"train\": {\"v1\": [" + String.format(item, "img0.png")
                + ", " + String.format(item, "bad.png") + "]}, \"test\": {}}");
        Path out = tmp.resolve("new-out");
        List<String> args = tiny(out, "--depth", "3", "--n-ctx", "6", "--t-n-ctx", "2", "--epochs", "1");
        args.set(2, tmp.resolve("data/meta.json").toString());
        CliRun run = run(args);
        assertTrue(run.exitCode() != 0 && run.err().contains("bad.png"), run.toString());
        assertTrue(!Files.exists(out), "the empty folder this run created is gone");

        Path existing = Files.createDirectories(tmp.resolve("existing-out"));
        args.set(args.indexOf("--out") + 1, existing.toString());
        assertTrue(run(args).exitCode() != 0);
        assertTrue(Files.isDirectory(existing), "a folder that was there before is kept");
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
