package com.adclip.serve;

import com.adclip.files.AtomicFiles;
import com.adclip.image.DecodeBudget;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inspection station's HTTP server (Javalin on Jetty): the inspection API, health and readiness, Prometheus
 * metrics, the persistent history, threshold saving, the followed hot folder and the operator page. See
 * {@code docs/station.md} and {@code /openapi.json}.
 *
 * <p>This class runs the server (Jetty's limits, warm-up, history pruning, graceful stop) and holds the route
 * table ({@link #routes}); each resource has its handler: {@link InspectHandler}, {@link BundleHandler},
 * {@link HistoryHandler}, {@link WatchHandler}, {@link StatusHandler} and {@link PageHandler}, all wrapped by
 * {@link RouteGuard}. Answers are records serialised by Jackson.
 *
 * <p>Uploads are held in memory (or in Jetty's multipart cache) and written to a private temporary folder under
 * generated names for the model ({@link Uploads}); nothing a client sends is used as a path.
 */
public final class StationServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("adclip.serve");
    private static final Duration PRUNE_EVERY = Duration.ofMinutes(10);

    /**
     * How the station runs.
     *
     * @param host the address to bind (loopback by default)
     * @param port 0 for any free port
     * @param apiKey required as {@code X-API-Key} on every {@code /api/} call when set; saving thresholds needs it
     * @param maxUploadBytes larger uploads get 413
     * @param maxPixels images with more pixels get 413
     * @param queueCapacity images waiting for the model beyond the one running; more get 503
     * @param timeout the longest a request waits for its inspection (504 after)
     * @param history the SQLite file of past inspections
     * @param bundle the bundle thresholds are saved into, or null (started from a checkpoint)
     * @param imageThreshold the initial image threshold
     * @param watchResults a hot folder's results CSV to follow, or null
     * @param shutdownGrace how long stopping waits for requests in flight
     * @param connections limits that keep slow or greedy clients from starving the others
     * @param retention how much history is kept
     */
    public record Config(String host, int port, String apiKey, long maxUploadBytes, long maxPixels,
            long maxDecodedBytes, int queueCapacity, Duration timeout, Path history, Path bundle, double imageThreshold,
            Path watchResults, Duration shutdownGrace, Connections connections, HistoryRetention retention) {
        public Config {
            if (maxUploadBytes < 1 || maxPixels < 1 || maxDecodedBytes < 1 || queueCapacity < 1) {
                throw new IllegalArgumentException("limits must be positive");
            }
            if (apiKey != null && apiKey.isBlank()) {
                throw new IllegalArgumentException("the API key must not be blank");
            }
        }

        /** 127.0.0.1:8080, no key, 25 MB, 40 MP, 160 MB decoded, 16 queued, 30 s timeout, 10 s grace. */
        public static Config defaults(Path history, double imageThreshold) {
            return new Config("127.0.0.1", 8080, null, 25L * 1024 * 1024, 40_000_000L,
                    (long) (DecodeBudget.DEFAULT_MAX_MB * 1e6), 16, Duration.ofSeconds(30),
                    history, null, imageThreshold, null, Duration.ofSeconds(10), Connections.defaults(),
                    HistoryRetention.defaults());
        }

        public Config withAddress(String host, int port) {
            return new Config(host, port, apiKey, maxUploadBytes, maxPixels, maxDecodedBytes, queueCapacity, timeout, history, bundle,
                    imageThreshold, watchResults, shutdownGrace, connections, retention);
        }

        public Config withApiKey(String key) {
            return new Config(host, port, key, maxUploadBytes, maxPixels, maxDecodedBytes, queueCapacity, timeout, history, bundle,
                    imageThreshold, watchResults, shutdownGrace, connections, retention);
        }

        public Config withLimits(long uploadBytes, long pixels) {
            return new Config(host, port, apiKey, uploadBytes, pixels, maxDecodedBytes, queueCapacity, timeout, history, bundle,
                    imageThreshold, watchResults, shutdownGrace, connections, retention);
        }

        public Config withMaxDecodedBytes(long bytes) {
            return new Config(host, port, apiKey, maxUploadBytes, maxPixels, bytes, queueCapacity, timeout, history,
                    bundle, imageThreshold, watchResults, shutdownGrace, connections, retention);
        }

        public Config withQueue(int capacity, Duration requestTimeout) {
            return new Config(host, port, apiKey, maxUploadBytes, maxPixels, maxDecodedBytes, capacity, requestTimeout, history,
                    bundle, imageThreshold, watchResults, shutdownGrace, connections, retention);
        }

        public Config withBundle(Path file) {
            return new Config(host, port, apiKey, maxUploadBytes, maxPixels, maxDecodedBytes, queueCapacity, timeout, history, file,
                    imageThreshold, watchResults, shutdownGrace, connections, retention);
        }

        public Config withConnections(Connections limits) {
            return new Config(host, port, apiKey, maxUploadBytes, maxPixels, maxDecodedBytes, queueCapacity, timeout, history, bundle,
                    imageThreshold, watchResults, shutdownGrace, limits, retention);
        }

        public Config withRetention(HistoryRetention keep) {
            return new Config(host, port, apiKey, maxUploadBytes, maxPixels, maxDecodedBytes, queueCapacity, timeout, history, bundle,
                    imageThreshold, watchResults, shutdownGrace, connections, keep);
        }

        public Config withWatchResults(Path results) {
            return new Config(host, port, apiKey, maxUploadBytes, maxPixels, maxDecodedBytes, queueCapacity, timeout, history, bundle,
                    imageThreshold, results, shutdownGrace, connections, retention);
        }
    }

    /**
     * Connection limits (Jetty's own mechanisms), against slow clients (slowloris) and clients that open many
     * requests at once.
     *
     * @param idleTimeout a connection with no bytes in either direction for this long is closed
     * @param minUploadBytesPerSecond a request body that arrives slower than this on average gets 408 and its
     *     connection is closed (Jetty's minimum request data rate); 0 for no minimum
     * @param maxConnections connections open at once over all clients; beyond it Jetty stops accepting until
     *     some close
     * @param threads Jetty's largest thread pool
     * @param maxClientConnections connections one client address may hold open at once; a connection beyond it is
     *     closed as soon as it is accepted (loopback included); 0 for no per-client bound
     */
    public record Connections(Duration idleTimeout, long minUploadBytesPerSecond, int maxConnections,
            int threads, int maxClientConnections) {
        public Connections {
            if (idleTimeout.isNegative() || idleTimeout.isZero() || minUploadBytesPerSecond < 0 || maxConnections < 1
                    || threads < 16 || maxClientConnections < 0) {
                throw new IllegalArgumentException("connection limits must be positive (and at least 16 threads)");
            }
        }

        /** 10 s idle timeout, uploads at least 1 KiB/s, 1000 connections, 200 threads, 64 per client. */
        public static Connections defaults() {
            return new Connections(Duration.ofSeconds(10), 1024, 1000, 200, 64);
        }

        public Connections withMaxClientConnections(int perClient) {
            return new Connections(idleTimeout, minUploadBytesPerSecond, maxConnections, threads, perClient);
        }
    }


    private final Config config;
    private final Inspector inspector;
    private final ReferenceStore references;
    private final CpuLanes lanes = CpuLanes.forThisMachine();
    private final InspectionQueue queue;
    private final History history;
    private final StationMetrics metrics;
    private final WatchFeed watch;
    private final Instant started = Instant.now();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Uploads uploads;
    private final ScheduledExecutorService pruner = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "adclip-history-pruner");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean ready;
    private volatile boolean draining;
    private Javalin app;

    public StationServer(Config config, Inspector inspector) {
        this(config, inspector, new HistoryStore(config.history()));
    }

    /**
     * A station over a history opened by the caller (a PostgreSQL database shared with other stations and fleet
     * workers); {@code config.history()} is not used. The station closes the history when it stops.
     */
    public StationServer(Config config, Inspector inspector, History history) {
        this(config, inspector, history, null);
    }

    /**
     * A station that can also add inspected images to its bundle's reference bank.
     *
     * @param references null when the bundle has no bank (the endpoint then answers 409)
     */
    public StationServer(Config config, Inspector inspector, ReferenceStore references) {
        this(config, inspector, new HistoryStore(config.history()), references);
    }

    /** As above, over a history opened by the caller, and with reference images when {@code references} is set. */
    public StationServer(Config config, Inspector inspector, History history, ReferenceStore references) {
        this.config = config;
        this.inspector = inspector;
        this.references = references;
        inspector.setThreshold(config.imageThreshold());
        this.queue = new InspectionQueue(inspector, config.queueCapacity(), lanes);
        this.history = history;
        this.metrics = new StationMetrics(queue::depth, queue::imagesPerSecond);
        this.watch = config.watchResults() == null ? null : new WatchFeed(config.watchResults());
        this.uploads = new Uploads(config.maxUploadBytes());
    }

    /** Starts listening, then warms the model up in the background ({@code /ready} turns 200 after). */
    public StationServer start() {
        app = Javalin.create(this::configure);
        routes(app);
        app.start();
        history.prune(config.retention(), Instant.now());
        pruner.scheduleWithFixedDelay(this::prune, PRUNE_EVERY.toMinutes(), PRUNE_EVERY.toMinutes(),
                TimeUnit.MINUTES);
        Thread warm = new Thread(this::warmUp, "adclip-warm-up");
        warm.setDaemon(true);
        warm.start();
        return this;
    }

    /** The route table: every path, its handler, and the name its metrics go under. */
    private void routes(Javalin app) {
        RouteGuard guard = new RouteGuard(config.apiKey(), metrics, () -> draining);
        StatusHandler status = new StatusHandler(config, inspector, queue::imagesPerSecond, references != null,
                watch != null, started, this::isReady, () -> draining);
        InspectHandler inspect = new InspectHandler(config, inspector, queue, history, metrics, uploads, lanes);
        BundleHandler bundle = new BundleHandler(config, inspector, references, uploads);
        HistoryHandler past = new HistoryHandler(history, started);
        WatchHandler hotFolder = new WatchHandler(watch);
        PageHandler.FILES.forEach((path, file) -> app.get(path, ctx -> PageHandler.serve(ctx, file)));
        app.get("/health", guard.open("health", status::health));
        app.get("/ready", guard.open("ready", status::ready));
        app.get("/metrics", ctx -> ctx.contentType(metrics.contentType()).result(metrics.scrape()));
        app.get("/api/v1/info", guard.api("info", status::info));
        app.post("/api/v1/inspect", guard.api("inspect", inspect::inspect));
        app.get("/api/v1/history", guard.api("history", past::list));
        app.post("/api/v1/threshold", guard.api("threshold", bundle::saveThreshold));
        app.post("/api/v1/reference", guard.api("reference", bundle::addReference));
        app.get("/api/v1/watch", guard.api("watch", hotFolder::rows));
        app.get("/api/v1/watch/{id}/overlay", guard.api("watch_overlay", hotFolder::overlay));
    }

    /** Jetty's limits: threads, connections (in all and per client), idle time, upload rate and size. */
    private void configure(JavalinConfig c) {
        Connections limits = config.connections();
        c.showJavalinBanner = false;
        c.jetty.threadPool = threadPool(limits.threads());
        c.jetty.modifyHttpConfiguration(http -> http.setMinRequestDataRate(limits.minUploadBytesPerSecond()));
        c.jetty.modifyServer(server -> server.addBean(new ConnectionLimit(limits.maxConnections(), server)));
        c.jetty.addConnector((server, http) -> {
            ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setHost(config.host());
            connector.setPort(config.port());
            connector.setIdleTimeout(limits.idleTimeout().toMillis());
            if (limits.maxClientConnections() > 0) {
                connector.addBean(new ClientConnectionLimit(limits.maxClientConnections()));
            }
            connector.addBean(new ExchangeCounter());
            return connector;
        });
        c.requestLogger.http(this::logRequest);
        long maxRequest = config.maxUploadBytes() + Uploads.MULTIPART_SLACK;
        c.http.maxRequestSize = maxRequest;
        c.jetty.multipartConfig.maxFileSize(config.maxUploadBytes(), SizeUnit.BYTES);
        c.jetty.multipartConfig.maxTotalRequestSize(maxRequest, SizeUnit.BYTES);
        c.jetty.multipartConfig.maxInMemoryFileSize(1, SizeUnit.MB);
    }

    private static QueuedThreadPool threadPool(int max) {
        QueuedThreadPool pool = new QueuedThreadPool(max, 8, 60_000);
        pool.setName("adclip-http");
        return pool;
    }

    /** One line per request: method, path, status, milliseconds, client address, and the reason of an error. */
    private void logRequest(Context ctx, Float millis) {
        Object reason = ctx.attribute(RouteGuard.ERROR_REASON);
        String line = String.format(Locale.ROOT, "%s %s %d %.1f ms %s%s", ctx.method(), ctx.path(),
                ctx.statusCode(), millis, ctx.req().getRemoteAddr(), reason == null ? "" : " - " + reason);
        if (ctx.statusCode() >= 500) {
            LOG.error(line);
        } else {
            LOG.info(line);
        }
    }

    private void prune() {
        try {
            long deleted = history.prune(config.retention(), Instant.now());
            if (deleted > 0) {
                LOG.info("history: pruned {} entries (keeping {})", deleted, config.retention().describe());
            }
        } catch (RuntimeException e) {
            LOG.error("history pruning failed", e);
        }
    }

    /** The port listened on (useful with port 0). */
    public int port() {
        return app.port();
    }

    public boolean isReady() {
        return ready && !draining;
    }

    /** Waits until the model is warm, up to {@code max}; true when ready. */
    public boolean awaitReady(Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (!ready && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        return ready;
    }

    /** The image threshold in force. */
    public double threshold() {
        return inspector.threshold();
    }

    /** One inspection of a 64 x 64 noise image through the queue; {@code /ready} answers 200 after it. */
    private void warmUp() {
        Path file = null;
        try {
            file = uploads.write("warm-up-", "png", Renderings.png(noise(64)));
            queue.submit(file).result.get();
            ready = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            ready = false; // /ready keeps answering 503; the reason shows in inspections
        } finally {
            AtomicFiles.deleteQuietly(file);
        }
    }

    private static BufferedImage noise(int side) {
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(0);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        return image;
    }

    /**
     * Counts HTTP exchanges from the start of a request until its response is completely written. A handler
     * returns before Javalin writes its result, so counting in the handler let {@link #stop()} close a connection
     * whose answer was still unwritten.
     */
    private final class ExchangeCounter implements HttpChannel.Listener {
        @Override
        public void onRequestBegin(Request request) {
            inFlight.incrementAndGet();
        }

        @Override
        public void onComplete(Request request) {
            inFlight.decrementAndGet();
        }
    }

    /**
     * Stops gracefully: new requests get 503, requests in flight finish (up to the grace period), then the
     * server, the worker and the history close.
     */
    public void stop() {
        if (app == null) {
            return;
        }
        draining = true;
        awaitInFlight(System.nanoTime() + config.shutdownGrace().toNanos());
        app.stop();
        app = null;
        pruner.shutdownNow();
        queue.close(config.shutdownGrace().toMillis());
        history.close();
        uploads.close();
    }

    private void awaitInFlight(long end) {
        while (inFlight.get() > 0 && System.nanoTime() < end) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
