package com.adclip.cli;

import com.adclip.AdclipException;
import com.adclip.Detector;
import com.adclip.fleet.BundleSource;
import com.adclip.fleet.FleetWorker;
import com.adclip.fleet.KafkaSetup;
import com.adclip.fleet.PollSizing;
import com.adclip.fleet.WorkerMetrics;
import com.adclip.serve.History;
import com.adclip.serve.Inspector;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code adclip worker}: one inspection worker of a fleet on Kafka (docs/fleet.md). */
@Command(
        name = "worker",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Inspect requests from a Kafka topic as one member of a consumer group: one result per request to the "
                    + "results topic (keyed by the request id), history in PostgreSQL, poison messages to a "
                    + "dead-letter topic. Offsets are committed only after the result and the history are written.",
            "A request is JSON: {\"id\": \"...\", \"image\": \"/shared/path.png\" or \"https://...\"} or "
                    + "{\"id\": \"...\", \"image_base64\": \"...\"}; optional \"name\" and \"threshold\".",
            "Stop with SIGTERM or Ctrl-C: the image in hand finishes and is committed, then the worker leaves "
                    + "the group."
        })
final class WorkerCommand implements Callable<Integer> {
    @Mixin DetectorOptions detectorOptions;
    @Mixin ModelOptions modelOptions;

    @Option(names = "--kafka", paramLabel = "BOOTSTRAP", required = true,
            description = "Kafka bootstrap servers, HOST:PORT[,HOST:PORT...].")
    String kafka;

    @Option(names = "--topic", paramLabel = "IN", required = true, description = "The topic of requests.")
    String topic;

    @Option(names = "--group", paramLabel = "G", required = true,
            description = "The consumer group: workers of one group share the topic's partitions.")
    String group;

    @Option(names = "--results-topic", paramLabel = "OUT", required = true,
            description = "Where results go, keyed by request id.")
    String resultsTopic;

    @Option(names = "--dead-letter-topic", paramLabel = "DLT",
            description = "Where poison messages go as they came (default: IN.dead-letter).")
    String deadLetterTopic;

    @Option(names = "--history", paramLabel = "URL", required = true,
            description = "The shared history: jdbc:postgresql://HOST[:PORT]/DB (user and password in the URL "
                    + "or $PGUSER / $PGPASSWORD).")
    String history;

    @Option(names = "--bundle-sha256", paramLabel = "HEX",
            description = "Refuse a bundle (path or http(s) URL in --bundle) with another sha256.")
    String bundleSha256;

    /** The image threshold for requests that give none. */
    @Mixin ThresholdOption threshold;

    /** Images over the limits are poison. */
    @Mixin ImageLimits limits;

    @Option(names = "--max-image-mb", paramLabel = "MB", defaultValue = "25",
            description = "Largest image file; larger ones are poison (default: ${DEFAULT-VALUE}).")
    double maxImageMb;

    @Option(names = "--seconds-per-image", paramLabel = "S",
            description = "Seconds per image that size the poll limits (default: measured at start).")
    Double secondsPerImage;

    @Option(names = "--metrics-host", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Address of /metrics (default: ${DEFAULT-VALUE}).")
    String metricsHost;

    @Option(names = "--metrics-port", paramLabel = "N", defaultValue = "9464",
            description = "Port of /metrics and /health (default: ${DEFAULT-VALUE}; 0 for any free port).")
    int metricsPort;

    @Option(names = "--worker-id", paramLabel = "NAME",
            description = "This worker's name in results and logs (default: HOST-PID).")
    String workerId;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "A Kafka client setting for the consumer and producers (security, session.timeout.ms, "
                    + "...); repeatable.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        validate();
        PrintWriter err = spec.commandLine().getErr();
        String id = workerId != null ? workerId : host() + "-" + ProcessHandle.current().pid();
        BundleSource.Resolved bundle = resolveBundle();
        CountDownLatch cleaned = new CountDownLatch(1);
        try (Detector detector = limits.apply(detectorOptions.builder(modelOptions)).build();
                History store = History.open(history);
                WorkerMetrics metrics = new WorkerMetrics()) {
            double image = StationSetup.imageThreshold(detector, threshold.value());
            Inspector inspector = StationSetup.inspector(detector, image);
            double spi = secondsPerImage != null ? secondsPerImage : measure(inspector);
            metrics.secondsPerImage(spi);
            PollSizing sizing = PollSizing.forSecondsPerImage(spi);
            int port = metrics.serve(metricsHost, metricsPort);
            say(err, "adclip worker " + id + ": model " + inspector.model() + " (sha256 " + bundle.sha256() + "), "
                    + String.format(Locale.ROOT, "%.3f", spi) + " s per image -> max.poll.records "
                    + sizing.maxPollRecords() + ", max.poll.interval.ms " + sizing.maxPollIntervalMs()
                    + "; metrics on http://" + metricsHost + ":" + port + "/metrics");
            FleetWorker.Config config = new FleetWorker.Config(topic, resultsTopic,
                    deadLetterTopic != null ? deadLetterTopic : topic + ".dead-letter", image, bundle.sha256(), id,
                    (long) (maxImageMb * 1024 * 1024), Duration.ofSeconds(1), Duration.ofSeconds(2));
            KafkaConsumer<String, byte[]> consumer = KafkaSetup.consumer(kafka, group, id, sizing, kafkaProperties);
            try (Producer<String, byte[]> producer = KafkaSetup.producer(kafka, id, kafkaProperties)) {
                FleetWorker worker = new FleetWorker(config, inspector, store, consumer, producer, metrics,
                        line -> say(err, "adclip worker " + id + ": " + line));
                Duration grace = Duration.ofMillis((long) Math.max(30_000, 3000 * spi));
                Thread hook = new Thread(() -> stopOnSignal(worker, grace, cleaned, err, id), "adclip-worker-stop");
                Runtime.getRuntime().addShutdownHook(hook);
                worker.run();
            }
            say(err, "adclip worker " + id + ": left the group");
            return 0;
        } finally {
            cleaned.countDown();
        }
    }

    private static void stopOnSignal(FleetWorker worker, Duration grace, CountDownLatch cleaned, PrintWriter err,
            String id) {
        say(err, "adclip worker " + id + ": stopping after the image in hand");
        try {
            worker.stop(grace);
            cleaned.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void say(PrintWriter err, String line) {
        synchronized (err) {
            err.println(line);
            err.flush();
        }
    }

    /** --bundle as typed: a path, or an http(s) URL downloaded first; then the sha256 check. */
    private BundleSource.Resolved resolveBundle() throws IOException {
        CommandLine.Model.OptionSpec option = spec.findOption("--bundle");
        List<String> typed = option == null ? List.of() : option.originalStringValues();
        if (typed.isEmpty()) {
            if (bundleSha256 != null) {
                throw AdclipException.usage("--bundle-sha256 needs --bundle", null);
            }
            Path checkpoint = detectorOptions.checkpoint;
            return new BundleSource.Resolved(checkpoint, checkpoint == null ? null : BundleSource.sha256(checkpoint));
        }
        BundleSource.Resolved resolved = BundleSource.resolve(typed.get(typed.size() - 1), bundleSha256,
                Files.createTempDirectory("adclip-bundle"));
        detectorOptions.bundle = resolved.file();
        return resolved;
    }

    /**
     * Seconds per image: the mean of two inspections of a 640 × 480 image after one warm-up. Cameras with much
     * larger images should pass --seconds-per-image from `adclip bench` on their own pictures.
     */
    private static double measure(Inspector inspector) throws IOException {
        BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(0);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        Path file = Files.createTempFile("adclip-measure-", ".png");
        try {
            ImageIO.write(image, "png", file.toFile());
            inspector.inspect(file);
            long t0 = System.nanoTime();
            inspector.inspect(file);
            inspector.inspect(file);
            return Math.max(1e-3, (System.nanoTime() - t0) / 2e9);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "worker";
        }
    }

    private void validate() {
        CommandLine cl = spec.commandLine();
        if (!history.startsWith("jdbc:postgresql:")) {
            throw new CommandLine.ParameterException(cl, "--history must be a jdbc:postgresql:// URL: workers share "
                    + "one history, and it absorbs redelivered requests by their id");
        }
        if (metricsPort < 0 || metricsPort > 65535) {
            throw new CommandLine.ParameterException(cl, "--metrics-port must be 0 to 65535");
        }
        limits.validate(cl);
        if (!(maxImageMb > 0)) {
            throw new CommandLine.ParameterException(cl, "--max-image-mb must be positive");
        }
        if (secondsPerImage != null && !(secondsPerImage > 0)) {
            throw new CommandLine.ParameterException(cl, "--seconds-per-image must be positive");
        }
        threshold.requireUnitRange(cl);
        if (topic.equals(resultsTopic) || topic.equals(deadLetterTopic)) {
            throw new CommandLine.ParameterException(cl, "--results-topic and --dead-letter-topic must differ from "
                    + "--topic");
        }
    }
}
