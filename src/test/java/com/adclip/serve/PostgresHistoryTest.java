package com.adclip.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.AdclipException;
import com.adclip.testing.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The PostgreSQL history against a real server: schema migration, idempotent request ids, order, counts. */
class PostgresHistoryTest {
    private static PostgresServer server;

    @BeforeAll
    static void start() throws Exception {
        server = PostgresServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static History.Entry entry(long millis, String verdict, String requestId) {
        return new History.Entry(0, Instant.ofEpochMilli(millis), "img.png", 0.7, verdict, 0.5, 12.5, 1,
                new byte[] {1, 2, 3}, requestId, "sha-1");
    }

    @Test
    void processesStartingTogetherMigrateTheSchemaOnce() throws Exception {
        String url = server.createDatabase("migrate_once");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<History>> opened = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            opened.add(pool.submit(() -> History.open(url)));
        }
        for (Future<History> f : opened) {
            f.get().close();
        }
        pool.shutdown();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT version FROM schema_version ORDER BY version")) {
            for (int v = 1; v <= PostgresHistory.schemaVersion(); v++) {
                assertTrue(r.next());
                assertEquals(v, r.getInt(1));
            }
            assertTrue(!r.next(), "one row per version");
        }
        assertEquals(2, PostgresHistory.schemaVersion());
    }

    @Test
    void aVersionOneDatabaseGainsTheDefectTypeColumnAndKeepsItsRows() throws Exception {
        String url = server.createDatabase("from_version_one");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            // the schema as version 1 of adclip created it, with one row
            s.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)");
            s.execute("INSERT INTO schema_version VALUES (1)");
            s.execute("CREATE TABLE inspections (id BIGSERIAL PRIMARY KEY, request_id TEXT UNIQUE, time_ms BIGINT "
                    + "NOT NULL, name TEXT, score DOUBLE PRECISION NOT NULL, verdict TEXT NOT NULL, threshold DOUBLE "
                    + "PRECISION NOT NULL, millis DOUBLE PRECISION NOT NULL, regions INTEGER NOT NULL, thumbnail "
                    + "BYTEA, bundle_sha256 TEXT)");
            s.execute("INSERT INTO inspections (request_id, time_ms, name, score, verdict, threshold, millis, "
                    + "regions) VALUES ('old', 1000, 'old.png', 0.9, 'NG', 0.5, 10, 1)");
        }
        try (History h = History.open(url)) {
            assertNull(h.findByRequestId("old").orElseThrow().defectType(), "rows from before have no type");
            h.add(entry(2000, "NG", "new").withDefectType("scratch"));
            assertEquals("scratch", h.findByRequestId("new").orElseThrow().defectType());
            assertEquals("scratch", h.recent(1).get(0).defectType());
        }
    }

    @Test
    void aNewerSchemaIsRefusedWithAClearError() throws Exception {
        String url = server.createDatabase("newer_schema");
        History.open(url).close();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("INSERT INTO schema_version VALUES (99)");
        }
        AdclipException e = assertThrows(AdclipException.class, () -> History.open(url));
        assertTrue(e.getMessage().contains("schema version 99") && e.getMessage().contains("upgrade adclip"),
                e.getMessage());
    }

    @Test
    void aRequestIdKeepsOneRowAndItsFirstAnswer() throws Exception {
        try (History h = History.open(server.createDatabase("idempotent"))) {
            History.Entry first = h.add(entry(1000, "NG", "req-1"));
            History.Entry again = h.add(new History.Entry(0, Instant.ofEpochMilli(2000), "other.png", 0.1, "OK", 0.5,
                    1, 0, null, "req-1", "sha-2"));
            assertEquals(first.id(), again.id());
            assertEquals("NG", again.verdict(), "the first answer stays");
            assertEquals(1, h.recent(10).size());
            History.Entry found = h.findByRequestId("req-1").orElseThrow();
            assertEquals("sha-1", found.bundleSha256());
            assertArrayEquals(new byte[] {1, 2, 3}, found.thumbnail());
            assertTrue(h.findByRequestId("req-2").isEmpty());
            h.add(entry(3000, "OK", null));
            h.add(entry(3000, "OK", null));
            assertEquals(3, h.recent(10).size(), "entries without a request id are never merged");
        }
    }

    @Test
    void recentIsNewestFirstByTimeThenIdAndCountsCountVerdicts() throws Exception {
        try (History h = History.open(server.createDatabase("ordered"))) {
            History.Entry late = h.add(entry(5000, "NG", "a"));
            History.Entry early = h.add(entry(1000, "OK", "b"));
            History.Entry tie1 = h.add(entry(3000, "OK", "c"));
            History.Entry tie2 = h.add(entry(3000, "NG", "d"));
            List<Long> ids = h.recent(10).stream().map(History.Entry::id).toList();
            assertEquals(List.of(late.id(), tie2.id(), tie1.id(), early.id()), ids);
            assertEquals(List.of(late.id(), tie2.id()), h.recent(2).stream().map(History.Entry::id).toList());
            History.Counts counts = h.counts(Instant.ofEpochMilli(3000));
            assertEquals(1, counts.ok());
            assertEquals(2, counts.ng());
        }
    }

    @Test
    void pruningDropsOldEntriesAndKeepsTheNewest() throws Exception {
        Instant now = Instant.parse("2026-06-01T12:00:00Z");
        try (History h = History.open(server.createDatabase("pruned"))) {
            for (int day = 40; day >= 1; day--) { // one entry a day, oldest first
                h.add(entry(now.minus(java.time.Duration.ofDays(day)).toEpochMilli(), "OK", "day-" + day));
            }
            assertEquals(10, h.prune(new HistoryRetention(java.time.Duration.ofDays(30), null), now));
            assertEquals(30, h.size());
            assertEquals(20, h.prune(new HistoryRetention(null, 10L), now));
            List<History.Entry> left = h.recent(100);
            assertEquals(10, left.size());
            assertEquals("day-1", left.get(0).requestId(), "the newest is kept");
            assertEquals("day-10", left.get(9).requestId());
            assertEquals(0, h.prune(new HistoryRetention(null, null), now), "'all' keeps everything");
        }
    }
}
