package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad usage: one line (with picocli's suggestion) and the --help hint, exit code 2; broken files: one line. */
class CliErrorsTest {
    @TempDir
    Path tmp;

    @Test
    void anOptionTypoGetsOneLineWithTheSuggestionAndTheHelpHint() {
        CliRun run = CliRun.of("train", "--epochz", "3");
        assertEquals(2, run.exitCode(), run.toString());
        assertEquals("adclip: error: Unknown option: '--epochz'; did you mean --epochs or --epoch?\n"
                + "Try 'adclip train --help' for more information.\n", run.err(), run.toString());
        assertEquals("", run.out());
    }

    @Test
    void aCommandTypoGetsTheSuggestion() {
        CliRun run = CliRun.of("predikt");
        assertEquals(2, run.exitCode(), run.toString());
        // picocli names every close command: since `adclip reference` exists, that is two
        assertEquals("adclip: error: Unmatched argument at index 0: 'predikt'; did you mean predict or reference?\n"
                + "Try 'adclip --help' for more information.\n", run.err(), run.toString());
    }

    @Test
    void aMissingParameterAndABadValueAreOneLineToo() {
        CliRun missing = CliRun.of("predict");
        assertEquals(2, missing.exitCode(), missing.toString());
        assertEquals("adclip: error: Missing required parameter: 'INPUT'\n"
                + "Try 'adclip predict --help' for more information.\n", missing.err(), missing.toString());
        CliRun bad = CliRun.of("predict", "--batch-size", "0", "x.png");
        assertEquals(2, bad.exitCode(), bad.toString());
        assertEquals("adclip: error: --batch-size must be at least 1\n"
                + "Try 'adclip predict --help' for more information.\n", bad.err(), bad.toString());
    }

    @Test
    void anUnknownModelIsBadUsageEverywhere() {
        CliRun fetch = CliRun.of("fetch-model", "ViT-H/14", "--cache", tmp.toString());
        assertEquals(2, fetch.exitCode(), fetch.toString());
        CliRun random = CliRun.of("demo", "--random-weights", "--model", "ViT-H/14", "--out",
                tmp.resolve("demo").toString(), "--cache", tmp.toString());
        assertEquals(2, random.exitCode(), random.toString());
        assertTrue(random.err().endsWith("adclip: error: unknown model 'ViT-H/14'; known models: ViT-B/32, ViT-B/16, "
                + "ViT-L/14, ViT-L/14@336px\n"), random.toString());
    }

    @Test
    void everySubcommandPrintsTheVersion() {
        CliRun top = CliRun.of("--version");
        for (String command : new String[] {"train", "predict", "serve", "fetch-model"}) {
            CliRun run = CliRun.of(command, "--version");
            assertEquals(0, run.exitCode(), run.toString());
            assertTrue(run.out().startsWith("adclip "), run.toString());
            assertEquals(top.out(), run.out(), command);
        }
    }

    @Test
    void aBrokenManifestIsOneLine() throws IOException {
        Path bundle = tmp.resolve("broken.adclip");
        try (OutputStream out = Files.newOutputStream(bundle); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("manifest.json"));
            zip.write("{\"thresholds\": ".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        Path image = Files.write(tmp.resolve("a.png"), new byte[] {1});
        CliRun run = CliRun.of("predict", "--bundle", bundle.toString(), "--out", tmp.resolve("out").toString(),
                image.toString());
        assertEquals("adclip: error: " + bundle + ": invalid manifest.json: Unexpected end-of-input within/between "
                + "Object entries (line 1, column 16)\n", run.err(), run.toString());
    }
}
