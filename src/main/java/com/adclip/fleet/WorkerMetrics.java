package com.adclip.fleet;

import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/**
 * A worker's Prometheus metrics (its own registry): requests by outcome (throughput is their rate), errors by
 * kind, redeliveries, model latency, consumer lag and assigned partitions. {@link #serve} exposes them on
 * {@code /metrics} (and {@code /health}) with the JDK's small HTTP server.
 */
public final class WorkerMetrics implements AutoCloseable {
    private static final double[] LATENCY_BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter requests;
    private final Counter errors;
    private final Counter redeliveries;
    private final Histogram inference;
    private final Gauge lag;
    private final Gauge partitions;
    private final Gauge secondsPerImage;
    private HttpServer server;

    public WorkerMetrics() {
        requests = Counter.builder().name("adclip_worker_requests_total")
                .help("Requests answered, by outcome (OK, NG, error); throughput is the rate")
                .labelNames("outcome").register(registry);
        errors = Counter.builder().name("adclip_worker_errors_total")
                .help("Errors by kind: poison (error result and dead letter) or transient (retried)")
                .labelNames("kind").register(registry);
        redeliveries = Counter.builder().name("adclip_worker_redeliveries_total")
                .help("Requests seen again after a crash or rebalance (absorbed by the request id)").register(registry);
        inference = Histogram.builder().name("adclip_worker_inference_duration_seconds")
                .help("Model time per image: decode, preprocess, network, post-processing").classicOnly()
                .classicUpperBounds(LATENCY_BOUNDS).register(registry);
        lag = Gauge.builder().name("adclip_worker_lag").help("Requests behind on the assigned partitions")
                .register(registry);
        partitions = Gauge.builder().name("adclip_worker_assigned_partitions").help("Partitions assigned")
                .register(registry);
        secondsPerImage = Gauge.builder().name("adclip_worker_seconds_per_image")
                .help("Seconds per image measured at start, which sized the poll limits").register(registry);
    }

    void answered(String outcome, double modelSeconds) {
        requests.labelValues(outcome).inc();
        if (modelSeconds >= 0) {
            inference.observe(modelSeconds);
        }
    }

    void error(String kind) {
        errors.labelValues(kind).inc();
    }

    void redelivered() {
        redeliveries.inc();
    }

    void lag(long records, int assigned) {
        lag.set(records);
        partitions.set(assigned);
    }

    public void secondsPerImage(double seconds) {
        secondsPerImage.set(seconds);
    }

    /** The metrics in Prometheus's text format. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Serves {@code /metrics} and {@code /health} on {@code host:port} (0 for any free port); returns the port. */
    public int serve(String host, int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.createContext("/metrics", exchange -> {
            byte[] body = scrape();
            exchange.getResponseHeaders().set("Content-Type", writer.getContentType());
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/health", exchange -> {
            byte[] body = "{\"status\":\"up\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
