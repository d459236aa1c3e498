package com.adclip.serve;

import com.adclip.Inspection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.cli.TinyStationModel;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hot folder under a burst of 200 files, crashed twice and stopped once on the way, with the tiny model. */
class FolderWatcherTest {
    private static final int FILES = 200;
    private static final int JUNK = 4;

    @TempDir static Path shared;
    private static TinyStationModel model;
    @TempDir Path tmp;

    @BeforeAll
    static void load() {
        model = TinyStationModel.load(shared);
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    private static final class Crash extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private FolderWatcher.Config config(boolean copy) {
        Path in = tmp.resolve("in");
        return new FolderWatcher.Config(in, tmp.resolve("ok"), tmp.resolve("ng"), in.resolve("error"),
                tmp.resolve("results.csv"), copy, Duration.ofMillis(1));
    }

    private List<String> burst(Path in) throws IOException {
        Files.createDirectories(in);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < FILES; i++) {
            String name;
            if (i % (FILES / JUNK) == 7) {
                name = String.format("junk-%03d.png", i);
                Files.writeString(in.resolve(name), "not an image " + i);
            } else {
                name = String.format("part-%03d.png", i);
                Files.copy(TinyStationModel.image(i % 4), in.resolve(name));
            }
            names.add(name);
        }
        Files.writeString(in.resolve(".incoming.png.tmp"), "still being written");
        return names;
    }

    private FolderWatcher watcher(boolean copy, FolderWatcher.Steps steps) {
        return new FolderWatcher(config(copy), memo, steps);
    }

    /**
     * The tiny model, run once per distinct file content: the burst repeats four golden images, and the folder
     * handling, not the model, is under test here (a model call costs 60-600 ms on a shared 2-core machine).
     */
    private final Inspector memo = new Inspector() {
        private final Map<String, Inspection> seen = new HashMap<>();

        @Override
        public Inspection inspect(Path image) {
            String key;
            try {
                key = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(image)));
            } catch (IOException | java.security.NoSuchAlgorithmException e) {
                return model.inspector().inspect(image);
            }
            Inspection known = seen.get(key);
            if (known == null) {
                known = model.inspector().inspect(image); // junk throws, and is not remembered
                seen.put(key, known);
            }
            return known;
        }

        @Override
        public String model() {
            return model.inspector().model();
        }

        @Override
        public double threshold() {
            return model.inspector().threshold();
        }

        @Override
        public void setThreshold(double threshold) {
            model.inspector().setThreshold(threshold);
        }

        @Override
        public double mapThreshold() {
            return model.inspector().mapThreshold();
        }

        @Override
        public double mapMax() {
            return model.inspector().mapMax();
        }
    };

    private static void twoPolls(FolderWatcher watcher, java.util.function.BooleanSupplier keepGoing) {
        watcher.pollOnce(keepGoing);
        watcher.pollOnce(keepGoing);
    }

    @Test
    void aBurstWithCrashesAndARestartEndsWithEveryFileInExactlyOnePlace() throws IOException {
        FolderWatcher.Config config = config(false);
        List<String> names = burst(config.in());
        // run 1: crashes right after journalling 'begin' for file 30 (overlay written, nothing moved)
        try (FolderWatcher first = watcher(false, (step, b) -> {
            if (step.equals("begin") && b.seq() == 30) {
                throw new Crash();
            }
        })) {
            assertThrows(Crash.class, () -> twoPolls(first, () -> true));
        }
        // run 2: crashes after moving file 80, before its results row
        try (FolderWatcher second = watcher(false, (step, b) -> {
            if (step.equals("moved") && b.seq() == 80) {
                throw new Crash();
            }
        })) {
            assertThrows(Crash.class, () -> twoPolls(second, () -> true));
        }
        // run 3: stopped (as by Ctrl-C) after 40 more files
        AtomicInteger done = new AtomicInteger();
        try (FolderWatcher third = watcher(false, (step, b) -> {
            if (step.equals("row")) {
                done.incrementAndGet();
            }
        })) {
            twoPolls(third, () -> done.get() < 40);
        }
        // run 4: to the end
        try (FolderWatcher last = watcher(false, (step, b) -> { })) {
            twoPolls(last, () -> true);
        }
        assertEachFileInOnePlace(config, names);
        assertTrue(Files.exists(config.in().resolve(".incoming.png.tmp")), "temporary names are left alone");
    }

    @Test
    void copyModeRemembersWhatItCopiedAcrossARestart() throws IOException {
        FolderWatcher.Config config = config(true);
        Path in = config.in();
        Files.createDirectories(in);
        for (int i = 0; i < 12; i++) {
            Files.copy(TinyStationModel.image(i % 4), in.resolve(String.format("c-%02d.png", i)));
        }
        try (FolderWatcher first = watcher(true, (step, b) -> {
            if (step.equals("row") && b.seq() == 5) {
                throw new Crash();
            }
        })) {
            assertThrows(Crash.class, () -> twoPolls(first, () -> true));
        }
        try (FolderWatcher second = watcher(true, (step, b) -> { })) {
            twoPolls(second, () -> true);
            twoPolls(second, () -> true);
        }
        try (FolderWatcher third = watcher(true, (step, b) -> { })) {
            twoPolls(third, () -> true);
        }
        List<CSVRecord> rows = rows(config.results());
        assertEquals(12, rows.size(), "each file once, across three runs");
        assertEquals(12, rows.stream().map(r -> r.get("file")).distinct().count());
        try (Stream<Path> left = Files.list(in)) {
            assertEquals(12, left.filter(p -> p.getFileName().toString().startsWith("c-")).count(), "copies keep IN");
        }
    }

    private List<String> four(Path in, String prefix) throws IOException {
        Files.createDirectories(in);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String name = prefix + i + ".png";
            Files.copy(TinyStationModel.image(i), in.resolve(name));
            names.add(name);
        }
        return names;
    }

    private void runOnce(Path in, Path results) {
        FolderWatcher.Config config = new FolderWatcher.Config(in, tmp.resolve("ok"), tmp.resolve("ng"),
                in.resolve("error"), results, false, Duration.ofMillis(1));
        try (FolderWatcher watcher = new FolderWatcher(config, memo)) {
            twoPolls(watcher, () -> true);
        }
    }

    @Test
    void twoFoldersWritingOneResultsFileKeepEveryRow() throws IOException {
        Path results = tmp.resolve("r.csv");
        four(tmp.resolve("a"), "x"); // the same names in both folders: the shared OK/NG folders rename
        four(tmp.resolve("b"), "x");
        runOnce(tmp.resolve("a"), results);
        runOnce(tmp.resolve("b"), results);
        List<CSVRecord> rows = rows(results);
        assertEquals(8, rows.size(), "one row per file of both folders");
        Set<String> ids = new HashSet<>();
        Set<String> destinations = new HashSet<>();
        for (CSVRecord row : rows) {
            assertTrue(ids.add(row.get("id")), "ids are unique: " + row.get("id"));
            assertTrue(destinations.add(row.get("destination")), "destinations differ: " + row.get("destination"));
            assertTrue(Files.exists(Path.of(row.get("destination"))), row.get("destination"));
        }
        assertEquals(8, images(tmp.resolve("ok")).size() + images(tmp.resolve("ng")).size());
    }

    @Test
    void aDeletedJournalDoesNotHideTheNextRows() throws IOException {
        Path results = tmp.resolve("r.csv");
        Path in = tmp.resolve("in");
        four(in, "p");
        runOnce(in, results);
        Files.delete(in.resolve(WatchJournal.FILE_NAME));
        four(in, "q");
        runOnce(in, results);
        assertEquals(8, rows(results).size());
    }

    private static List<CSVRecord> rows(Path results) throws IOException {
        try (Reader reader = Files.newBufferedReader(results, StandardCharsets.UTF_8)) {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(reader)
                    .getRecords();
        }
    }

    private static Set<String> images(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            Set<String> names = new HashSet<>();
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".png") && !n.endsWith("_overlay.png"))
                    .forEach(names::add);
            return names;
        }
    }

    private static void assertEachFileInOnePlace(FolderWatcher.Config config, List<String> names) throws IOException {
        Set<String> ok = images(config.ok());
        Set<String> ng = images(config.ng());
        Set<String> error = images(config.error());
        Set<String> in = images(config.in());
        assertTrue(in.isEmpty(), "IN is drained: " + in);
        for (String name : names) {
            int places = (ok.contains(name) ? 1 : 0) + (ng.contains(name) ? 1 : 0) + (error.contains(name) ? 1 : 0);
            assertEquals(1, places, name + " is in exactly one place");
        }
        assertEquals(FILES, ok.size() + ng.size() + error.size(), "no copies under other names");
        assertEquals(JUNK, error.size());
        for (String name : error) {
            assertTrue(Files.readString(config.error().resolve(name + ".reason.txt")).contains("cannot read"));
        }
        for (String name : ok) {
            assertTrue(Files.exists(config.ok().resolve(name.replace(".png", "_overlay.png"))), name);
        }
        for (String name : ng) {
            assertTrue(Files.exists(config.ng().resolve(name.replace(".png", "_overlay.png"))), name);
        }
        List<CSVRecord> rows = rows(config.results());
        assertEquals(FILES, rows.size(), "one results row per file");
        Map<String, String> verdicts = new HashMap<>();
        Set<String> ids = new HashSet<>();
        for (CSVRecord row : rows) {
            assertTrue(ids.add(row.get("id")), "ids are unique");
            assertFalse(verdicts.containsKey(row.get("file")), "no file twice: " + row.get("file"));
            verdicts.put(row.get("file"), row.get("verdict"));
        }
        for (String name : names) {
            String expected = ok.contains(name) ? "OK" : ng.contains(name) ? "NG" : "ERROR";
            assertEquals(expected, verdicts.get(name), name);
        }
        String journal = Files.readString(config.in().resolve(WatchJournal.FILE_NAME));
        assertEquals(FILES, journal.lines().filter(l -> l.contains("\"type\":\"done\"")).count());
    }
}
