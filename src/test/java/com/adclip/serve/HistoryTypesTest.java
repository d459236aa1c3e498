package com.adclip.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.types.TypeDistribution;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * History rows record the top defect type of NG answers; a station history file from before the column is
 * migrated in place, its rows kept (without a type).
 */
class HistoryTypesTest {
    @TempDir Path dir;

    private static History.Entry entry(String verdict, String type) {
        return new History.Entry(0, Instant.ofEpochMilli(5000), "part.png", 0.8, verdict, 0.5, 9, 1, null)
                .withDefectType(type);
    }

    @Test
    void anOldHistoryFileGainsTheColumnAndKeepsItsRows() throws Exception {
        Path file = dir.resolve("history.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            // the table as stations created it before defect types, with one row
            s.execute("CREATE TABLE inspections (id INTEGER PRIMARY KEY AUTOINCREMENT, time_ms INTEGER NOT NULL, "
                    + "name TEXT, score REAL NOT NULL, verdict TEXT NOT NULL, threshold REAL NOT NULL, millis REAL "
                    + "NOT NULL, regions INTEGER NOT NULL, thumbnail BLOB)");
            s.execute("INSERT INTO inspections (time_ms, name, score, verdict, threshold, millis, regions) "
                    + "VALUES (1000, 'old.png', 0.9, 'NG', 0.5, 10, 2)");
        }
        try (History h = new HistoryStore(file)) {
            List<History.Entry> rows = h.recent(10);
            assertEquals(1, rows.size());
            assertEquals("old.png", rows.get(0).name());
            assertNull(rows.get(0).defectType());
            h.add(entry("NG", "scratch"));
            h.add(entry("OK", null));
        }
        try (History h = new HistoryStore(file)) { // reopened: the column is not added twice
            List<History.Entry> rows = h.recent(10);
            assertEquals(3, rows.size());
            assertNull(rows.get(0).defectType());
            assertEquals("scratch", rows.get(1).defectType());
            assertNull(rows.get(2).defectType());
        }
    }

    @Test
    void theHistoryApiShowsTheTypeOnlyWhenThereIsOne() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String typed = json.writeValueAsString(HistoryHandler.Item.of(entry("NG", "dent")));
        assertTrue(typed.contains("\"type\":\"dent\""), typed);
        String plain = json.writeValueAsString(HistoryHandler.Item.of(entry("NG", null)));
        assertFalse(plain.contains("\"type\""), plain);
    }

    @Test
    void aRowRecordsTheTopTypeOfNgAnswersOnly() {
        Map<String, Double> p = new LinkedHashMap<>();
        p.put("dent", 0.7);
        p.put("scratch", 0.3);
        TypeDistribution types = new TypeDistribution(p);
        assertEquals("dent", History.topType(types, "NG"));
        assertNull(History.topType(types, "OK"));
        assertNull(History.topType(null, "NG"));
    }
}
