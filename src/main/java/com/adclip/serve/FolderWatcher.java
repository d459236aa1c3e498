package com.adclip.serve;

import com.adclip.AdclipException;
import com.adclip.Inspection;
import com.adclip.anomaly.Prediction;
import com.adclip.Verdict;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * A hot folder: each new image in the input folder, once its writer has finished (same size and modification
 * time over two polls; names starting with a dot or ending in {@code .tmp}, {@code .part} or
 * {@code .crdownload} are ignored until renamed), is inspected and moved (or copied) into the OK or NG folder with
 * its overlay ({@code NAME_overlay.png}), and a row is appended to the results CSV. Files that cannot be read go
 * to the error folder with {@code NAME.reason.txt}.
 *
 * <p>A journal in the input folder ({@link WatchJournal}) makes the watcher crash-safe: a restart neither skips
 * nor repeats a file. Per file: inspect, write the overlay (or reason), journal {@code begin}, move, append the
 * row, journal {@code done}; a restart finishes every {@code begin} without {@code done} from the journal. Sub-folders of the input folder are ignored, so the error folder may live inside it.
 */
public final class FolderWatcher implements AutoCloseable {
    /** The results CSV's header. */
    public static final List<String> COLUMNS = List.of("id", "time", "file", "verdict", "score", "threshold", "ms",
            "regions", "destination", "overlay", "error", "entry");
    /**
     * The column after {@link #COLUMNS} when the bundle has defect types: an NG image's most probable type (empty
     * for OK images and errors).
     */
    public static final String TYPE_COLUMN = "type";

    /**
     * What to watch and where files go.
     *
     * @param copy copy instead of move (the input folder keeps the files; the journal remembers them)
     * @param poll time between two looks at the folder
     */
    public record Config(Path in, Path ok, Path ng, Path error, Path results, boolean copy, Duration poll) {
        public Config {
            if (poll.isNegative() || poll.isZero()) {
                throw new IllegalArgumentException("poll interval must be positive");
            }
        }
    }

    /** Counts of what one watcher has done. */
    public record Tally(int ok, int ng, int errors) {}

    /** Test hook: called after each step of a file, so tests can simulate a crash between steps. */
    interface Steps {
        void after(String step, WatchJournal.Begin begin);
    }

    private record Seen(long size, long modified) {}

    private final Config config;
    private final Inspector inspector;
    private final WatchJournal journal;
    private final Steps steps;
    private final Set<String> rowsWritten = new HashSet<>();
    private long lastRowId;
    private long resultsSize = -1;
    private Map<String, Seen> lastSeen = new HashMap<>();
    private int ok;
    private int ng;
    private int errors;

    /** Opens the folders, the journal and the results file, and finishes whatever a crash left half done. */
    public FolderWatcher(Config config, Inspector inspector) {
        this(config, inspector, (step, begin) -> { });
    }

    FolderWatcher(Config config, Inspector inspector, Steps steps) {
        this.config = config;
        this.inspector = inspector;
        this.steps = steps;
        if (!Files.isDirectory(config.in())) {
            throw new AdclipException("input folder " + config.in() + " does not exist or is not a folder");
        }
        try {
            for (Path dir : List.of(config.ok(), config.ng(), config.error())) {
                Files.createDirectories(dir);
            }
            Path parent = config.results().toAbsolutePath().getParent();
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new AdclipException("cannot create the output folders: " + e.getMessage(), e);
        }
        readResults();
        this.journal = new WatchJournal(config.in());
        recover();
    }

    /** Polls until {@code keepGoing} turns false (checked between polls and between files). */
    public void run(BooleanSupplier keepGoing) throws InterruptedException {
        while (keepGoing.getAsBoolean()) {
            pollOnce(keepGoing);
            Thread.sleep(config.poll().toMillis());
        }
    }

    /** One look at the folder: processes every file that was stable since the previous look. */
    public int pollOnce(BooleanSupplier keepGoing) {
        Map<String, Seen> now = scan();
        int processed = 0;
        for (Map.Entry<String, Seen> e : now.entrySet()) {
            if (!keepGoing.getAsBoolean()) {
                break;
            }
            Seen before = lastSeen.get(e.getKey());
            if (e.getValue().equals(before) && !alreadyHandled(e.getKey(), e.getValue())) {
                process(e.getKey(), e.getValue());
                processed++;
            }
        }
        lastSeen = now;
        return processed;
    }

    public Tally tally() {
        return new Tally(ok, ng, errors);
    }

    private boolean alreadyHandled(String name, Seen seen) {
        return config.copy() && journal.isDone(key(name, seen));
    }

    private Map<String, Seen> scan() {
        Map<String, Seen> found = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(config.in())) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (ignored(name)) {
                    continue;
                }
                try {
                    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                    if (a.isRegularFile()) {
                        found.put(name, new Seen(a.size(), a.lastModifiedTime().toMillis()));
                    }
                } catch (IOException e) {
                    // vanished between listing and reading: seen next time, if it comes back
                }
            }
        } catch (IOException e) {
            throw new AdclipException("cannot list the input folder " + config.in() + ": " + e.getMessage(), e);
        }
        return found;
    }

    static boolean ignored(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return name.startsWith(".") || lower.endsWith(".tmp") || lower.endsWith(".part")
                || lower.endsWith(".crdownload");
    }

    private static String key(String name, Seen seen) {
        return name + "|" + seen.size() + "|" + seen.modified();
    }

    private void process(String name, Seen seen) {
        Path source = config.in().resolve(name);
        long seq = journal.nextSeq();
        Inspection inspection = null;
        String reason = null;
        try {
            inspection = inspector.inspect(source);
        } catch (Inspector.ImageRejectedException | AdclipException e) {
            reason = e.getMessage().replace(source.toString(), name);
        }
        WatchJournal.Begin begin;
        if (inspection != null) {
            Prediction p = inspection.prediction();
            Path dir = inspection.verdict() == Verdict.NG ? config.ng() : config.ok();
            Path destination = unique(dir, name, seq);
            Path overlay = dir.resolve(stem(destination.getFileName().toString()) + "_overlay.png");
            begin = new WatchJournal.Begin(seq, name, key(name, seen), inspection.verdict().name(),
                    destination.toAbsolutePath().toString(), overlay.toAbsolutePath().toString(), p.score(),
                    inspection.threshold(), inspection.millis(), p.regions().size(), null,
                    p.types() != null && inspection.verdict() == Verdict.NG ? p.types().top() : null);
            writeAtomically(overlay, Renderings.png(Renderings.overlay(inspection, inspector.mapMax())));
            journal.begin(begin);
            steps.after("begin", begin);
        } else {
            Path destination = unique(config.error(), name, seq);
            begin = new WatchJournal.Begin(seq, name, key(name, seen), "ERROR", destination.toAbsolutePath().toString(),
                    null, Double.NaN, inspector.threshold(), 0, 0, reason);
            writeAtomically(config.error().resolve(destination.getFileName() + ".reason.txt"),
                    (reason + "\n").getBytes(StandardCharsets.UTF_8));
            journal.begin(begin);
            steps.after("begin", begin);
        }
        finish(begin);
    }

    /** Moves or copies the file, writes its row, marks it done; safe to repeat after a crash at any step. */
    private void finish(WatchJournal.Begin begin) {
        Path source = config.in().resolve(begin.name());
        Path destination = Path.of(begin.destination());
        if (Files.exists(source)) { // repeating a copy, or a move that did not happen, is harmless
            transfer(source, destination);
        }
        steps.after("moved", begin);
        appendRowOnce(begin);
        steps.after("row", begin);
        journal.done(begin);
        switch (begin.verdict()) {
            case "OK" -> ok++;
            case "NG" -> ng++;
            default -> errors++;
        }
    }

    private void recover() {
        for (WatchJournal.Begin begin : journal.pending()) {
            finish(begin);
        }
    }

    private void transfer(Path source, Path destination) {
        try {
            if (config.copy()) {
                Path temp = destination.resolveSibling("." + destination.getFileName() + ".tmp");
                Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                Files.move(temp, destination, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                try {
                    Files.move(source, destination, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) { // another file system: copy, then delete
                    Files.copy(source, destination, StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.COPY_ATTRIBUTES);
                    Files.delete(source);
                }
            }
        } catch (IOException e) {
            throw new AdclipException("cannot " + (config.copy() ? "copy " : "move ") + source + " to " + destination
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code dir/name}, or {@code dir/STEM-SEQ.EXT} when a file of that name is already there, or
     * {@code dir/STEM-SEQ-2.EXT} and so on (several input folders may share the OK and NG folders).
     */
    private static Path unique(Path dir, String name, long seq) {
        Path plain = dir.resolve(name);
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String extension = dot > 0 ? name.substring(dot) : "";
        Path candidate = plain;
        for (int n = 1; Files.exists(candidate); n++) {
            candidate = dir.resolve(stem + "-" + seq + (n == 1 ? "" : "-" + n) + extension);
        }
        return candidate;
    }

    private static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static void writeAtomically(Path file, byte[] bytes) {
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.write(temp, bytes);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new AdclipException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the results file's row ids and entries (journal identity and sequence number): a row is never written
     * twice, and a new row takes the next id, whichever folders or journals wrote the rows before.
     */
    private void readResults() {
        rowsWritten.clear();
        lastRowId = 0;
        if (!Files.exists(config.results())) {
            resultsSize = -1;
            return;
        }
        try (CSVParser parser = CSVParser.parse(config.results(), StandardCharsets.UTF_8, CSVFormat.DEFAULT)) {
            for (CSVRecord record : parser) {
                long id;
                try {
                    id = Long.parseLong(record.get(0));
                } catch (NumberFormatException e) {
                    continue; // the header, or not one of ours
                }
                lastRowId = Math.max(lastRowId, id);
                // rows of older versions have no entry column: their id was the journal's sequence number
                rowsWritten.add(record.size() > ENTRY ? record.get(ENTRY) : "legacy:" + id);
            }
            resultsSize = Files.size(config.results());
        } catch (IOException | IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new AdclipException("cannot read the results file " + config.results() + ": " + e.getMessage()
                    + " (give a new --results file)", e);
        }
    }

    private static final int ENTRY = COLUMNS.indexOf("entry");

    /**
     * Appends the file's row unless the results file already has it. The results file is locked while appending
     * and re-read first when someone else (a watch on another folder) has written to it since.
     */
    private void appendRowOnce(WatchJournal.Begin begin) {
        String entry = journal.entry(begin);
        if (rowsWritten.contains(entry)) {
            return;
        }
        try (FileChannel out = FileChannel.open(config.results(), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND); FileLock held = out.lock()) {
            long size = out.size();
            if (size != resultsSize && size > 0) {
                readResults();
            }
            if (!rowsWritten.contains(entry)) {
                ByteBuffer bytes = ByteBuffer.wrap(row(begin, entry, size == 0).getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                rowsWritten.add(entry);
            }
            resultsSize = out.size();
        } catch (IOException e) {
            throw new AdclipException("cannot append to " + config.results() + ": " + e.getMessage(), e);
        }
    }

    private String row(WatchJournal.Begin b, String entry, boolean header) throws IOException {
        StringBuilder text = new StringBuilder();
        try (CSVPrinter csv = new CSVPrinter(text, CSVFormat.DEFAULT)) {
            if (header) {
                List<String> columns = new ArrayList<>(COLUMNS);
                if (inspector.typed()) {
                    columns.add(TYPE_COLUMN);
                }
                csv.printRecord(columns);
            }
            List<Object> row = new ArrayList<>();
            row.add(++lastRowId);
            row.add(Instant.now().toString());
            row.add(b.name());
            row.add(b.verdict());
            row.add(Double.isNaN(b.score()) ? "" : String.format(Locale.ROOT, "%.6f", b.score()));
            row.add(String.format(Locale.ROOT, "%.6f", b.threshold()));
            row.add(String.format(Locale.ROOT, "%.1f", b.millis()));
            row.add(b.regions());
            row.add(b.destination());
            row.add(b.overlay() == null ? "" : b.overlay());
            row.add(b.error() == null ? "" : b.error());
            row.add(entry);
            if (inspector.typed()) {
                row.add(b.defectType() == null ? "" : b.defectType());
            }
            csv.printRecord(row);
        }
        return text.toString();
    }

    @Override
    public void close() {
        journal.close();
    }
}
