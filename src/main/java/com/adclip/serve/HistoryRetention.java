package com.adclip.serve;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How much history is kept: entries older than {@code maxAge} and all but the newest {@code maxRows} are
 * deleted by {@link HistoryStore#prune}; either may be null (no bound of that kind).
 */
public record HistoryRetention(Duration maxAge, Long maxRows) {
    public HistoryRetention {
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero()) || maxRows != null && maxRows < 1) {
            throw new IllegalArgumentException("history retention must be positive");
        }
    }

    /** 30 days and at most 1 000 000 entries (about 2 GB of thumbnails). */
    public static HistoryRetention defaults() {
        return new HistoryRetention(Duration.ofDays(30), 1_000_000L);
    }

    /**
     * Parses {@code 30d}, {@code 12h}, {@code 90m}, {@code 100000} (rows), {@code 100000rows}, or both joined by
     * a comma ({@code 30d,500000}); {@code all} keeps everything.
     */
    public static HistoryRetention parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("all")) {
            return new HistoryRetention(null, null);
        }
        Duration age = null;
        Long rows = null;
        for (String part : t.split(",")) {
            String p = part.strip();
            Matcher m = Pattern.compile("(\\d+)\\s*(d|h|m|rows)?").matcher(p);
            if (!m.matches()) {
                throw new IllegalArgumentException("history retention '" + text + "': use an age such as 30d, "
                        + "12h or 90m, a number of entries such as 100000, both (30d,100000), or 'all'");
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "rows" : m.group(2);
            switch (unit) {
                case "d" -> age = Duration.ofDays(n);
                case "h" -> age = Duration.ofHours(n);
                case "m" -> age = Duration.ofMinutes(n);
                default -> rows = n;
            }
        }
        return new HistoryRetention(age, rows);
    }

    /** As given to {@code --history-keep}. */
    public String describe() {
        if (maxAge == null && maxRows == null) {
            return "all";
        }
        String age = maxAge == null ? null : maxAge.toHours() % 24 == 0 && maxAge.toMinutes() % 60 == 0
                ? maxAge.toDays() + "d" : maxAge.toMinutes() % 60 == 0 ? maxAge.toHours() + "h"
                : maxAge.toMinutes() + "m";
        return age == null ? maxRows + " entries" : maxRows == null ? age : age + ", " + maxRows + " entries";
    }

    /**
     * Deletes, over {@code c}, the inspections older than {@link #maxAge} (relative to {@code now}) and all but the
     * newest {@link #maxRows}, in SQL that SQLite and PostgreSQL both take; returns how many were deleted.
     */
    static long prune(java.sql.Connection c, HistoryRetention keep, java.time.Instant now)
            throws java.sql.SQLException {
        long deleted = 0;
        if (keep.maxAge() != null) {
            try (java.sql.PreparedStatement s = c.prepareStatement("DELETE FROM inspections WHERE time_ms < ?")) {
                s.setLong(1, now.minus(keep.maxAge()).toEpochMilli());
                deleted += s.executeUpdate();
            }
        }
        if (keep.maxRows() != null) {
            try (java.sql.PreparedStatement s = c.prepareStatement("DELETE FROM inspections WHERE id <= "
                    + "(SELECT id FROM inspections ORDER BY id DESC LIMIT 1 OFFSET ?)")) {
                s.setLong(1, keep.maxRows());
                deleted += s.executeUpdate();
            }
        }
        return deleted;
    }
}
