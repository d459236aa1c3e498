package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --config FILE}: YAML values are defaults, the command line wins, and every run writes config.yaml. */
class ConfigFileTest {
    @TempDir static Path shared;
    private static EvalCliFixture fx;
    @TempDir Path tmp;

    @BeforeAll
    static void bundle() {
        fx = EvalCliFixture.create(shared);
    }

    private Path yaml(String text) throws IOException {
        Path file = tmp.resolve("options.yaml");
        Files.writeString(file, text);
        return file;
    }

    private String common() {
        return "bundle: " + fx.bundle + "\nweights: " + fx.weights() + "\ncache: " + fx.cache + "\n";
    }

    private static List<String> verdicts(Path out) throws IOException {
        JsonNode rows = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        List<String> v = new java.util.ArrayList<>();
        rows.forEach(r -> v.add(r.get("verdict").asText()));
        return v;
    }

    @Test
    void fileValuesApplyAndTheCommandLineWins() throws IOException {
        Path config = yaml(common() + "threshold: 1000\nformat: csv\nno-images: true\nout: " + tmp.resolve("a") + "\n");
        String image = fx.golden.resolve("images/img1.png").toString();
        CliRun fromFile = CliRun.of("predict", "--config", config.toString(), image);
        assertEquals(0, fromFile.exitCode(), fromFile.toString());
        assertEquals(List.of("OK"), verdicts(tmp.resolve("a")), "threshold 1000 from the file: nothing is NG");
        assertTrue(Files.exists(tmp.resolve("a/results.csv")), "format: csv from the file");
        assertFalse(Files.exists(tmp.resolve("a/img1_overlay.png")), "no-images: true from the file");

        CliRun overridden = CliRun.of("predict", "--config", config.toString(), "--threshold", "0", "--out",
                tmp.resolve("b").toString(), image);
        assertEquals(0, overridden.exitCode(), overridden.toString());
        assertEquals(List.of("NG"), verdicts(tmp.resolve("b")), "--threshold 0 on the command line wins");
        assertTrue(Files.exists(tmp.resolve("b/results.csv")), "the other file values still apply");
    }

    @Test
    void theWrittenConfigRepeatsTheRun() throws IOException {
        Path out = tmp.resolve("first");
        CliRun first = CliRun.of("test", "--bundle", fx.bundle.toString(), "--weights", fx.weights().toString(),
                "--cache", fx.cache.toString(), "--data", fx.golden.resolve("meta.json").toString(), "--threshold",
                "0.25", "--out", out.toString());
        assertEquals(0, first.exitCode(), first.toString());
        String written = Files.readString(out.resolve("config.yaml"));
        assertTrue(written.contains("threshold: 0.25"), written);
        assertTrue(written.contains("data: " + fx.golden.resolve("meta.json").toAbsolutePath().normalize()), written);
        Path again = tmp.resolve("again");
        CliRun repeat = CliRun.of("test", "--config", out.resolve("config.yaml").toString(), "--out", again.toString());
        assertEquals(0, repeat.exitCode(), repeat.toString());
        JsonNode a = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        JsonNode b = new ObjectMapper().readTree(again.resolve("metrics.json").toFile());
        assertEquals(a.get("pooled"), b.get("pooled"));
        assertEquals(a.get("about").get("threshold"), b.get("about").get("threshold"));
    }

    @Test
    void unknownKeysAndBadYamlAreUsageErrorsNamingTheFile() throws IOException {
        Path config = yaml(common() + "treshold: 0.5\n");
        CliRun run = CliRun.of("predict", "--config", config.toString(), "x.png");
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("unknown key 'treshold'") && run.err().contains("threshold"), run.toString());
        CliRun bad = CliRun.of("predict", "--config", yaml("threshold: [1\n").toString(), "x.png");
        assertEquals(2, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("not valid YAML"), bad.toString());
        for (String command : List.of("train", "test", "predict", "serve", "watch")) {
            assertTrue(CliRun.of(command, "--help").out().contains("--config=FILE"), command);
        }
    }
}
