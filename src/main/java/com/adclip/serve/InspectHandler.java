package com.adclip.serve;

import com.adclip.AdclipException;
import com.adclip.Inspection;
import com.adclip.anomaly.Prediction;
import com.adclip.files.AtomicFiles;
import com.adclip.image.DecodeBudget;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.javalin.http.Context;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code POST /api/v1/inspect}: an uploaded image through the queue to the model, the answer into the history. */
final class InspectHandler {

    /**
     * The station's answer: the inspection, then on request the overlay and a compact map, then the history id
     * and the request's total time.
     */
    record Answer(@JsonUnwrapped InspectionAnswer inspection, @JsonInclude(JsonInclude.Include.NON_NULL) String overlay,
            @JsonInclude(JsonInclude.Include.NON_NULL) MapAnswer map, long id,
            @JsonProperty("total_ms") double totalMs) {}

    /** The compact map ({@link Renderings#compact}) as base64. */
    record MapAnswer(int width, int height, double max, String encoding, String data) {
        static MapAnswer of(Renderings.CompactMap map) {
            return new MapAnswer(map.width(), map.height(), map.max(), "base64 uint8 row-major, value = map / max * 255",
                    Base64.getEncoder().encodeToString(map.values()));
        }
    }

    private final StationServer.Config config;
    private final Inspector inspector;
    private final InspectionQueue queue;
    private final History history;
    private final StationMetrics metrics;
    private final Uploads uploads;
    private final CpuLanes lanes;

    InspectHandler(StationServer.Config config, Inspector inspector, InspectionQueue queue, History history,
            StationMetrics metrics, Uploads uploads, CpuLanes lanes) {
        this.config = config;
        this.inspector = inspector;
        this.queue = queue;
        this.history = history;
        this.metrics = metrics;
        this.uploads = uploads;
        this.lanes = lanes;
    }

    void inspect(Context ctx) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Double asked = requestThreshold(ctx);
        Uploads.Upload upload = uploads.receive(ctx);
        ImageSniffer.Format format = ImageSniffer.sniff(upload.bytes()).orElseThrow(() -> new ApiError(415,
                "not a supported image (the content is not PNG, JPEG, BMP, TIFF, WebP or GIF, whatever its name "
                        + "or type says)"));
        checkSize(format, upload.bytes());
        Path file = uploads.write("upload-", format.extension, upload.bytes());
        Inspection inspection;
        try {
            inspection = await(file);
        } finally {
            AtomicFiles.deleteQuietly(file);
        }
        respond(ctx, upload.name(), inspection, asked, t0);
    }

    /** 413 for an image over the pixel or decoded-bytes limit, read from its header before any decoding. */
    private void checkSize(ImageSniffer.Format format, byte[] bytes) {
        DecodeBudget.Size size;
        try {
            size = ImageSniffer.size(bytes);
        } catch (Inspector.ImageRejectedException e) {
            throw new ApiError(400, "unreadable " + format.name() + ": " + e.getMessage());
        }
        if ((long) size.width() * size.height() > config.maxPixels()) {
            throw new ApiError(413, String.format(Locale.ROOT, "the image is %d x %d = %.1f megapixels, more than "
                    + "the limit of %.1f", size.width(), size.height(), (double) size.width() * size.height() / 1e6,
                    config.maxPixels() / 1e6));
        }
        if (size.exceeds(config.maxDecodedBytes())) {
            throw new ApiError(413, "the image " + size.refusal(config.maxDecodedBytes()));
        }
    }

    /** The request's own {@code ?threshold=}, or null for the station's. */
    private static Double requestThreshold(Context ctx) {
        String given = ctx.queryParam("threshold");
        if (given == null || given.isBlank()) {
            return null;
        }
        try {
            double t = Double.parseDouble(given);
            if (t >= 0 && t <= 1) {
                return t;
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw new ApiError(400, "threshold must be a number in [0, 1], got '" + given + "'");
    }

    /** The request's timeout counts from here: preparing the image on this thread is part of it. */
    private Inspection await(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + config.timeout().toNanos();
        InspectionQueue.Ticket ticket;
        try {
            ticket = queue.submit(file);
        } catch (InspectionQueue.FullException e) {
            throw new ApiError(503, e.getMessage(), Map.of("Retry-After", "1"));
        }
        try {
            return ticket.result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            queue.forget(ticket);
            throw new ApiError(504, "the inspection took longer than " + config.timeout().toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Inspector.ImageRejectedException || cause instanceof AdclipException) {
                throw new ApiError(400, cause.getMessage().replace(file.toString(), "the upload"));
            }
            throw new ApiError(500, "inspection failed: " + cause);
        }
    }

    /** What an answer draws from the inspection: the history's thumbnail, and the overlay and map if asked. */
    private record Pictures(byte[] thumbnail, String overlay, MapAnswer map) {}

    /**
     * The verdict is the detector's, at the threshold it ran at, unless the request gave its own threshold. The
     * pictures are drawn in a CPU lane, as uploads are decoded.
     */
    private void respond(Context ctx, String name, Inspection inspection, Double asked, long t0)
            throws InterruptedException {
        Prediction p = inspection.prediction();
        InspectionAnswer answer = InspectionAnswer.of(inspection, asked, inspector);
        String verdict = answer.verdict().name();
        boolean overlay = asked(ctx, "overlay");
        boolean map = asked(ctx, "map");
        Pictures pictures = lanes.run(() -> draw(inspection, overlay, map));
        History.Entry entry = history.add(new History.Entry(0, Instant.now(), name, p.score(), verdict,
                answer.threshold(), inspection.millis(), p.regions().size(), pictures.thumbnail())
                .withDefectType(History.topType(inspection.types(), verdict)));
        metrics.inspection(verdict, inspection.millis() / 1000);
        ctx.json(new Answer(answer, pictures.overlay(), pictures.map(), entry.id(),
                round((System.nanoTime() - t0) / 1e6)));
    }

    private Pictures draw(Inspection inspection, boolean withOverlay, boolean withMap) {
        Prediction p = inspection.prediction();
        BufferedImage overlay = Renderings.overlay(inspection, inspector.mapMax());
        String png = withOverlay ? Base64.getEncoder().encodeToString(Renderings.png(overlay)) : null;
        MapAnswer map = withMap
                ? MapAnswer.of(Renderings.compact(p.map(), p.width(), p.height(), inspector.mapMax())) : null;
        return new Pictures(Renderings.thumbnail(overlay), png, map);
    }

    private static boolean asked(Context ctx, String flag) {
        return ctx.queryParamAsClass(flag, Boolean.class).getOrDefault(false);
    }

    private static double round(double millis) {
        return Math.round(millis * 10) / 10.0;
    }
}
