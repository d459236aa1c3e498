package com.adclip.cli;

import com.adclip.Detector;
import com.adclip.serve.History;
import com.adclip.serve.HistoryRetention;
import com.adclip.serve.BankReferences;
import com.adclip.serve.Inspector;
import com.adclip.serve.StationLog;
import com.adclip.serve.StationServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code adclip serve}: the inspection station, an HTTP API and an operator page. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run the inspection station: an HTTP API (POST /api/v1/inspect, /health, /ready, /metrics, "
                    + "/api/v1/history, /openapi.json) and an operator page at /.",
            "Binds to 127.0.0.1 unless --host says otherwise. Stop with Ctrl-C: requests in flight finish first."
        })
final class ServeCommand implements Callable<Integer> {
    @Mixin ConfigFile.Option configOption;

    @Mixin DetectorOptions detectorOptions;
    @Mixin ModelOptions modelOptions;

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080",
            description = "Port (default: ${DEFAULT-VALUE}; 0 for any free port).")
    int port;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "Require this key as header X-API-Key on every /api/ call; also enables saving the "
                    + "threshold into the bundle. Default: $ADCLIP_API_KEY, else none.")
    String apiKey;

    @Mixin ThresholdOption threshold;

    @Option(names = "--history", paramLabel = "FILE|URL", defaultValue = "adclip-history.db",
            description = "Past inspections: a SQLite file (default: ${DEFAULT-VALUE}), or a "
                    + "jdbc:postgresql://HOST/DB URL shared with other stations and fleet workers.")
    String history;

    @Option(names = "--watch-results", paramLabel = "FILE",
            description = "Follow a running `adclip watch` through its results CSV (shown on the page).")
    Path watchResults;

    @Option(names = "--max-upload-mb", paramLabel = "MB", defaultValue = "25",
            description = "Largest upload; more gets 413 (default: ${DEFAULT-VALUE}).")
    double maxUploadMb;

    @Mixin ImageLimits limits;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "16",
            description = "Images that may wait for the model; more get 503 (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "1",
            description = "When several decoded images wait, run up to N of them through the network as one batch "
                    + "(default: ${DEFAULT-VALUE}; more uses more memory per call).")
    int maxBatch;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Longest wait for one inspection; longer gets 504 (default: ${DEFAULT-VALUE}).")
    double timeout;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Close a connection with no traffic for this long (default: ${DEFAULT-VALUE}).")
    double idleTimeout;

    @Option(names = "--min-upload-rate", paramLabel = "KB/S", defaultValue = "1",
            description = "An upload slower than this on average gets 408 and is dropped, so slow clients cannot "
                    + "hold threads (default: ${DEFAULT-VALUE}; 0 for no minimum).")
    double minUploadRate;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "1000",
            description = "Connections open at once; beyond it new ones wait (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-client-connections", paramLabel = "N", defaultValue = "64",
            description = "Connections one client address may hold open at once; more are closed as soon as they "
                    + "are accepted, loopback included (default: ${DEFAULT-VALUE}; 0 for no per-client bound, e.g. "
                    + "behind a reverse proxy on the same host).")
    int maxClientConnections;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "200",
            description = "Largest number of HTTP threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--history-keep", paramLabel = "AGE,ROWS", defaultValue = "30d,1000000",
            description = "History kept: an age (30d, 12h, 90m), a number of entries, both (30d,100000), or all "
                    + "(default: ${DEFAULT-VALUE}). Older entries are pruned at start and every 10 minutes.")
    String historyKeep;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = "Log level: error, warn, info, debug, trace or off (default: ${DEFAULT-VALUE}). "
                    + "info logs one line per request.")
    String logLevel;

    @Option(names = "--log-file", paramLabel = "FILE",
            description = "Append the log to FILE instead of stderr.")
    Path logFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        HistoryRetention retention = validate();
        StationLog.configure(logLevel, logFile);
        String key = apiKey != null ? apiKey : System.getenv("ADCLIP_API_KEY");
        PrintWriter err = spec.commandLine().getErr();
        try (Detector detector = limits.apply(detectorOptions.builder(modelOptions)).build()) {
            double image = StationSetup.imageThreshold(detector, threshold.value());
            Inspector inspector = StationSetup.inspector(detector, image, maxBatch);
            StationServer.Config config = StationServer.Config.defaults(
                    history.startsWith("jdbc:") ? null : Path.of(history), image)
                    .withAddress(host, port)
                    .withApiKey(key == null || key.isBlank() ? null : key)
                    .withLimits((long) (maxUploadMb * 1024 * 1024), limits.maxPixels())
                    .withMaxDecodedBytes(limits.maxDecodedBytes())
                    .withQueue(queue, Duration.ofMillis((long) (timeout * 1000)))
                    .withBundle(detectorOptions.bundle)
                    .withWatchResults(watchResults)
                    .withConnections(new StationServer.Connections(Duration.ofMillis((long) (idleTimeout * 1000)),
                            (long) (minUploadRate * 1024), maxConnections, threads, maxClientConnections))
                    .withRetention(retention);
            String reference = ReferenceText.line(detector);
            if (reference != null) {
                err.println("adclip serve: " + reference);
                err.flush();
            }
            BankReferences references = detector.referenceBank() == null || detectorOptions.bundle == null ? null
                    : new BankReferences(detector, detectorOptions.bundle);
            StationServer server = new StationServer(config, inspector, History.open(history), references).start();
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                server.stop();
                stopped.countDown();
            }, "adclip-serve-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            err.println("adclip serve: http://" + host + ":" + server.port() + "/ (model " + inspector.model()
                    + ", threshold " + image + (config.apiKey() != null ? ", API key required" : "") + ")");
            err.flush();
            server.awaitReady(Duration.ofMinutes(10));
            err.println("adclip serve: ready");
            err.flush();
            stopped.await();
            return 0;
        }
    }

    private HistoryRetention validate() {
        CommandLine cl = spec.commandLine();
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(cl, "--port must be 0 to 65535");
        }
        limits.validate(cl);
        if (!(maxUploadMb > 0) || !(timeout > 0)) {
            throw new CommandLine.ParameterException(cl, "--max-upload-mb and --timeout must be positive");
        }
        if (queue < 1 || maxBatch < 1) {
            throw new CommandLine.ParameterException(cl, "--queue and --max-batch must be at least 1");
        }
        threshold.requireUnitRange(cl);
        if (!(idleTimeout > 0) || !(minUploadRate >= 0) || maxConnections < 1 || threads < 16
                || maxClientConnections < 0) {
            throw new CommandLine.ParameterException(cl, "--idle-timeout and --max-connections must be positive, "
                    + "--min-upload-rate and --max-client-connections at least 0 and --threads at least 16");
        }
        if (!StationLog.LEVELS.contains(logLevel.toLowerCase(java.util.Locale.ROOT))) {
            throw new CommandLine.ParameterException(cl, "--log-level must be one of " + StationLog.LEVELS);
        }
        try {
            return HistoryRetention.parse(historyKeep);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--history-keep: " + e.getMessage());
        }
    }
}
