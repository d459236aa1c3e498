package com.adclip.serve;

import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.BundleManifest;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /health}, {@code /ready} and {@code /api/v1/info}: whether the station is up, warm, and how it runs. */
final class StatusHandler {
    private static final Logger LOG = LoggerFactory.getLogger("adclip.serve");

    record Health(String status) {}

    record Ready(String status, String model) {}

    /** What the page and clients need to know about the station. */
    record Info(String model, double threshold, @JsonProperty("map_threshold") double mapThreshold,
            @JsonProperty("map_max") double mapMax, @JsonProperty("api_key_required") boolean apiKeyRequired,
            @JsonProperty("threshold_saving") boolean thresholdSaving,
            @JsonProperty("reference_bank") boolean referenceBank,
            @JsonProperty("reference_saving") boolean referenceSaving,
            @JsonProperty("max_upload_bytes") long maxUploadBytes, @JsonProperty("max_pixels") long maxPixels,
            @JsonProperty("max_decoded_bytes") long maxDecodedBytes, boolean watch, String started,
            @JsonProperty("model_info") ModelInfo modelInfo,
            @JsonProperty("images_per_second") double imagesPerSecond) {}

    /**
     * What the page's header shows: the product/model name ({@code train --name}), when it was trained, the CLIP
     * model, and whether the weights are random; nulls when unknown (a checkpoint, or a bundle written before the
     * name existed).
     */
    record ModelInfo(String name, String file, String trained, String clip,
            @JsonProperty("random_weights") boolean randomWeights) {}

    private final StationServer.Config config;
    private final Inspector inspector;
    private final DoubleSupplier imagesPerSecond;
    private final boolean referenceBank;
    private final boolean watch;
    private final Instant started;
    private final BooleanSupplier ready;
    private final BooleanSupplier draining;

    StatusHandler(StationServer.Config config, Inspector inspector, DoubleSupplier imagesPerSecond, boolean referenceBank, boolean watch,
            Instant started, BooleanSupplier ready, BooleanSupplier draining) {
        this.config = config;
        this.inspector = inspector;
        this.imagesPerSecond = imagesPerSecond;
        this.referenceBank = referenceBank;
        this.watch = watch;
        this.started = started;
        this.ready = ready;
        this.draining = draining;
    }

    void health(Context ctx) {
        ctx.json(new Health("up"));
    }

    void ready(Context ctx) {
        if (!ready.getAsBoolean()) {
            throw new ApiError(503, draining.getAsBoolean() ? "shutting down" : "the model is warming up",
                    Map.of("Retry-After", "1"));
        }
        ctx.json(new Ready("ready", inspector.model()));
    }

    void info(Context ctx) {
        boolean key = config.apiKey() != null;
        boolean bundle = config.bundle() != null;
        ctx.json(new Info(inspector.model(), inspector.threshold(), inspector.mapThreshold(), inspector.mapMax(), key,
                key && bundle, referenceBank, key && bundle && referenceBank, config.maxUploadBytes(),
                config.maxPixels(), config.maxDecodedBytes(), watch, started.toString(), modelInfo(),
                Math.round(imagesPerSecond.getAsDouble() * 1000) / 1000.0));
    }

    /** Read from the bundle's manifest. */
    private ModelInfo modelInfo() {
        BundleManifest manifest = manifest();
        if (manifest == null) {
            return new ModelInfo(null, inspector.model(), null, null, inspector.randomWeights());
        }
        String clip = manifest.clip().model() != null ? manifest.clip().model() : manifest.clip().weightsFile();
        return new ModelInfo(manifest.name(), inspector.model(), manifest.created(), clip, inspector.randomWeights());
    }

    private BundleManifest manifest() {
        if (config.bundle() == null) {
            return null;
        }
        try {
            return Bundle.readManifest(config.bundle());
        } catch (RuntimeException e) {
            LOG.warn("cannot read the manifest of {}: {}", config.bundle(), e.getMessage());
            return null;
        }
    }
}
