package com.adclip.fleet;

import com.adclip.cli.TinyStationModel;
import com.adclip.testing.Fixtures;
import com.adclip.testing.KafkaBroker;
import com.adclip.testing.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Fleet throughput on loopback only, not part of the suite (docs/fleet.md, docs/benchmarks.md): an in-process
 * Kafka broker and a private PostgreSQL, then for 1, 2 and 3 {@code adclip worker} JVMs on the golden tiny model
 * (one libtorch thread each) a fresh 6-partition topic with N requests (default 300). The clock runs from the
 * first request sent to the timestamp of the last result (so the reader's own start-up is not counted). Prints one JSON line per worker count. Bounded: each run
 * gives up after 10 minutes.
 */
public final class FleetBenchmarkMain {
    private FleetBenchmarkMain() {}

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        Path dir = Files.createTempDirectory("adclip-fleet-bench");
        Path golden = Fixtures.goldenV1();
        Path bundle;
        try (TinyStationModel model = TinyStationModel.load(dir)) {
            bundle = model.bundle();
        }
        KafkaBroker broker = KafkaBroker.shared();
        try (PostgresServer postgres = PostgresServer.start()) {
            for (int workers = 1; workers <= 3; workers++) {
                run(broker, postgres, bundle, golden, workers, requests);
            }
        }
        System.exit(0);
    }

    private static void run(KafkaBroker broker, PostgresServer postgres, Path bundle, Path golden, int n,
            int requests) throws Exception {
        String topic = "bench" + n;
        String history = postgres.createDatabase(topic);
        broker.createTopic(topic, 6, Map.of());
        broker.createTopic(topic + ".results", 6, Map.of());
        broker.createTopic(topic + ".dead-letter", 1, Map.of());
        List<WorkerProcess> workers = new ArrayList<>();
        try {
            for (int i = 1; i <= n; i++) {
                workers.add(WorkerProcess.start("b" + i, broker.bootstrap(), topic, "bench", history, bundle, golden,
                        "--seconds-per-image", "0.05"));
            }
            WorkerProcess.awaitAssigned(workers, 180);
            Thread.sleep(3000); // let the last rebalance settle
            long t0 = System.currentTimeMillis();
            try (RequestPublisher publisher = new RequestPublisher(broker.bootstrap(), topic, Map.of())) {
                for (int i = 0; i < requests; i++) {
                    publisher.send(InspectionRequest.of("b-" + i, golden.resolve("images/img" + (i % 4) + ".png")
                            .toString()));
                }
                publisher.flush();
            }
            Set<String> seen = new HashSet<>();
            long[] last = {t0};
            FleetTopics.readUntil(broker.bootstrap(), topic + ".results", read -> {
                seen.clear();
                read.forEach(r -> {
                    seen.add(r.key());
                    last[0] = Math.max(last[0], r.timestamp());
                });
                return seen.size() >= requests;
            }, Duration.ofMinutes(10));
            double seconds = (last[0] - t0) / 1e3; // to the last result's broker timestamp, not to our reading it
            System.out.printf(Locale.ROOT, "{\"workers\": %d, \"requests\": %d, \"answered\": %d, \"seconds\": %.2f, "
                    + "\"images_per_s\": %.2f}%n", n, requests, seen.size(), seconds, seen.size() / seconds);
        } finally {
            workers.forEach(w -> w.process().destroyForcibly());
            for (WorkerProcess w : workers) {
                w.process().waitFor();
            }
        }
    }
}
