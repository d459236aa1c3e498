package com.adclip.serve;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Past inspections: the embedded SQLite file of one station ({@link HistoryStore}, the default) or a PostgreSQL
 * database shared by several stations and fleet workers ({@link PostgresHistory}). Implementations are
 * thread-safe.
 */
public interface History extends AutoCloseable {
    /**
     * One inspection.
     *
     * @param id assigned by the store (0 before {@link #add})
     * @param time when it was inspected
     * @param name the upload's file name as the client gave it (display only, never used as a path)
     * @param thumbnail a small JPEG of the overlay
     * @param requestId the caller's id of the request (fleet requests), or null; a second entry with the same id
     *     is not stored
     * @param bundleSha256 the sha256 of the bundle that made the answer, or null when not known
     */
    record Entry(long id, Instant time, String name, double score, String verdict, double threshold, double millis,
            int regions, byte[] thumbnail, String requestId, String bundleSha256) {
        /** An entry without a request id or bundle digest (a station upload). */
        public Entry(long id, Instant time, String name, double score, String verdict, double threshold,
                double millis, int regions, byte[] thumbnail) {
            this(id, time, name, score, verdict, threshold, millis, regions, thumbnail, null, null);
        }

        /** This entry under the id the store assigned. */
        public Entry withId(long assigned) {
            return new Entry(assigned, time, name, score, verdict, threshold, millis, regions, thumbnail, requestId,
                    bundleSha256);
        }
    }

    /** OK and NG counts since a moment. */
    record Counts(Instant since, long ok, long ng) {}

    /**
     * Stores an entry and returns it with its id. An entry whose request id is already stored is not stored
     * again: the stored one is returned.
     */
    Entry add(Entry e);

    /** The newest {@code limit} entries, newest first. */
    List<Entry> recent(int limit);

    Counts counts(Instant since);

    /**
     * Deletes entries older than the retention's age (relative to {@code now}) and all but its newest
     * {@code maxRows}; returns how many were deleted.
     */
    long prune(HistoryRetention keep, Instant now);

    /** How many entries the history holds. */
    long size();

    /** The entry stored for a request id, if any. */
    Optional<Entry> findByRequestId(String requestId);

    @Override
    void close();

    /**
     * Opens the history a {@code --history} option names: a {@code jdbc:postgresql://} URL, else a SQLite file.
     */
    static History open(String spec) {
        if (spec.startsWith(PostgresHistory.URL_PREFIX)) {
            return new PostgresHistory(spec);
        }
        return new HistoryStore(Path.of(spec));
    }
}
