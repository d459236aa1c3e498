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
     * @param defectType the top defect type of an NG answer of a typed bundle ({@link #topType}), else null (also
     *     for rows stored before the column existed)
     */
    record Entry(long id, Instant time, String name, double score, String verdict, double threshold, double millis,
            int regions, byte[] thumbnail, String requestId, String bundleSha256, String defectType) {
        /** An entry without a defect type. */
        public Entry(long id, Instant time, String name, double score, String verdict, double threshold,
                double millis, int regions, byte[] thumbnail, String requestId, String bundleSha256) {
            this(id, time, name, score, verdict, threshold, millis, regions, thumbnail, requestId, bundleSha256, null);
        }

        /** An entry without a request id or bundle digest (a station upload). */
        public Entry(long id, Instant time, String name, double score, String verdict, double threshold,
                double millis, int regions, byte[] thumbnail) {
            this(id, time, name, score, verdict, threshold, millis, regions, thumbnail, null, null);
        }

        /** This entry under the id the store assigned. */
        public Entry withId(long assigned) {
            return new Entry(assigned, time, name, score, verdict, threshold, millis, regions, thumbnail, requestId,
                    bundleSha256, defectType);
        }

        /** This entry with its defect type (null for none). */
        public Entry withDefectType(String type) {
            return new Entry(id, time, name, score, verdict, threshold, millis, regions, thumbnail, requestId,
                    bundleSha256, type);
        }
    }

    /**
     * What a history row records of an answer's defect types: the top type of an NG answer (as the hot-folder CSV),
     * null for an OK one or an answer without types.
     */
    static String topType(com.adclip.types.TypeDistribution types, String verdict) {
        return types == null || !"NG".equals(verdict) ? null : types.top();
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
