package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The output folder, threshold and image-limit options come from one mixin each; every command keeps the names and
 * defaults it had before (docs/predict.md, docs/station.md, docs/fleet.md).
 */
class SharedOptionsTest {

    private static CommandLine.Model.CommandSpec command(String name) {
        return new CommandLine(new Main()).getSubcommands().get(name).getCommandSpec();
    }

    @Test
    void imageLimitsDefaultTo40MegapixelsAnd160MbDecoded() {
        for (String name : List.of("predict", "serve", "watch", "worker")) {
            CommandLine.Model.CommandSpec spec = command(name);
            assertEquals("40", spec.findOption("--max-megapixels").defaultValue(), name);
            assertEquals("160", spec.findOption("--max-decoded-mb").defaultValue(), name);
        }
    }

    @Test
    void everyCommandKeepsItsOwnOutputFolder() {
        Map<String, String> folders = Map.of("predict", "adclip-results", "test", "adclip-test", "train",
                "adclip-train");
        folders.forEach((name, folder) -> {
            CommandLine.Model.CommandSpec spec = command(name);
            CommandLine.Model.OptionSpec out = spec.findOption("--out");
            assertNotNull(spec.findOption("--save_path"), name);
            assertEquals(Path.of(folder), out.initialValue(), name);
        });
    }

    @Test
    void theThresholdIsTheBundlesUnlessGiven() {
        for (String name : List.of("predict", "test", "serve", "watch", "worker")) {
            CommandLine.Model.OptionSpec threshold = command(name).findOption("--threshold");
            assertNotNull(threshold, name);
            assertNull(threshold.defaultValue(), name);
            assertNull(threshold.initialValue(), name);
        }
    }

    @Test
    void stationAndWorkerRefuseAThresholdOutsideZeroToOne() {
        List<List<String>> commands = List.of(List.of("serve"), List.of("worker", "--kafka", "127.0.0.1:1", "--topic",
                "in", "--group", "g", "--results-topic", "out", "--history", "jdbc:postgresql://127.0.0.1:1/h"));
        for (List<String> command : commands) {
            java.util.List<String> args = new java.util.ArrayList<>(command);
            args.addAll(List.of("--threshold", "1.5", "--bundle", "none.adclip"));
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertEquals(2, run.exitCode(), run.toString());
            org.junit.jupiter.api.Assertions.assertTrue(run.err().contains("--threshold must be in [0, 1]"),
                    run.toString());
        }
    }
}
