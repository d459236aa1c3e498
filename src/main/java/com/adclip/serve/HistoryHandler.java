package com.adclip.serve;

import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;

/** {@code GET /api/v1/history}: OK/NG counts since a time and the latest inspections. */
final class HistoryHandler {

    record Page(Counts counts, List<Item> items) {}

    record Counts(String since, long ok, long ng) {}

    /**
     * One past inspection.
     *
     * @param thumbnail a data URL of the overlay's JPEG thumbnail, or null
     * @param type the top defect type of an NG answer of a typed bundle; left out otherwise
     */
    record Item(long id, String time, String name, double score, String verdict, double threshold, double ms,
            int regions, String thumbnail,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            String type) {

        static Item of(History.Entry e) {
            return new Item(e.id(), e.time().toString(), e.name(), e.score(), e.verdict(), e.threshold(), e.millis(),
                    e.regions(), e.thumbnail() == null ? null
                            : "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(e.thumbnail()),
                    e.defectType());
        }
    }

    private final History history;
    private final Instant started;

    HistoryHandler(History history, Instant started) {
        this.history = history;
        this.started = started;
    }

    void list(Context ctx) {
        int limit = ctx.queryParamAsClass("limit", Integer.class).check(n -> n >= 1 && n <= 500,
                "limit must be 1 to 500").getOrDefault(50);
        History.Counts counts = history.counts(since(ctx));
        List<Item> items = history.recent(limit).stream().map(Item::of).toList();
        ctx.json(new Page(new Counts(counts.since().toString(), counts.ok(), counts.ng()), items));
    }

    /** The query's {@code since}, else the station's start. */
    private Instant since(Context ctx) {
        String given = ctx.queryParam("since");
        if (given == null || given.isBlank()) {
            return started;
        }
        try {
            return Instant.parse(given);
        } catch (DateTimeParseException e) {
            throw new ApiError(400, "since must be an ISO-8601 instant such as 2026-01-31T06:00:00Z");
        }
    }
}
