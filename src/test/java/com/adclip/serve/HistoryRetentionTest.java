package com.adclip.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --history-keep}: parsing, and pruning by age and by number of entries. */
class HistoryRetentionTest {
    @TempDir Path tmp;

    private static HistoryStore.Entry entry(Instant time, String name) {
        return new HistoryStore.Entry(0, time, name, 0.4, "OK", 0.5, 10, 0, new byte[2048]);
    }

    @Test
    void parsesAgesRowsAndBoth() {
        assertEquals(new HistoryRetention(Duration.ofDays(30), null), HistoryRetention.parse("30d"));
        assertEquals(new HistoryRetention(Duration.ofHours(12), null), HistoryRetention.parse("12h"));
        assertEquals(new HistoryRetention(null, 5000L), HistoryRetention.parse("5000"));
        assertEquals(new HistoryRetention(Duration.ofDays(7), 100L), HistoryRetention.parse("7d, 100rows"));
        HistoryRetention all = HistoryRetention.parse("all");
        assertNull(all.maxAge());
        assertNull(all.maxRows());
        assertThrows(IllegalArgumentException.class, () -> HistoryRetention.parse("30 days"));
        assertThrows(IllegalArgumentException.class, () -> HistoryRetention.parse("0d"));
    }

    @Test
    void pruningDropsOldEntriesAndKeepsTheNewest() {
        Instant now = Instant.parse("2026-06-01T12:00:00Z");
        try (HistoryStore history = new HistoryStore(tmp.resolve("h.db"))) {
            for (int day = 40; day >= 1; day--) { // one entry a day, oldest first
                history.add(entry(now.minus(Duration.ofDays(day)), "day-" + day));
            }
            assertEquals(10, history.prune(new HistoryRetention(Duration.ofDays(30), null), now));
            assertEquals(30, history.size());
            assertEquals(20, history.prune(new HistoryRetention(null, 10L), now));
            List<HistoryStore.Entry> left = history.recent(100);
            assertEquals(10, left.size());
            assertEquals("day-1", left.get(0).name(), "the newest is kept");
            assertEquals("day-10", left.get(9).name());
            assertEquals(0, history.prune(new HistoryRetention(null, null), now), "'all' keeps everything");
        }
    }
}
