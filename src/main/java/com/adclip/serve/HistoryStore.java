package com.adclip.serve;

import com.adclip.AdclipException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Recent inspections in an embedded SQLite file, thumbnails included, so a restarted station still shows its
 * shift. One connection, used under this object's lock (the writes are tiny next to an inference).
 */
final class HistoryStore implements History {
    private final Connection connection;

    HistoryStore(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = connection.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("CREATE TABLE IF NOT EXISTS inspections (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                        + "time_ms INTEGER NOT NULL, name TEXT, score REAL NOT NULL, verdict TEXT NOT NULL, "
                        + "threshold REAL NOT NULL, millis REAL NOT NULL, regions INTEGER NOT NULL, thumbnail BLOB)");
                s.execute("CREATE INDEX IF NOT EXISTS inspections_time ON inspections(time_ms)");
                addDefectTypeColumn(s);
            }
        } catch (SQLException | java.io.IOException e) {
            throw new AdclipException("cannot open the history database " + file + ": " + e.getMessage()
                    + " (check that its folder is writable, or pass another --history FILE)", e);
        }
    }

    /**
     * Migrates a history file written before defect types: adds the nullable {@code defect_type} column (old rows
     * keep null); a file that has it is left alone.
     */
    private static void addDefectTypeColumn(Statement s) throws SQLException {
        try (ResultSet columns = s.executeQuery("PRAGMA table_info(inspections)")) {
            while (columns.next()) {
                if (columns.getString("name").equals("defect_type")) {
                    return;
                }
            }
        }
        s.execute("ALTER TABLE inspections ADD COLUMN defect_type TEXT");
    }

    /**
     * Binds the columns both histories share, in their order: time_ms, name, score, verdict, threshold, millis,
     * regions, thumbnail (parameters 1 to 8); each history binds its own columns after them.
     */
    static void bindColumns(PreparedStatement s, Entry e) throws java.sql.SQLException {
        s.setLong(1, e.time().toEpochMilli());
        s.setString(2, e.name());
        s.setDouble(3, e.score());
        s.setString(4, e.verdict());
        s.setDouble(5, e.threshold());
        s.setDouble(6, e.millis());
        s.setInt(7, e.regions());
        s.setBytes(8, e.thumbnail());
    }

    @Override
    public synchronized Entry add(Entry e) {
        try (PreparedStatement s = connection.prepareStatement("INSERT INTO inspections (time_ms, name, score, "
                + "verdict, threshold, millis, regions, thumbnail, defect_type) VALUES (?,?,?,?,?,?,?,?,?)",
                Statement.RETURN_GENERATED_KEYS)) {
            bindColumns(s, e);
            s.setString(9, e.defectType());
            s.executeUpdate();
            try (ResultSet keys = s.getGeneratedKeys()) {
                keys.next();
                return e.withId(keys.getLong(1));
            }
        } catch (SQLException ex) {
            throw new IllegalStateException("history write failed: " + ex.getMessage(), ex);
        }
    }

    /** The newest {@code limit} entries, newest first. */
    @Override
    public synchronized List<Entry> recent(int limit) {
        List<Entry> entries = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT id, time_ms, name, score, verdict, threshold, "
                + "millis, regions, thumbnail, defect_type FROM inspections ORDER BY id DESC LIMIT ?")) {
            s.setInt(1, limit);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    entries.add(new Entry(r.getLong(1), Instant.ofEpochMilli(r.getLong(2)), r.getString(3),
                            r.getDouble(4), r.getString(5), r.getDouble(6), r.getDouble(7), r.getInt(8),
                            r.getBytes(9), null, null, r.getString(10)));
                }
            }
        } catch (SQLException ex) {
            throw new IllegalStateException("history read failed: " + ex.getMessage(), ex);
        }
        return entries;
    }

    @Override
    public synchronized Counts counts(Instant since) {
        try (PreparedStatement s = connection.prepareStatement("SELECT "
                + "COALESCE(SUM(CASE WHEN verdict = 'OK' THEN 1 ELSE 0 END), 0), "
                + "COALESCE(SUM(CASE WHEN verdict = 'NG' THEN 1 ELSE 0 END), 0) FROM inspections WHERE time_ms >= ?")) {
            s.setLong(1, since.toEpochMilli());
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return new Counts(since, r.getLong(1), r.getLong(2));
            }
        } catch (SQLException ex) {
            throw new IllegalStateException("history read failed: " + ex.getMessage(), ex);
        }
    }

    /**
     * Deletes entries older than the retention's age (relative to {@code now}) and all but its newest
     * {@code maxRows}; returns how many were deleted. The freed pages are reused by new entries (SQLite), so the
     * file stops growing once the retention is reached.
     */
    @Override
    public synchronized long prune(HistoryRetention keep, Instant now) {
        try {
            return HistoryRetention.prune(connection, keep, now);
        } catch (SQLException ex) {
            throw new IllegalStateException("history pruning failed: " + ex.getMessage(), ex);
        }
    }

    /** How many entries the history holds. */
    @Override
    public synchronized long size() {
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery(
                "SELECT COUNT(*) FROM inspections")) {
            r.next();
            return r.getLong(1);
        } catch (SQLException ex) {
            throw new IllegalStateException("history read failed: " + ex.getMessage(), ex);
        }
    }

    /** This file keeps no request ids (a station's uploads have none): never found. */
    @Override
    public Optional<Entry> findByRequestId(String requestId) {
        return Optional.empty();
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // closing: nothing left to do
        }
    }
}
