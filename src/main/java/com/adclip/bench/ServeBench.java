package com.adclip.bench;

import com.adclip.Detector;
import com.adclip.Inspection;
import com.adclip.Outcome;
import com.adclip.anomaly.AnomalyPredictor;
import com.adclip.serve.ForwardingInspector;
import com.adclip.serve.Inspector;
import com.adclip.serve.StationServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * {@code adclip bench --serve-clients C}: the station in this process on loopback (a free port, a history in a
 * temporary folder), {@code C} client threads posting {@code images} camera-sized PNGs between them, after
 * {@code warmup} untimed ones. Reports the station's images/s over the wall clock next to the tower's own rate:
 * the network alone on the same images one after another before the station starts, and the network's time
 * inside the station. Every request must answer 200; the run is bounded by the image count and a deadline.
 */
public final class ServeBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DISTINCT_IMAGES = 8;

    /**
     * @param clients client threads posting at the same time
     * @param maxBatch the station's batch bound ({@code serve --max-batch})
     * @param deadline the longest the timed round may take before the bench fails
     */
    public record Options(int clients, int maxBatch, Duration deadline) {
        public Options {
            if (clients < 1 || maxBatch < 1) {
                throw new IllegalArgumentException("--serve-clients and --max-batch must be >= 1");
            }
        }
    }

    private ServeBench() {}

    /** One JSON line: the station's rate under {@code serve.clients()} clients and the tower's own rate. */
    public static Map<String, Object> run(Detector detector, InferenceBench.Options options, Options serve)
            throws IOException, InterruptedException {
        try (BenchImages images = new BenchImages()) {
            List<Path> files = images.write(Math.min(DISTINCT_IMAGES, options.warmup() + options.images()),
                    options.sourceWidth(), options.sourceHeight());
            double tower = towerRate(detector, files, options);
            List<byte[]> bodies = new ArrayList<>();
            for (Path file : files) {
                bodies.add(Files.readAllBytes(file));
            }
            NetworkClock clock = new NetworkClock(Inspector.of(detector, serve.maxBatch()), detector);
            StationServer.Config config = StationServer.Config.defaults(images.dir().resolve("history.db"),
                    detector.threshold()).withAddress("127.0.0.1", 0)
                    .withQueue(Math.max(16, 2 * serve.clients()), serve.deadline());
            StationServer station = new StationServer(config, clock).start();
            try {
                if (!station.awaitReady(serve.deadline())) {
                    throw new IllegalStateException("the station did not warm up within " + serve.deadline());
                }
                URI base = URI.create("http://127.0.0.1:" + station.port());
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
                for (int i = 0; i < options.warmup(); i++) {
                    post(http, base, bodies.get(i % bodies.size()), serve.deadline());
                }
                clock.reset();
                long t0 = System.nanoTime();
                post(http, base, bodies, options.images(), serve);
                double seconds = (System.nanoTime() - t0) / 1e9;
                double reported = reported(http, base);
                return line(detector, options, serve, seconds, tower, clock, reported);
            } finally {
                station.stop();
            }
        }
    }

    private static Map<String, Object> line(Detector detector, InferenceBench.Options options, Options serve,
            double seconds, double tower, NetworkClock clock, double reported) {
        Map<String, Object> line = InferenceBench.head(options, detector.weightsFormat().name(), detector.config(),
                "serve", detector.precision());
        double rate = options.images() / seconds;
        line.put("clients", serve.clients());
        line.put("max_batch", serve.maxBatch());
        line.put("largest_batch", clock.largest.get());
        line.put("wall_seconds", Machine.round(seconds));
        line.put("images_per_second", Machine.round(rate));
        line.put("tower_images_per_second", Machine.round(tower));
        line.put("share_of_tower_rate", Machine.round(rate / tower));
        line.put("network_images_per_second_in_station", Machine.round(clock.images.get() / clock.seconds.sum()));
        line.put("station_reported_images_per_second", Machine.round(reported));
        return InferenceBench.tail(line);
    }

    /** The network's own rate: the images one at a time through the detector, images over the network time. */
    private static double towerRate(Detector detector, List<Path> files, InferenceBench.Options options) {
        for (int i = 0; i < options.warmup(); i++) {
            detector.inspectAll(List.of(files.get(i % files.size())));
        }
        double network = 0;
        for (int i = 0; i < options.images(); i++) {
            Outcome outcome = detector.inspectAll(List.of(files.get(i % files.size()))).get(0);
            if (outcome.failed()) {
                throw new IllegalStateException("bench image failed: " + outcome.error());
            }
            network += detector.lastStageTimes().networkMs() / 1e3;
        }
        return options.images() / network;
    }

    /** {@code count} posts shared by the clients; fails on the first answer that is not 200 or past the deadline. */
    private static void post(HttpClient http, URI base, List<byte[]> bodies, int count, Options serve)
            throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(serve.clients());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < serve.clients(); c++) {
                running.add(clients.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < count;) {
                        post(http, base, bodies.get(i % bodies.size()), serve.deadline());
                    }
                    return null;
                }));
            }
            long end = System.nanoTime() + serve.deadline().toNanos();
            for (Future<?> client : running) {
                client.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("the clients did not finish within " + serve.deadline());
        } catch (ExecutionException e) {
            throw new IllegalStateException("a client failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            clients.shutdownNow();
        }
    }

    private static void post(HttpClient http, URI base, byte[] png, Duration timeout) throws IOException,
            InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/inspect")).timeout(timeout)
                .header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(png)).build();
        HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("the station answered " + answer.statusCode() + ": " + answer.body());
        }
    }

    /** The images/s the station itself reports in {@code /api/v1/info}. */
    private static double reported(HttpClient http, URI base) throws IOException, InterruptedException {
        HttpResponse<String> info = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/info")).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(info.body()).path("images_per_second").asDouble(Double.NaN);
    }

    /** The station's inspector, summing the network time of each batch the model thread runs. */
    private static final class NetworkClock extends ForwardingInspector {
        private final Detector detector;
        final DoubleAdder seconds = new DoubleAdder();
        final AtomicInteger images = new AtomicInteger();
        final AtomicInteger largest = new AtomicInteger();

        NetworkClock(Inspector inner, Detector detector) {
            super(inner);
            this.detector = detector;
        }

        void reset() {
            seconds.reset();
            images.set(0);
            largest.set(0);
        }

        @Override
        public List<Outcome> inspectPrepared(List<Prepared> batch) {
            AnomalyPredictor.StageTimes before = detector.lastStageTimes();
            List<Outcome> outcomes = inner.inspectPrepared(batch);
            AnomalyPredictor.StageTimes after = detector.lastStageTimes();
            if (after != null && after != before) { // only the model thread infers while the bench runs
                seconds.add(after.networkMs() / 1e3);
                images.addAndGet(batch.size());
                largest.accumulateAndGet(batch.size(), Math::max);
            }
            return outcomes;
        }
    }
}
