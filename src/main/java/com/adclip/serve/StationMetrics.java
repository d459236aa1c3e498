package com.adclip.serve;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;

/**
 * The station's Prometheus metrics (prometheus-metrics-core, its own registry, not the global one): requests by
 * route and status, request latency, inspection verdicts, model latency, the inference queue's depth and
 * the model's images per second.
 */
final class StationMetrics {
    private static final double[] LATENCY_BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter requests;
    private final Histogram latency;
    private final Histogram inference;
    private final Counter verdicts;

    StationMetrics(IntSupplier queueDepth, DoubleSupplier imagesPerSecond) {
        requests = Counter.builder().name("adclip_http_requests_total")
                .help("HTTP requests by route and status code").labelNames("route", "status").register(registry);
        latency = Histogram.builder().name("adclip_http_request_duration_seconds")
                .help("HTTP request latency by route").labelNames("route").classicOnly()
                .classicUpperBounds(LATENCY_BOUNDS).register(registry);
        inference = Histogram.builder().name("adclip_inference_duration_seconds")
                .help("Model time per image: decode, preprocess, network, post-processing").classicOnly()
                .classicUpperBounds(LATENCY_BOUNDS).register(registry);
        verdicts = Counter.builder().name("adclip_inspections_total").help("Inspections by verdict")
                .labelNames("verdict").register(registry);
        GaugeWithCallback.builder().name("adclip_queue_depth").help("Images waiting for or in inference")
                .callback(cb -> cb.call(queueDepth.getAsInt())).register(registry);
        GaugeWithCallback.builder().name("adclip_images_per_second")
                .help("Images the model finished per second over the last minute").callback(cb -> cb.call(
                        imagesPerSecond.getAsDouble())).register(registry);
    }

    void request(String route, int status, double seconds) {
        requests.labelValues(route, Integer.toString(status)).inc();
        latency.labelValues(route).observe(seconds);
    }

    void inspection(String verdict, double modelSeconds) {
        verdicts.labelValues(verdict).inc();
        inference.observe(modelSeconds);
    }

    String contentType() {
        return writer.getContentType();
    }

    byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
