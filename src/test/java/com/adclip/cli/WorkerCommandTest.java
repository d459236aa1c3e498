package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** `adclip worker` refuses what cannot work, before loading any model or touching Kafka. */
class WorkerCommandTest {
    private static CliRun worker(String... extra) {
        String[] base = {"worker", "--kafka", "127.0.0.1:1", "--topic", "in", "--group", "g", "--results-topic",
            "out", "--bundle", "missing.adclip"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRun.of(args);
    }

    @Test
    void theHistoryMustBeSharedPostgres() {
        CliRun run = worker("--history", "history.db");
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--history must be a jdbc:postgresql:// URL"), run.toString());
    }

    @Test
    void theDeadLetterTopicMustDifferFromTheInput() {
        CliRun run = worker("--history", "jdbc:postgresql://127.0.0.1:1/x", "--dead-letter-topic", "in");
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("must differ from --topic"), run.toString());
    }

    @Test
    void aMissingBundleIsAUsageError() {
        CliRun run = worker("--history", "jdbc:postgresql://127.0.0.1:1/x", "--bundle-sha256", "ab");
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("no bundle file at missing.adclip"), run.toString());
    }

    @Test
    void aConfigFileGivesTheOptionsAndTheCommandLineWins(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws java.io.IOException {
        java.nio.file.Path config = tmp.resolve("worker.yaml");
        java.nio.file.Files.writeString(config, String.join("\n", "kafka: 127.0.0.1:1", "topic: in", "group: g",
                "results-topic: out", "history: jdbc:postgresql://127.0.0.1:1/x", "dead-letter-topic: in",
                "bundle: missing.adclip", "kafka-property:", "  security.protocol: PLAINTEXT", ""));
        CliRun fromFile = CliRun.of("worker", "--config", config.toString());
        assertEquals(2, fromFile.exitCode(), fromFile.toString());
        assertTrue(fromFile.err().contains("must differ from --topic"), "the file's values are read: " + fromFile);
        CliRun overridden = CliRun.of("worker", "--config", config.toString(), "--dead-letter-topic", "dlt",
                "--bundle-sha256", "ab");
        assertEquals(2, overridden.exitCode(), overridden.toString());
        assertTrue(overridden.err().contains("no bundle file at missing.adclip"), "the command line wins: "
                + overridden);
        java.nio.file.Files.writeString(config, "topic: in\n");
        CliRun missing = CliRun.of("worker", "--config", config.toString());
        assertEquals(2, missing.exitCode(), missing.toString());
        assertTrue(missing.err().contains("--kafka") && missing.err().contains("--results-topic"), missing.err());
        java.nio.file.Files.writeString(config, "kafka-topic: in\n");
        CliRun unknown = CliRun.of("worker", "--config", config.toString());
        assertEquals(2, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().contains("unknown key 'kafka-topic'"), unknown.err());
    }

    @Test
    void helpNamesTheOptions() {
        CliRun run = CliRun.of("worker", "--help");
        assertEquals(0, run.exitCode(), run.toString());
        for (String option : new String[] {"--kafka", "--topic", "--group", "--results-topic", "--dead-letter-topic",
            "--history", "--bundle-sha256", "--metrics-port", "--seconds-per-image", "--kafka-property"}) {
            assertTrue(run.out().contains(option), option);
        }
    }
}
