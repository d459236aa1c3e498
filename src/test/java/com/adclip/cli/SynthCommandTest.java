package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthCommandTest {

    @Test
    void writesADatasetThatDatasetInspectAccepts(@TempDir Path tmp) {
        Path out = tmp.resolve("data");
        CliRun run = CliRun.of("synth", "--out", out.toString(), "--classes", "2", "--good", "1",
                "--train-defects", "1", "--defects", "3", "--size", "64", "--seed", "9");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("wrote 12 images and 8 masks of 2 classes (disc, fabric)"), run.toString());
        assertTrue(Files.isRegularFile(out.resolve("meta.json")));
        assertTrue(Files.isRegularFile(out.resolve("boxes.json")));
        assertTrue(Files.isRegularFile(out.resolve("disc/train/good/000.png")));
        CliRun inspect = CliRun.of("dataset", "inspect", out.toString());
        assertEquals(0, inspect.exitCode(), inspect.toString());
        assertTrue(inspect.out().contains("problems: none"), inspect.toString());
    }

    @Test
    void oneClassIsSaidInTheSingular(@TempDir Path tmp) {
        CliRun run = CliRun.of("synth", "--out", tmp.resolve("one").toString(), "--classes", "1", "--good", "1",
                "--train-defects", "1", "--defects", "3", "--size", "64");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("masks of 1 class (disc)"), run.toString());
    }

    @Test
    void badOptionsAreUsageErrors(@TempDir Path tmp) throws Exception {
        CliRun classes = CliRun.of("synth", "--out", tmp.resolve("x").toString(), "--classes", "9");
        assertEquals(2, classes.exitCode(), classes.toString());
        assertTrue(classes.err().contains("--classes must be 1 to 5"), classes.toString());
        Files.writeString(tmp.resolve("file.txt"), "x");
        CliRun full = CliRun.of("synth", "--out", tmp.toString());
        assertEquals(2, full.exitCode(), full.toString());
        assertTrue(full.err().contains("not empty"), full.toString());
        CliRun missing = CliRun.of("synth");
        assertEquals(2, missing.exitCode(), missing.toString());
    }
}
