package com.adclip.serve;

import com.adclip.files.AtomicFiles;
import com.adclip.AdclipException;
import com.adclip.anomaly.Bundle;
import com.adclip.Inspection;
import com.adclip.anomaly.Prediction;
import com.adclip.image.DecodeBudget;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The inspection station's HTTP server (Javalin on Jetty): the inspection API, health and readiness, Prometheus
 * metrics, the persistent history, threshold saving, the followed hot folder and the operator page. See
 * {@code docs/station.md} and {@code /openapi.json}.
 *
 * <p>Uploads are held in memory (or in Jetty's multipart cache) and written to a private temporary folder under
 * generated names for the model; nothing a client sends is used as a path.
 */
public final class StationServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger("adclip.serve");
    private static final String ERROR_REASON = "adclip.error";
    private static final Duration PRUNE_EVERY = Duration.ofMinutes(10);
    private static final String API_KEY_HEADER = "X-API-Key";
    private static final long MULTIPART_SLACK = 64 * 1024;
    private static final Map<String, String> PAGE = Map.of("/", "index.html", "/station.js", "station.js",
            "/station.css", "station.css", "/openapi.json", "openapi.json");

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

    /** An answer other than 200: its status, a reason for the client, and headers such as Retry-After. */
    private static final class ApiError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final transient Map<String, String> headers;

        ApiError(int status, String reason) {
            this(status, reason, Map.of());
        }

        ApiError(int status, String reason, Map<String, String> headers) {
            super(reason);
            this.status = status;
            this.headers = headers;
        }
    }

    private interface Route {
        void handle(Context ctx) throws Exception;
    }

    private final Config config;
    private final Inspector inspector;
    private final ReferenceStore references;
    private final InspectionQueue queue;
    private final History history;
    private final StationMetrics metrics;
    private final WatchFeed watch;
    private final Instant started = Instant.now();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Path uploads;
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
        this.queue = new InspectionQueue(inspector, config.queueCapacity());
        this.history = history;
        this.metrics = new StationMetrics(queue::depth);
        this.watch = config.watchResults() == null ? null : new WatchFeed(config.watchResults());
        try {
            this.uploads = Files.createTempDirectory("adclip-uploads");
        } catch (IOException e) {
            throw new AdclipException("cannot create a temporary folder for uploads: " + e.getMessage(), e);
        }
    }

    /** Starts listening, then warms the model up in the background ({@code /ready} turns 200 after). */
    public StationServer start() {
        Connections limits = config.connections();
        app = Javalin.create(c -> {
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
            c.http.maxRequestSize = config.maxUploadBytes() + MULTIPART_SLACK;
            c.jetty.multipartConfig.maxFileSize(config.maxUploadBytes(), SizeUnit.BYTES);
            c.jetty.multipartConfig.maxTotalRequestSize(config.maxUploadBytes() + MULTIPART_SLACK, SizeUnit.BYTES);
            c.jetty.multipartConfig.maxInMemoryFileSize(1, SizeUnit.MB);
        });
        PAGE.forEach((path, resource) -> app.get(path, ctx -> resource(ctx, resource)));
        app.get("/health", route("health", ctx -> ctx.json(Map.of("status", "up"))));
        app.get("/ready", route("ready", this::ready));
        app.get("/metrics", ctx -> ctx.contentType(metrics.contentType()).result(metrics.scrape()));
        app.get("/api/v1/info", route("info", this::info));
        app.post("/api/v1/inspect", route("inspect", this::inspect));
        app.get("/api/v1/history", route("history", this::history));
        app.post("/api/v1/threshold", route("threshold", this::saveThreshold));
        app.post("/api/v1/reference", route("reference", this::addReference));
        app.get("/api/v1/watch", route("watch", this::watchRows));
        app.get("/api/v1/watch/{id}/overlay", route("watch_overlay", this::watchOverlay));
        app.start();
        history.prune(config.retention(), Instant.now());
        pruner.scheduleWithFixedDelay(this::prune, PRUNE_EVERY.toMinutes(), PRUNE_EVERY.toMinutes(),
                TimeUnit.MINUTES);
        Thread warm = new Thread(this::warmUp, "adclip-warm-up");
        warm.setDaemon(true);
        warm.start();
        return this;
    }

    private static QueuedThreadPool threadPool(int max) {
        QueuedThreadPool pool = new QueuedThreadPool(max, 8, 60_000);
        pool.setName("adclip-http");
        return pool;
    }

    /** One line per request: method, path, status, milliseconds, client address, and the reason of an error. */
    private void logRequest(Context ctx, Float millis) {
        Object reason = ctx.attribute(ERROR_REASON);
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

    private void warmUp() {
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(0);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        Path file = null;
        try {
            file = Files.createTempFile(uploads, "warm-up-", ".png");
            Files.write(file, Renderings.png(image));
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

    /**
     * Counts HTTP exchanges from the start of a request until its response is completely written. A handler
     * returns before Javalin writes its result, so counting in the handler let {@link #stop()} close a connection
     * whose answer was still unwritten.
     */
    private final class ExchangeCounter implements org.eclipse.jetty.server.HttpChannel.Listener {
        @Override
        public void onRequestBegin(org.eclipse.jetty.server.Request request) {
            inFlight.incrementAndGet();
        }

        @Override
        public void onComplete(org.eclipse.jetty.server.Request request) {
            inFlight.decrementAndGet();
        }
    }

    /** Wraps a handler: API key, draining, errors as JSON, and metrics. */
    private io.javalin.http.Handler route(String name, Route route) {
        boolean api = !name.equals("health") && !name.equals("ready");
        return ctx -> {
            long t0 = System.nanoTime();
            try {
                if (draining) {
                    throw new ApiError(503, "the station is shutting down", Map.of("Connection", "close"));
                }
                if (api) {
                    checkKey(ctx);
                }
                route.handle(ctx);
            } catch (ApiError e) {
                e.headers.forEach(ctx::header);
                error(ctx, e.status, e.getMessage());
            } catch (io.javalin.validation.ValidationException e) {
                error(ctx, 400, "invalid query: " + e.getErrors().keySet() + " " + e.getErrors().values());
            } catch (Exception e) {
                LOG.error("{} {}: internal error", ctx.method(), ctx.path(), e);
                error(ctx, 500, "internal error (" + e.getClass().getSimpleName() + ")");
            } finally {
                metrics.request(name, ctx.statusCode(), (System.nanoTime() - t0) / 1e9);
            }
        };
    }

    private static void error(Context ctx, int status, String reason) {
        ctx.attribute(ERROR_REASON, reason);
        ctx.status(status).json(Map.of("error", reason, "status", status));
    }

    private void checkKey(Context ctx) {
        if (config.apiKey() == null) {
            return;
        }
        String given = ctx.header(API_KEY_HEADER);
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                config.apiKey().getBytes(StandardCharsets.UTF_8))) {
            throw new ApiError(401, given == null ? "this station needs an API key in the " + API_KEY_HEADER
                    + " header" : "wrong API key");
        }
    }

    private void resource(Context ctx, String name) throws IOException {
        try (InputStream in = StationServer.class.getResourceAsStream("station/" + name)) {
            if (in == null) {
                ctx.status(404);
                return;
            }
            String type = name.endsWith(".html") ? "text/html; charset=utf-8"
                    : name.endsWith(".js") ? "text/javascript; charset=utf-8"
                    : name.endsWith(".css") ? "text/css; charset=utf-8" : "application/json";
            ctx.header("Cache-Control", "no-cache").header("X-Content-Type-Options", "nosniff")
                    .contentType(type).result(in.readAllBytes());
        }
    }

    private void ready(Context ctx) {
        if (!isReady()) {
            throw new ApiError(503, draining ? "shutting down" : "the model is warming up", Map.of("Retry-After", "1"));
        }
        ctx.json(Map.of("status", "ready", "model", inspector.model()));
    }

    private void info(Context ctx) {
        ObjectNode out = JSON.createObjectNode();
        out.put("model", inspector.model());
        out.put("threshold", inspector.threshold());
        out.put("map_threshold", inspector.mapThreshold());
        out.put("map_max", inspector.mapMax());
        out.put("api_key_required", config.apiKey() != null);
        out.put("threshold_saving", config.apiKey() != null && config.bundle() != null);
        out.put("reference_bank", references != null);
        out.put("reference_saving", config.apiKey() != null && config.bundle() != null && references != null);
        out.put("max_upload_bytes", config.maxUploadBytes());
        out.put("max_pixels", config.maxPixels());
        out.put("max_decoded_bytes", config.maxDecodedBytes());
        out.put("watch", watch != null);
        out.put("started", started.toString());
        out.set("model_info", modelInfo());
        ctx.json(out);
    }

    /**
     * What the page's header shows: the product/model name ({@code train --name}), when it was trained, the CLIP
     * model, and whether the weights are random. Read from the bundle's manifest; nulls when unknown (a
     * checkpoint, or a bundle written before the name existed).
     */
    private ObjectNode modelInfo() {
        ObjectNode info = JSON.createObjectNode();
        com.adclip.anomaly.BundleManifest manifest = null;
        if (config.bundle() != null) {
            try {
                manifest = com.adclip.anomaly.Bundle.readManifest(config.bundle());
            } catch (RuntimeException e) {
                LOG.warn("cannot read the manifest of {}: {}", config.bundle(), e.getMessage());
            }
        }
        info.put("name", manifest == null ? null : manifest.name());
        info.put("file", inspector.model());
        info.put("trained", manifest == null ? null : manifest.created());
        info.put("clip", manifest == null ? null : manifest.clip().model() != null ? manifest.clip().model()
                : manifest.clip().weightsFile());
        info.put("random_weights", inspector.randomWeights());
        return info;
    }

    private void inspect(Context ctx) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Double asked = requestThreshold(ctx);
        Upload upload = receive(ctx);
        ImageSniffer.Format format = ImageSniffer.sniff(upload.bytes()).orElseThrow(() -> new ApiError(415,
                "not a supported image (the content is not PNG, JPEG, BMP, TIFF, WebP or GIF, whatever its name "
                        + "or type says)"));
        DecodeBudget.Size size;
        try {
            size = ImageSniffer.size(upload.bytes());
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
        Path file = Files.createTempFile(uploads, "upload-", "." + format.extension);
        Inspection inspection;
        try {
            Files.write(file, upload.bytes());
            inspection = await(file);
        } finally {
            AtomicFiles.deleteQuietly(file);
        }
        respond(ctx, upload.name(), inspection, asked, t0);
    }

    /** The request's own {@code ?threshold=}, or null for the station's. */
    private Double requestThreshold(Context ctx) {
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

    private record Upload(byte[] bytes, String name) {}

    private Upload receive(Context ctx) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > config.maxUploadBytes() + MULTIPART_SLACK) {
            throw tooLarge(declared);
        }
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        if (type.startsWith("multipart/form-data")) {
            UploadedFile part;
            try {
                part = ctx.uploadedFile("image");
            } catch (Exception e) { // Jetty's multipart parser refused the body (an IOException comes unchecked)
                if (e instanceof IllegalStateException || e instanceof IOException) {
                    throw multipartError(e, declared);
                }
                throw e;
            }
            if (part == null) {
                throw new ApiError(400, "multipart upload without a field named 'image'");
            }
            if (part.size() > config.maxUploadBytes()) {
                throw tooLarge(part.size());
            }
            try (InputStream in = part.content()) {
                return new Upload(nonEmpty(in.readAllBytes()), displayName(part.filename()));
            }
        }
        if (!type.startsWith("image/") && !type.startsWith("application/octet-stream")) {
            throw new ApiError(415, "send the image as multipart field 'image' or as the body with an image/* "
                    + "content type (got '" + type + "')");
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, config.maxUploadBytes() + 1));
            if (bytes.length > config.maxUploadBytes()) {
                throw tooLarge(-1);
            }
            return new Upload(nonEmpty(bytes), displayName(ctx.header("X-Filename")));
        }
    }

    private static byte[] nonEmpty(byte[] bytes) {
        if (bytes.length == 0) {
            throw new ApiError(400, "the upload is empty");
        }
        return bytes;
    }

    /** A client's file name, for display only: no folders, no control characters, at most 120 characters. */
    static String displayName(String given) {
        if (given == null || given.isBlank()) {
            return "upload";
        }
        String name = given.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1).replaceAll("\\p{Cntrl}", "");
        return name.isBlank() ? "upload" : name.substring(0, Math.min(120, name.length()));
    }

    private static final java.util.regex.Pattern TOO_MANY_PARTS =
            java.util.regex.Pattern.compile("too many parts \\[(\\d+) > (\\d+)\\]");
    /** Jetty 11's multipart parser refuses a part header line longer than this (MultiPartParser). */
    static final int MAX_PART_HEADER_LINE = 998;

    /**
     * What Jetty's multipart parser threw, as the status and reason a client can act on: 413 naming the limit
     * that was hit (parts, part header line, bytes), 400 for a body that is not multipart with the declared
     * boundary.
     */
    private ApiError multipartError(Exception e, long declared) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        java.util.regex.Matcher parts = TOO_MANY_PARTS.matcher(message);
        if (parts.find()) {
            return new ApiError(413, "too many parts in the multipart body (limit " + parts.group(2) + ")");
        }
        if (message.contains("Header Line Exceeded")) {
            return new ApiError(413, "a part header line is longer than the limit of " + MAX_PART_HEADER_LINE
                    + " bytes (is the file name too long?)");
        }
        if (e instanceof IllegalStateException && message.contains("exceeds")) {
            return tooLarge(declared);
        }
        return new ApiError(400, "malformed multipart body: " + (message.isBlank() ? e.getClass().getSimpleName()
                : message) + " (the body must be multipart/form-data with the boundary named in Content-Type)");
    }

    private ApiError tooLarge(long size) {
        return new ApiError(413, "the upload is larger than the limit of " + config.maxUploadBytes() + " bytes"
                + (size > 0 ? " (" + size + " bytes)" : ""));
    }

    private Inspection await(Path file) throws InterruptedException {
        InspectionQueue.Ticket ticket;
        try {
            ticket = queue.submit(file);
        } catch (InspectionQueue.FullException e) {
            throw new ApiError(503, e.getMessage(), Map.of("Retry-After", "1"));
        }
        try {
            return ticket.result.get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
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

    /** The verdict is the detector's, at the threshold it ran at, unless the request gave its own threshold. */
    private void respond(Context ctx, String name, Inspection inspection, Double asked, long t0) {
        Prediction p = inspection.prediction();
        ObjectNode out = ResultJson.answer(inspection, asked, inspector);
        double used = out.get("threshold").asDouble();
        String verdict = out.get("verdict").asText();
        BufferedImage overlay = Renderings.overlay(inspection, inspector.mapMax());
        if (ctx.queryParamAsClass("overlay", Boolean.class).getOrDefault(false)) {
            out.put("overlay", Base64.getEncoder().encodeToString(Renderings.png(overlay)));
        }
        if (ctx.queryParamAsClass("map", Boolean.class).getOrDefault(false)) {
            Renderings.CompactMap map = Renderings.compact(p.map(), p.width(), p.height(), inspector.mapMax());
            ObjectNode m = out.putObject("map");
            m.put("width", map.width());
            m.put("height", map.height());
            m.put("max", map.max());
            m.put("encoding", "base64 uint8 row-major, value = map / max * 255");
            m.put("data", Base64.getEncoder().encodeToString(map.values()));
        }
        HistoryStore.Entry entry = history.add(new HistoryStore.Entry(0, Instant.now(), name, p.score(), verdict, used,
                inspection.millis(), p.regions().size(), Renderings.thumbnail(overlay)));
        out.put("id", entry.id());
        metrics.inspection(verdict, inspection.millis() / 1000);
        out.put("total_ms", round((System.nanoTime() - t0) / 1e6));
        ctx.json(out);
    }

    private static double round(double millis) {
        return Math.round(millis * 10) / 10.0;
    }

    private void history(Context ctx) {
        int limit = ctx.queryParamAsClass("limit", Integer.class).check(n -> n >= 1 && n <= 500,
                "limit must be 1 to 500").getOrDefault(50);
        Instant since = started;
        String givenSince = ctx.queryParam("since");
        if (givenSince != null && !givenSince.isBlank()) {
            try {
                since = Instant.parse(givenSince);
            } catch (DateTimeParseException e) {
                throw new ApiError(400, "since must be an ISO-8601 instant such as 2026-01-31T06:00:00Z");
            }
        }
        ObjectNode out = JSON.createObjectNode();
        HistoryStore.Counts counts = history.counts(since);
        ObjectNode c = out.putObject("counts");
        c.put("since", counts.since().toString());
        c.put("ok", counts.ok());
        c.put("ng", counts.ng());
        ArrayNode items = out.putArray("items");
        for (HistoryStore.Entry e : history.recent(limit)) {
            ObjectNode item = items.addObject();
            item.put("id", e.id());
            item.put("time", e.time().toString());
            item.put("name", e.name());
            item.put("score", e.score());
            item.put("verdict", e.verdict());
            item.put("threshold", e.threshold());
            item.put("ms", e.millis());
            item.put("regions", e.regions());
            item.put("thumbnail", e.thumbnail() == null ? null
                    : "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(e.thumbnail()));
        }
        ctx.json(out);
    }

    private void saveThreshold(Context ctx) {
        if (config.apiKey() == null) {
            throw new ApiError(403, "saving the threshold needs the station to be started with --api-key");
        }
        if (config.bundle() == null) {
            throw new ApiError(409, "the station was started without a bundle; there is nothing to save into");
        }
        JsonNode body;
        try {
            body = JSON.readTree(ctx.body());
        } catch (IOException e) {
            throw new ApiError(400, "send JSON such as {\"threshold\": 0.42}");
        }
        JsonNode t = body == null ? null : body.get("threshold");
        if (t == null || !t.isNumber() || !(t.asDouble() >= 0 && t.asDouble() <= 1)) {
            throw new ApiError(400, "threshold must be a number in [0, 1]");
        }
        Path backup = Bundle.saveImageThreshold(config.bundle(), t.asDouble(), inspector.fused(),
                inspector.mapThreshold());
        inspector.setThreshold(t.asDouble());
        ctx.json(Map.of("threshold", inspector.threshold(), "bundle", config.bundle().getFileName().toString(), "backup",
                backup.getFileName().toString()));
    }

    /** The image in the request (as for inspect) becomes a good reference image of the bundle's bank. */
    private void addReference(Context ctx) throws IOException {
        if (config.apiKey() == null) {
            throw new ApiError(403, "adding reference images needs the station to be started with --api-key");
        }
        if (config.bundle() == null || references == null) {
            throw new ApiError(409, "the station's bundle has no reference bank; create one with adclip reference "
                    + "add, then restart the station");
        }
        Upload upload = receive(ctx);
        ImageSniffer.Format format = ImageSniffer.sniff(upload.bytes()).orElseThrow(() -> new ApiError(415,
                "not a supported image (PNG, JPEG, BMP, TIFF, WebP or GIF)"));
        Path file = Files.createTempFile(uploads, "reference-", "." + format.extension);
        ReferenceStore.Added added;
        try {
            Files.write(file, upload.bytes());
            synchronized (Bundle.class) { // one writer of the bundle at a time (threshold saves too)
                added = references.add(file, upload.name());
            }
        } catch (Inspector.ImageRejectedException e) {
            throw new ApiError(400, e.getMessage().replace(file.toString(), "the upload"));
        } catch (IllegalStateException | AdclipException e) {
            throw new ApiError(409, e.getMessage());
        } finally {
            AtomicFiles.deleteQuietly(file);
        }
        ctx.json(Map.of("images", added.images(), "sha256", added.sha256(), "bundle", added.bundle(), "backup",
                added.backup()));
    }

    private WatchFeed requireWatch() {
        if (watch == null) {
            throw new ApiError(404, "this station follows no hot folder (start it with --watch-results FILE)");
        }
        return watch;
    }

    private void watchRows(Context ctx) {
        WatchFeed feed = requireWatch();
        long after = ctx.queryParamAsClass("after", Long.class).getOrDefault(-1L);
        int limit = ctx.queryParamAsClass("limit", Integer.class).check(n -> n >= 1 && n <= 500,
                "limit must be 1 to 500").getOrDefault(50);
        List<Map<String, String>> rows = feed.after(after, limit);
        ArrayNode out = JSON.createArrayNode();
        for (Map<String, String> row : rows) {
            ObjectNode item = out.addObject();
            item.put("id", Long.parseLong(row.get("id")));
            item.put("time", row.get("time"));
            item.put("file", row.get("file"));
            item.put("verdict", row.get("verdict"));
            item.put("score", row.get("score").isEmpty() ? null : Double.valueOf(row.get("score")));
            item.put("threshold", Double.valueOf(row.get("threshold")));
            item.put("regions", Integer.valueOf(row.get("regions")));
            item.put("error", row.get("error").isEmpty() ? null : row.get("error"));
            item.put("has_overlay", !row.get("overlay").isEmpty());
        }
        ctx.json(Map.of("rows", out));
    }

    private void watchOverlay(Context ctx) throws IOException {
        WatchFeed feed = requireWatch();
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new ApiError(400, "id must be a number");
        }
        Map<String, String> row = feed.row(id);
        // the path comes from the watch's own results file, never from the request
        Path overlay = row == null || row.get("overlay").isEmpty() ? null : Path.of(row.get("overlay"));
        if (overlay == null || !overlay.getFileName().toString().endsWith("_overlay.png")
                || !Files.isRegularFile(overlay)) {
            throw new ApiError(404, "no overlay for watch row " + id);
        }
        ctx.contentType("image/png").result(Files.readAllBytes(overlay));
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
        long end = System.nanoTime() + config.shutdownGrace().toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < end) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        app.stop();
        app = null;
        pruner.shutdownNow();
        queue.close(config.shutdownGrace().toMillis());
        history.close();
        try (var files = Files.list(uploads)) {
            files.forEach(AtomicFiles::deleteQuietly);
        } catch (IOException e) {
            // temporary files: the OS cleans up
        }
        AtomicFiles.deleteQuietly(uploads);
    }

    @Override
    public void close() {
        stop();
    }

}
