package com.adclip.serve;

import com.adclip.cli.TinyStationModel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded load test of the station on loopback only: N clients (default 8) posting the golden images for S
 * seconds (default 30) to a station running the tiny model. Not part of the test suite; see docs/station.md for
 * how to run it. Prints status counts, p50/p99 latency, throughput, and heap/RSS before and after.
 */
public final class StationLoadBenchmarkMain {
    private StationLoadBenchmarkMain() {}

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        Path dir = Files.createTempDirectory("adclip-load");
        try (TinyStationModel model = TinyStationModel.load(dir)) {
            StationServer.Config config = StationServer.Config.defaults(dir.resolve("history.db"), model.threshold())
                    .withAddress("127.0.0.1", 0);
            StationServer server = new StationServer(config, model.inspector()).start();
            try {
                if (!server.awaitReady(Duration.ofSeconds(60))) {
                    throw new IllegalStateException("the station did not get ready");
                }
                run(server.port(), clients, seconds);
            } finally {
                server.stop();
            }
        }
    }

    private static void run(int port, int clients, int seconds) throws Exception {
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            images.add(Files.readAllBytes(TinyStationModel.image(i)));
        }
        String before = memory();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/inspect");
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        AtomicInteger failures = new AtomicInteger();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<List<Double>>> results = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            results.add(pool.submit(() -> {
                List<Double> latencies = new ArrayList<>();
                int n = client;
                while (System.nanoTime() < end) { // bounded in time
                    byte[] body = images.get(n++ % images.size());
                    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                            .header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build();
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                        statuses.computeIfAbsent(response.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                        if (response.statusCode() == 200) {
                            latencies.add((System.nanoTime() - t0) / 1e6);
                        } else if (response.statusCode() == 503) {
                            Thread.sleep(50);
                        }
                    } catch (IOException e) {
                        failures.incrementAndGet();
                    }
                }
                return latencies;
            }));
        }
        List<Double> all = new ArrayList<>();
        for (Future<List<Double>> f : results) {
            all.addAll(f.get());
        }
        pool.shutdown();
        double wall = (System.nanoTime() - start) / 1e9;
        double[] sorted = all.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "clients %d, %.1f s, statuses %s, transport errors %d%n", clients, wall,
                new TreeMap<>(statuses), failures.get());
        System.out.printf(Locale.ROOT, "200s: %d, throughput %.1f images/s, latency p50 %.1f ms, p99 %.1f ms, "
                + "max %.1f ms%n", sorted.length, sorted.length / wall, percentile(sorted, 0.50),
                percentile(sorted, 0.99), sorted.length == 0 ? 0 : sorted[sorted.length - 1]);
        System.out.println("memory before: " + before);
        System.out.println("memory after:  " + memory());
    }

    private static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static String memory() throws IOException {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long heap = (rt.totalMemory() - rt.freeMemory()) >> 20;
        String rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS"))
                .findFirst().orElse("VmRSS: ?").replaceAll("\\s+", " ");
        return "heap used " + heap + " MiB, " + rss;
    }
}
