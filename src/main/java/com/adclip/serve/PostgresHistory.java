package com.adclip.serve;

import com.adclip.AdclipException;
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
import java.util.Properties;

/**
 * Inspections in a PostgreSQL database shared by several stations and fleet workers. The program creates and
 * migrates the schema itself: {@code schema_version} holds the version reached, and the migrations run under a
 * transaction-scoped advisory lock so processes starting together do not race. Entries with a request id are
 * idempotent ({@code ON CONFLICT (request_id) DO NOTHING}): a redelivered fleet request keeps its first row.
 *
 * <p>One connection, used under this object's lock; a broken connection is opened again once per call.
 * Credentials come from the URL ({@code ?user=...&password=...}) or from {@code PGUSER} / {@code PGPASSWORD}.
 */
final class PostgresHistory implements History {
    static final String URL_PREFIX = "jdbc:postgresql:";
    private static final long MIGRATION_LOCK = 0x4144434c4950L; // "ADCLIP"
    private static final String[] MIGRATIONS = {
        // 1: the inspections, newest first by time then id
        "CREATE TABLE inspections (id BIGSERIAL PRIMARY KEY, request_id TEXT UNIQUE, time_ms BIGINT NOT NULL, "
                + "name TEXT, score DOUBLE PRECISION NOT NULL, verdict TEXT NOT NULL, "
                + "threshold DOUBLE PRECISION NOT NULL, millis DOUBLE PRECISION NOT NULL, regions INTEGER NOT NULL, "
                + "thumbnail BYTEA, bundle_sha256 TEXT);"
                + "CREATE INDEX inspections_time ON inspections (time_ms DESC, id DESC)",
        // 2: the top defect type of NG answers of typed bundles (null before, and for the others)
        "ALTER TABLE inspections ADD COLUMN defect_type TEXT",
    };
    private static final String COLUMNS = "id, time_ms, name, score, verdict, threshold, millis, regions, thumbnail, "
            + "request_id, bundle_sha256, defect_type";

    private final String url;
    private Connection connection;

    PostgresHistory(String url) {
        this.url = url;
        try {
            connection = connect();
            migrate(connection);
        } catch (SQLException e) {
            throw new AdclipException("cannot open the history database " + redacted(url) + ": " + e.getMessage()
                    + " (check that PostgreSQL runs there and the user may create tables)", e);
        }
    }

    /** The schema version this program migrates to. */
    static int schemaVersion() {
        return MIGRATIONS.length;
    }

    private Connection connect() throws SQLException {
        Properties properties = new Properties();
        putEnv(properties, "user", "PGUSER");
        putEnv(properties, "password", "PGPASSWORD");
        properties.setProperty("ApplicationName", "adclip");
        return DriverManager.getConnection(url, properties);
    }

    private void putEnv(Properties properties, String key, String variable) {
        String value = System.getenv(variable);
        if (value != null && !url.contains(key + "=")) {
            properties.setProperty(key, value);
        }
    }

    private static void migrate(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            int version = 0;
            try (ResultSet r = s.executeQuery("SELECT max(version) FROM schema_version")) {
                if (r.next()) {
                    version = r.getInt(1);
                }
            }
            if (version > MIGRATIONS.length) {
                throw new SQLException("the database has history schema version " + version + ", newer than this "
                        + "program's " + MIGRATIONS.length + "; upgrade adclip");
            }
            for (int v = version; v < MIGRATIONS.length; v++) {
                for (String statement : MIGRATIONS[v].split(";")) {
                    s.execute(statement);
                }
                s.execute("INSERT INTO schema_version (version) VALUES (" + (v + 1) + ")");
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private interface Call<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs a call, reconnecting once if the connection broke (a restarted database, a dropped socket). */
    private synchronized <T> T call(String what, Call<T> call) {
        try {
            try {
                return call.run(connection);
            } catch (SQLException e) {
                if (connection.isValid(2)) {
                    throw e;
                }
                connection.close();
                connection = connect();
                return call.run(connection);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("history " + what + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Entry add(Entry e) {
        return call("write", c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO inspections (time_ms, name, score, verdict, "
                    + "threshold, millis, regions, thumbnail, request_id, bundle_sha256, defect_type) "
                    + "VALUES (?,?,?,?,?,?,?,?,?,?,?) "
                    + "ON CONFLICT (request_id) DO NOTHING RETURNING id")) {
                HistoryStore.bindColumns(s, e);
                s.setString(9, e.requestId());
                s.setString(10, e.bundleSha256());
                s.setString(11, e.defectType());
                try (ResultSet r = s.executeQuery()) {
                    if (r.next()) {
                        return e.withId(r.getLong(1));
                    }
                }
            }
            return find(c, e.requestId()).orElseThrow(() -> new SQLException("request " + e.requestId()
                    + " conflicted but is not stored"));
        });
    }

    @Override
    public List<Entry> recent(int limit) {
        return call("read", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM inspections "
                    + "ORDER BY time_ms DESC, id DESC LIMIT ?")) {
                s.setInt(1, limit);
                try (ResultSet r = s.executeQuery()) {
                    List<Entry> entries = new ArrayList<>();
                    while (r.next()) {
                        entries.add(entry(r));
                    }
                    return entries;
                }
            }
        });
    }

    @Override
    public Counts counts(Instant since) {
        return call("read", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FILTER (WHERE verdict = 'OK'), "
                    + "count(*) FILTER (WHERE verdict = 'NG') FROM inspections WHERE time_ms >= ?")) {
                s.setLong(1, since.toEpochMilli());
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return new Counts(since, r.getLong(1), r.getLong(2));
                }
            }
        });
    }

    @Override
    public long prune(HistoryRetention keep, Instant now) {
        return call("pruning", c -> HistoryRetention.prune(c, keep, now));
    }

    @Override
    public long size() {
        return call("read", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM inspections");
                    ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    @Override
    public Optional<Entry> findByRequestId(String requestId) {
        return call("read", c -> find(c, requestId));
    }

    private static Optional<Entry> find(Connection c, String requestId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM inspections WHERE request_id = ?")) {
            s.setString(1, requestId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(entry(r)) : Optional.empty();
            }
        }
    }

    private static Entry entry(ResultSet r) throws SQLException {
        return new Entry(r.getLong(1), Instant.ofEpochMilli(r.getLong(2)), r.getString(3), r.getDouble(4),
                r.getString(5), r.getDouble(6), r.getDouble(7), r.getInt(8), r.getBytes(9), r.getString(10),
                r.getString(11), r.getString(12));
    }

    /** The URL without its query (which may hold a password), for messages. */
    static String redacted(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?...";
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
