package com.adclip.serve;

import com.adclip.AdclipException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hot folder's memory, one JSON object per line, forced to disk on each write: a {@code begin} line (the
 * file, its answer and where it goes) before anything is moved, a {@code done} line once it was moved and its
 * results row written. After a crash, a {@code begin} without {@code done} is finished from what it recorded,
 * without inspecting the file again.
 */
final class WatchJournal implements AutoCloseable {
    static final String FILE_NAME = ".adclip-watch.journal";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One file's decision.
     *
     * @param seq a number unique in this folder's journal, also the results row's id
     * @param name the file's name in the input folder
     * @param key name, size and modification time: tells a new file from one already copied (with --copy)
     * @param verdict OK, NG or ERROR
     * @param destination where the file goes (absolute)
     * @param overlay the overlay's path, or null
     * @param score the image score, or NaN for errors
     * @param error the reason for ERROR, else null
     * @param defectType the image's most probable defect type when NG and the bundle has types, else null (absent
     *     in journals of older versions)
     */
    record Begin(long seq, String name, String key, String verdict, String destination, String overlay, double score,
            double threshold, double millis, int regions, String error,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            String defectType) {
        Begin(long seq, String name, String key, String verdict, String destination, String overlay, double score,
                double threshold, double millis, int regions, String error) {
            this(seq, name, key, verdict, destination, overlay, score, threshold, millis, regions, error, null);
        }
    }

    private final Path file;
    private final FileChannel channel;
    private String id;
    private long legacyUpTo; // begins numbered up to here predate the identity (journals of older versions)
    private final Map<Long, Begin> pending = new LinkedHashMap<>();
    private final java.util.Set<String> doneKeys = new java.util.HashSet<>();
    private long lastSeq;

    WatchJournal(Path folder) {
        this.file = folder.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                read(Files.readAllLines(file, StandardCharsets.UTF_8));
            }
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new AdclipException("cannot open the watch journal " + file + ": " + e.getMessage()
                    + " (the input folder must be writable)", e);
        }
        if (id == null) { // a new journal, or one written before journals had an identity
            id = java.util.UUID.randomUUID().toString();
            legacyUpTo = lastSeq;
            append(Map.of("type", "journal", "id", id, "seq", lastSeq));
        }
    }

    private void read(List<String> lines) throws IOException {
        Map<Long, String> keys = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            Map<?, ?> entry;
            try {
                entry = JSON.readValue(line, Map.class);
            } catch (IOException e) {
                continue; // a line cut short by a crash: its 'begin' was never acted on
            }
            if ("journal".equals(entry.get("type"))) {
                id = (String) entry.get("id");
                legacyUpTo = ((Number) entry.get("seq")).longValue();
                continue;
            }
            long seq = ((Number) entry.get("seq")).longValue();
            lastSeq = Math.max(lastSeq, seq);
            if ("begin".equals(entry.get("type"))) {
                pending.put(seq, JSON.convertValue(entry.get("begin"), Begin.class));
                keys.put(seq, (String) ((Map<?, ?>) entry.get("begin")).get("key"));
            } else if ("done".equals(entry.get("type"))) {
                pending.remove(seq);
                String key = keys.remove(seq);
                if (key != null) {
                    doneKeys.add(key);
                }
            }
        }
    }

    /**
     * This journal's identity, a random UUID written as its first line: with the sequence number it names a file's
     * results row uniquely, whatever other folders (or an earlier, deleted journal) wrote to the same results file.
     */
    String id() {
        return id;
    }

    /**
     * The results row's key for a begun file: journal identity and sequence number ({@code legacy:SEQ} for a
     * file begun by an older version, whose row carries only the sequence number as its id).
     */
    String entry(Begin begin) {
        return begin.seq() <= legacyUpTo ? "legacy:" + begin.seq() : id + ":" + begin.seq();
    }

    long nextSeq() {
        return ++lastSeq;
    }

    /** Begun and not done, oldest first. */
    List<Begin> pending() {
        return List.copyOf(pending.values());
    }

    boolean isDone(String key) {
        return doneKeys.contains(key);
    }

    void begin(Begin begin) {
        append(Map.of("type", "begin", "seq", begin.seq(), "begin", begin));
        pending.put(begin.seq(), begin);
    }

    void done(Begin begin) {
        append(Map.of("type", "done", "seq", begin.seq()));
        pending.remove(begin.seq());
        doneKeys.add(begin.key());
    }

    private void append(Map<String, Object> entry) {
        try {
            byte[] line = (JSON.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new AdclipException("cannot write the watch journal " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
