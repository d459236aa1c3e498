package com.adclip.serve;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code /api/v1/watch}: the rows of a followed hot folder's results CSV, and their overlays. */
final class WatchHandler {

    record Rows(List<Row> rows) {}

    /**
     * One CSV row.
     *
     * @param score null for an image that could not be inspected
     * @param error why not, else null
     */
    record Row(long id, String time, String file, String verdict, Double score, double threshold, int regions,
            String error, @JsonProperty("has_overlay") boolean hasOverlay) {

        static Row of(Map<String, String> row) {
            return new Row(Long.parseLong(row.get("id")), row.get("time"), row.get("file"), row.get("verdict"),
                    row.get("score").isEmpty() ? null : Double.valueOf(row.get("score")),
                    Double.parseDouble(row.get("threshold")), Integer.parseInt(row.get("regions")),
                    row.get("error").isEmpty() ? null : row.get("error"), !row.get("overlay").isEmpty());
        }
    }

    private final WatchFeed feed;

    /** @param feed null when the station follows no hot folder (every call answers 404) */
    WatchHandler(WatchFeed feed) {
        this.feed = feed;
    }

    private WatchFeed feed() {
        if (feed == null) {
            throw new ApiError(404, "this station follows no hot folder (start it with --watch-results FILE)");
        }
        return feed;
    }

    void rows(Context ctx) {
        WatchFeed rows = feed();
        long after = ctx.queryParamAsClass("after", Long.class).getOrDefault(-1L);
        int limit = ctx.queryParamAsClass("limit", Integer.class).check(n -> n >= 1 && n <= 500,
                "limit must be 1 to 500").getOrDefault(50);
        ctx.json(new Rows(rows.after(after, limit).stream().map(Row::of).toList()));
    }

    void overlay(Context ctx) throws IOException {
        WatchFeed rows = feed();
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new ApiError(400, "id must be a number");
        }
        Map<String, String> row = rows.row(id);
        // the path comes from the watch's own results file, never from the request
        Path overlay = row == null || row.get("overlay").isEmpty() ? null : Path.of(row.get("overlay"));
        if (overlay == null || !overlay.getFileName().toString().endsWith("_overlay.png")
                || !Files.isRegularFile(overlay)) {
            throw new ApiError(404, "no overlay for watch row " + id);
        }
        ctx.contentType("image/png").result(Files.readAllBytes(overlay));
    }
}
