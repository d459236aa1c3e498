package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Train, test and calibrate agree on the test split, and count the evaluated images the model trained on. */
class EvaluationSplitCliTest {
    @TempDir static Path shared;
    private static Path golden;
    @TempDir Path tmp;

    @BeforeAll
    static void fixtures() {
        golden = Fixtures.goldenV1();
    }

    private static List<String> tiny(String command, String... extra) {
        List<String> args = new ArrayList<>(List.of(command, "--weights", golden.resolve("tiny-clip.pt").toString(),
                "--cache", shared.resolve("cache").toString()));
        if (command.equals("train")) {
            args.addAll(List.of("--image-size", "48", "--features", "2,3,4,6", "--dpam", "5", "--depth", "3",
                    "--n-ctx", "6", "--t-n-ctx", "2", "--epochs", "1", "--batch-size", "2"));
        }
        args.addAll(List.of(extra));
        return args;
    }

    private static CliRun run(List<String> args) {
        return CliRun.of(args.toArray(String[]::new));
    }

    private static Path train(Path data, Path out, String... extra) {
        List<String> args = tiny("train", "--data", data.toString(), "--out", out.toString());
        args.addAll(List.of(extra));
        CliRun run = run(args);
        assertEquals(0, run.exitCode(), run.toString());
        return out.resolve("model.adclip");
    }

    @Test
    void goldenTestImagesThatWereTrainingImagesAreCountedWarnedAndFailUnderStrict() throws IOException {
        // golden-v1's meta.json trains on img0 and img1 and tests on img0..img3
        Path bundle = train(golden.resolve("meta.json"), tmp.resolve("run"));
        Path out = tmp.resolve("test");
        CliRun test = run(tiny("test", "--bundle", bundle.toString(), "--data", golden.resolve("meta.json").toString(),
                "--out", out.toString()));
        assertEquals(0, test.exitCode(), test.toString());
        String sentence = "2 of 4 test images were used in training: these numbers are optimistic";
        assertTrue(test.err().contains("warning: " + sentence), test.toString());
        assertTrue(test.out().contains(sentence), test.toString());
        assertTrue(Files.readString(out.resolve("report.html")).contains("id=\"training-overlap\""));
        assertTrue(Files.readString(out.resolve("report.html")).contains(sentence));
        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals(sentence, metrics.get("about").get("training overlap").asText());

        CliRun strict = run(tiny("test", "--bundle", bundle.toString(), "--data", golden.resolve("meta.json").toString(),
                "--out", tmp.resolve("strict").toString(), "--strict"));
        assertEquals(1, strict.exitCode(), strict.toString());
        assertTrue(strict.err().contains(sentence) && strict.err().contains("--strict"), strict.toString());
        assertFalse(Files.exists(tmp.resolve("strict/metrics.json")), "nothing evaluated under --strict");

        CliRun calibrate = run(tiny("calibrate", "--bundle", bundle.toString(), "--data",
                golden.resolve("meta.json").toString(), "--out", tmp.resolve("cal.adclip").toString(), "--strict"));
        assertEquals(1, calibrate.exitCode(), calibrate.toString());
        assertTrue(calibrate.err().contains(sentence), calibrate.toString());
    }

    /** A plain folder (good/ plus defect types, no split folders) of golden-v1's images, copied as 12 files. */
    private Path plainFolder() throws IOException {
        Path root = tmp.resolve("plain");
        Files.createDirectories(root.resolve("good"));
        Files.createDirectories(root.resolve("dent"));
        for (int copy = 0; copy < 3; copy++) {
            for (int i = 0; i < 4; i++) {
                Path target = root.resolve(i == 0 ? "good" : "dent").resolve("c" + copy + "_img" + i + ".png");
                // distinct bytes per copy: append a byte after the PNG end (decoders ignore trailing data)
                byte[] png = Files.readAllBytes(golden.resolve("images/img" + i + ".png"));
                byte[] bytes = java.util.Arrays.copyOf(png, png.length + 1);
                bytes[png.length] = (byte) copy;
                Files.write(target, bytes);
            }
        }
        return root;
    }

    @Test
    void aPlainFolderIsCarvedAtTrainingAndTestEvaluatesOnlyTheHeldOutImages() throws IOException {
        Path data = plainFolder(); // 3 good, 9 dent
        CliRun inspect = CliRun.of("dataset", "inspect", data.toString());
        assertTrue(inspect.out().contains("plain: train 9, test 3 (test carved out: 20 % of the good images and of "
                + "each defect type, seed 0)"), inspect.toString());
        Path bundle = train(data, tmp.resolve("run"));
        Path out = tmp.resolve("test");
        CliRun test = run(tiny("test", "--bundle", bundle.toString(), "--data", data.toString(), "--out",
                out.toString(), "--strict"));
        assertEquals(0, test.exitCode(), test.toString());
        assertFalse(test.err().contains("used in training"), test.toString());
        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertTrue(metrics.get("about").get("split").asText().startsWith("test (3 images evaluated)"),
                metrics.get("about").toString());

        CliRun onTrain = run(tiny("test", "--bundle", bundle.toString(), "--data", data.toString(), "--out",
                tmp.resolve("t2").toString(), "--split", "train"));
        assertTrue(onTrain.err().contains("9 of 9 train images were used in training"), onTrain.toString());

        Path all = train(data, tmp.resolve("all"), "--test-split", "0");
        CliRun leaky = run(tiny("test", "--bundle", all.toString(), "--data", data.toString(), "--out",
                tmp.resolve("t3").toString()));
        assertTrue(leaky.err().contains("12 of 12 test images were used in training"), leaky.toString());
    }
}
