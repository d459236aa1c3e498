package com.adclip.cli;

import com.adclip.Detector;
import com.adclip.serve.Inspector;
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

    @Option(names = "--threshold", paramLabel = "T",
            description = "Image threshold (default: the bundle's, else 0.5).")
    Double threshold;

    @Option(names = "--history", paramLabel = "FILE", defaultValue = "adclip-history.db",
            description = "SQLite file of past inspections (default: ${DEFAULT-VALUE}).")
    Path history;

    @Option(names = "--watch-results", paramLabel = "FILE",
            description = "Follow a running `adclip watch` through its results CSV (shown on the page).")
    Path watchResults;

    @Option(names = "--max-upload-mb", paramLabel = "MB", defaultValue = "25",
            description = "Largest upload; more gets 413 (default: ${DEFAULT-VALUE}).")
    double maxUploadMb;

    @Option(names = "--max-megapixels", paramLabel = "MP", defaultValue = "40",
            description = "Largest image; more gets 413 (default: ${DEFAULT-VALUE}).")
    double maxMegapixels;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "16",
            description = "Images that may wait for the model; more get 503 (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Longest wait for one inspection; longer gets 504 (default: ${DEFAULT-VALUE}).")
    double timeout;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        validate();
        String key = apiKey != null ? apiKey : System.getenv("ADCLIP_API_KEY");
        PrintWriter err = spec.commandLine().getErr();
        try (Detector detector = detectorOptions.builder(modelOptions).maxMegapixels(maxMegapixels).build()) {
            double image = StationSetup.imageThreshold(detector, threshold);
            Inspector inspector = StationSetup.inspector(detector, image);
            StationServer.Config config = StationServer.Config.defaults(history, image)
                    .withAddress(host, port)
                    .withApiKey(key == null || key.isBlank() ? null : key)
                    .withLimits((long) (maxUploadMb * 1024 * 1024), (long) (maxMegapixels * 1e6))
                    .withQueue(queue, Duration.ofMillis((long) (timeout * 1000)))
                    .withBundle(detectorOptions.bundle)
                    .withWatchResults(watchResults);
            String reference = ReferenceText.line(detector);
            if (reference != null) {
                err.println("adclip serve: " + reference);
                err.flush();
            }
            StationReferences references = detector.referenceBank() == null || detectorOptions.bundle == null ? null
                    : new StationReferences(detector, detectorOptions.bundle);
            StationServer server = new StationServer(config, inspector, references).start();
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

    private void validate() {
        CommandLine cl = spec.commandLine();
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(cl, "--port must be 0 to 65535");
        }
        if (!(maxUploadMb > 0) || !(maxMegapixels > 0) || !(timeout > 0)) {
            throw new CommandLine.ParameterException(cl, "--max-upload-mb, --max-megapixels and --timeout must be "
                    + "positive");
        }
        if (queue < 1) {
            throw new CommandLine.ParameterException(cl, "--queue must be at least 1");
        }
        if (threshold != null && !(threshold >= 0 && threshold <= 1)) {
            throw new CommandLine.ParameterException(cl, "--threshold must be in [0, 1]");
        }
    }
}
