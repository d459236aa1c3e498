package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code adclip watch --once} through the CLI, and {@code adclip serve}'s usage errors. */
class WatchCommandTest {
    @TempDir Path tmp;

    @Test
    void watchOnceSortsAFolder() throws Exception {
        Path golden = Fixtures.goldenV1();
        try (TinyStationModel ignored = TinyStationModel.load(tmp)) { // imports tmp/tiny.adclip
            // the bundle stays on disk; the CLI loads it again
        }
        Path in = Files.createDirectories(tmp.resolve("in"));
        for (int i = 0; i < 4; i++) {
            Files.copy(golden.resolve("images/img" + i + ".png"), in.resolve("p" + i + ".png"));
        }
        Files.writeString(in.resolve("bad.png"), "junk");
        Path results = tmp.resolve("results.csv");
        CliRun run = CliRun.of("watch", in.toString(), "--bundle", tmp.resolve("tiny.adclip").toString(), "--weights",
                golden.resolve("tiny-clip.pt").toString(), "--cache", tmp.resolve("cache").toString(), "--ok",
                tmp.resolve("ok").toString(), "--ng", tmp.resolve("ng").toString(), "--results", results.toString(),
                "--poll-ms", "50", "--once");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("1 errors"), run.err());
        List<String> rows = Files.readAllLines(results);
        assertEquals(6, rows.size(), "a header and five rows");
        assertTrue(Files.exists(in.resolve("error/bad.png")));
        assertTrue(Files.exists(in.resolve("error/bad.png.reason.txt")));
        try (Stream<Path> left = Files.list(in)) {
            assertEquals(0, left.filter(p -> p.toString().endsWith(".png")).count());
        }
    }

    @Test
    void serveRefusesABadPort() {
        CliRun run = CliRun.of("serve", "--bundle", tmp.resolve("none.adclip").toString(), "--port", "70000");
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--port"), run.err());
    }
}
