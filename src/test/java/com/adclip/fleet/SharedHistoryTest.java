package com.adclip.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.serve.History;
import com.adclip.serve.StationServer;
import com.adclip.testing.KafkaBroker;
import com.adclip.testing.PostgresServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two station replicas and a fleet worker write one PostgreSQL history at the same time; each replica's
 * history API then shows every inspection, newest first by time then id.
 */
class SharedHistoryTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int UPLOADS = 30;
    private static final int REQUESTS = 40;

    @TempDir Path tmp;

    @Test
    void twoStationsAndAWorkerShareOneCompleteOrderedHistory() throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        try (PostgresServer postgres = PostgresServer.start()) {
            String url = postgres.createDatabase("shared");
            byte[] dark = StubInspector.png(30, 16);
            Path bright = Files.write(tmp.resolve("bright.png"), StubInspector.png(230, 16));
            StationServer a = station(url);
            StationServer b = station(url);
            broker.createTopic("shared-in", 2, Map.of());
            broker.createTopic("shared-in.results", 1, Map.of());
            broker.createTopic("shared-in.dead", 1, Map.of());
            History workerHistory = History.open(url);
            var consumer = KafkaSetup.consumer(broker.bootstrap(), "shared", "w", PollSizing.forSecondsPerImage(1),
                    Map.of());
            var producer = KafkaSetup.producer(broker.bootstrap(), "w", Map.of());
            FleetWorker worker = new FleetWorker(FleetWorker.Config.of("shared-in", "shared-in.results",
                    "shared-in.dead", 0.5, "sha-w", "w"), new StubInspector(1), workerHistory, consumer, producer,
                    new WorkerMetrics(), line -> { });
            Thread thread = new Thread(worker, "worker");
            thread.start();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try (RequestPublisher publisher = new RequestPublisher(broker.bootstrap(), "shared-in", Map.of())) {
                Future<?> upA = pool.submit(() -> upload(a, dark, UPLOADS));
                Future<?> upB = pool.submit(() -> upload(b, dark, UPLOADS));
                for (int i = 0; i < REQUESTS; i++) {
                    publisher.send(InspectionRequest.of("r" + i, bright.toString()));
                }
                publisher.flush();
                upA.get();
                upB.get();
            }
            FleetTopics.readUntil(broker.bootstrap(), "shared-in.results", read -> read.size() >= REQUESTS,
                    Duration.ofSeconds(60));
            assertTrue(worker.stop(Duration.ofSeconds(30)));
            producer.close();
            workerHistory.close();
            pool.shutdown();

            int total = 2 * UPLOADS + REQUESTS;
            JsonNode fromA = history(a);
            JsonNode fromB = history(b);
            assertEquals(total, fromA.get("items").size(), "replica A sees every inspection");
            assertEquals(ids(fromA), ids(fromB), "both replicas show the same history");
            assertEquals(total, new HashSet<>(ids(fromA)).size());
            assertNewestFirst(fromA.get("items"));
            long ng = 0;
            for (JsonNode item : fromA.get("items")) {
                ng += item.get("verdict").asText().equals("NG") ? 1 : 0;
            }
            assertEquals(REQUESTS, ng, "the worker's bright images are the NG ones");
            assertEquals(REQUESTS, fromB.get("counts").get("ng").asLong());
            a.stop();
            b.stop();
        }
    }

    private static StationServer station(String url) throws InterruptedException {
        StationServer.Config config = StationServer.Config.defaults(null, 0.5).withAddress("127.0.0.1", 0);
        StationServer s = new StationServer(config, new StubInspector(1), History.open(url)).start();
        assertTrue(s.awaitReady(Duration.ofSeconds(30)));
        return s;
    }

    private static Void upload(StationServer s, byte[] png, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/api/v1/inspect"))
                    .header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(png)).build();
            HttpResponse<String> r = HTTP.send(post, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
        }
        return null;
    }

    private static JsonNode history(StationServer s) throws Exception {
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port()
                + "/api/v1/history?limit=500&since=2000-01-01T00:00:00Z")).build();
        HttpResponse<String> r = HTTP.send(get, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return FleetTopics.JSON.readTree(r.body());
    }

    private static List<Long> ids(JsonNode history) {
        List<Long> ids = new ArrayList<>();
        history.get("items").forEach(item -> ids.add(item.get("id").asLong()));
        return ids;
    }

    private static void assertNewestFirst(JsonNode items) {
        for (int i = 1; i < items.size(); i++) {
            Instant before = Instant.parse(items.get(i - 1).get("time").asText());
            Instant after = Instant.parse(items.get(i).get("time").asText());
            long idBefore = items.get(i - 1).get("id").asLong();
            long idAfter = items.get(i).get("id").asLong();
            assertTrue(before.isAfter(after) || (before.equals(after) && idBefore > idAfter),
                    "item " + i + " is older than item " + (i - 1));
        }
    }
}
