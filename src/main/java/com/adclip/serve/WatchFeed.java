package com.adclip.serve;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Follows a running {@code adclip watch} by tailing its results CSV: rows are read from where the previous
 * look ended, and the latest {@link #KEPT} are kept for the page. The watch and the server share nothing else.
 */
final class WatchFeed {
    static final int KEPT = 1000;

    private final Path results;
    private final Deque<Map<String, String>> rows = new ArrayDeque<>();
    private long offset;
    private String carry = "";

    WatchFeed(Path results) {
        this.results = results;
    }

    /** Rows with an id above {@code after}, oldest first, at most {@code limit} (the newest ones). */
    synchronized List<Map<String, String>> after(long after, int limit) {
        refresh();
        List<Map<String, String>> out = new ArrayList<>();
        for (Map<String, String> row : rows) {
            if (id(row) > after) {
                out.add(row);
            }
        }
        return out.size() > limit ? out.subList(out.size() - limit, out.size()) : out;
    }

    /** The row with this id, if still kept. */
    synchronized Map<String, String> row(long id) {
        refresh();
        for (Map<String, String> row : rows) {
            if (id(row) == id) {
                return row;
            }
        }
        return null;
    }

    private static long id(Map<String, String> row) {
        try {
            return Long.parseLong(row.getOrDefault("id", "-1"));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void refresh() {
        try {
            if (!Files.isRegularFile(results)) {
                return;
            }
            long size = Files.size(results);
            if (size < offset) { // replaced by a new file: start again
                offset = 0;
                carry = "";
                rows.clear();
            }
            if (size == offset) {
                return;
            }
            String text;
            try (SeekableByteChannel channel = Files.newByteChannel(results)) {
                channel.position(offset);
                InputStream in = Channels.newInputStream(channel);
                byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, size - offset));
                offset += bytes.length;
                text = carry + new String(bytes, StandardCharsets.UTF_8);
            }
            int end = text.lastIndexOf('\n') + 1; // a row still being written waits for the next look
            carry = text.substring(end);
            parse(text.substring(0, end));
        } catch (IOException e) {
            // the watch may be rotating its file; the next look tries again
        }
    }

    private void parse(String complete) throws IOException {
        try (CSVParser parser = CSVParser.parse(new StringReader(complete), CSVFormat.DEFAULT)) {
            for (CSVRecord record : parser) {
                // rows of older versions lack the last column (entry)
                if (record.size() < FolderWatcher.COLUMNS.size() - 1 || record.size() > FolderWatcher.COLUMNS.size()
                        || record.get(0).equals("id")) {
                    continue;
                }
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < record.size(); i++) {
                    row.put(FolderWatcher.COLUMNS.get(i), record.get(i));
                }
                rows.addLast(row);
                if (rows.size() > KEPT) {
                    rows.removeFirst();
                }
            }
        }
    }
}
