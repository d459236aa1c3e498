package com.adclip.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.AdclipException;
import com.adclip.testing.KafkaBroker;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workers against a real in-process Kafka broker (KRaft), with a stand-in model and history in memory. */
class FleetWorkerKafkaTest {
    @TempDir static Path tmp;
    private static KafkaBroker broker;
    private static Path dark;
    private static Path bright;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaBroker.shared();
        dark = Files.write(tmp.resolve("dark.png"), StubInspector.png(30, 16)); // score 30/255: OK
        bright = Files.write(tmp.resolve("bright.png"), StubInspector.png(230, 16)); // score 230/255: NG
    }

    /** A worker running on its own thread, with what it logged. */
    private record Running(FleetWorker worker, Thread thread, List<String> log, Producer<String, byte[]> producer,
            WorkerMetrics metrics) {
        boolean assigned() {
            for (int i = log.size() - 1; i >= 0; i--) {
                if (log.get(i).startsWith("assigned ")) {
                    return !log.get(i).equals("assigned []");
                }
            }
            return false;
        }
    }

    private static Running worker(String topic, String group, String name, MemoryHistory history) {
        Map<String, String> fast = Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "500");
        var consumer = KafkaSetup.consumer(broker.bootstrap(), group, name, PollSizing.forSecondsPerImage(0.5), fast);
        var producer = KafkaSetup.producer(broker.bootstrap(), name, Map.of());
        List<String> log = new CopyOnWriteArrayList<>();
        FleetWorker.Config config = FleetWorker.Config.of(topic, topic + ".results", topic + ".dead", 0.5,
                "abc123", name);
        WorkerMetrics metrics = new WorkerMetrics();
        FleetWorker worker = new FleetWorker(config, new StubInspector(2), history, consumer, producer, metrics,
                log::add);
        Thread thread = new Thread(worker, name);
        thread.start();
        return new Running(worker, thread, log, producer, metrics);
    }

    private static void topics(String topic, int partitions, Map<String, String> configs) throws Exception {
        broker.createTopic(topic, partitions, configs);
        broker.createTopic(topic + ".results", 3, Map.of());
        broker.createTopic(topic + ".dead", 1, Map.of());
    }

    private static void await(java.util.function.BooleanSupplier condition, Duration max, String what)
            throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    private static void stopAll(List<Running> workers) throws InterruptedException {
        for (Running r : workers) {
            assertTrue(r.worker().stop(Duration.ofSeconds(30)), "the worker leaves the group in time");
            r.producer().close();
        }
    }

    private static String scrape(int port) throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    private static Map<String, List<JsonNode>> byKey(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, List<JsonNode>> out = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            out.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(FleetTopics.json(r));
        }
        return out;
    }

    @Test
    void threeWorkersAnswerEveryRequestOnceWithOneHistoryRow() throws Exception {
        String topic = "inspect-three";
        topics(topic, 6, Map.of());
        MemoryHistory history = new MemoryHistory();
        List<Running> workers = List.of(worker(topic, "line1", "w1", history), worker(topic, "line1", "w2", history),
                worker(topic, "line1", "w3", history));
        await(() -> workers.stream().allMatch(Running::assigned), Duration.ofSeconds(60), "three assignments");
        int n = 300;
        try (RequestPublisher publisher = new RequestPublisher(broker.bootstrap(), topic, Map.of())) {
            for (int i = 0; i < n; i++) {
                publisher.send(InspectionRequest.of("req-" + i, (i % 3 == 0 ? bright : dark).toString()));
            }
            publisher.flush();
        }
        List<ConsumerRecord<String, byte[]>> results = FleetTopics.readUntil(broker.bootstrap(), topic + ".results",
                read -> read.size() >= n, Duration.ofSeconds(60));
        try (Admin admin = broker.admin()) {
            await(() -> {
                try {
                    return FleetTopics.uncommitted(admin, "line1", topic) == 0;
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofSeconds(20), "every offset committed");
        }
        stopAll(workers);

        Map<String, List<JsonNode>> answers = byKey(results);
        assertEquals(n, answers.size(), "one result key per request");
        Set<String> answeredBy = new HashSet<>();
        for (int i = 0; i < n; i++) {
            List<JsonNode> answer = answers.get("req-" + i);
            assertNotNull(answer, "req-" + i + " answered");
            assertEquals(1, answer.size(), "req-" + i + " answered once without failures");
            JsonNode r = answer.get(0);
            assertEquals(i % 3 == 0 ? "NG" : "OK", r.get("verdict").asText(), r.toString());
            assertEquals(i % 3 == 0 ? 230 / 255.0 : 30 / 255.0, r.get("score").asDouble(), 1e-9);
            assertEquals("req-" + i, r.get("request_id").asText());
            assertEquals("abc123", r.get("bundle_sha256").asText());
            assertEquals("stub", r.get("model").asText());
            answeredBy.add(r.get("worker").asText());
        }
        assertEquals(Set.of("w1", "w2", "w3"), answeredBy, "the group shares the partitions");
        assertEquals(n, history.all().size(), "one history row per request");
        assertEquals(n, history.all().stream().map(e -> e.requestId()).distinct().count());
        assertTrue(history.all().stream().allMatch(e -> "abc123".equals(e.bundleSha256())));
        for (Running r : workers) {
            assertTrue(r.log().stream().noneMatch(l -> l.startsWith("poison")), r.log().toString());
        }
    }

    @Test
    void poisonMessagesGoToTheDeadLetterTopicWhileTheRestFlows() throws Exception {
        String topic = "inspect-poison";
        topics(topic, 2, Map.of());
        Path notImage = Files.writeString(tmp.resolve("notes.png"), "not a picture");
        MemoryHistory history = new MemoryHistory();
        Running worker = worker(topic, "line2", "p1", history);
        int metricsPort = worker.metrics().serve("127.0.0.1", 0);
        try (RequestPublisher publisher = new RequestPublisher(broker.bootstrap(), topic, Map.of())) {
            for (int i = 0; i < 10; i++) {
                publisher.send(InspectionRequest.of("ok-" + i, dark.toString()));
            }
            publisher.sendRaw("bad-json", "{\"id\": \"bad-json\", \"image\": ".getBytes(StandardCharsets.UTF_8));
            publisher.send(InspectionRequest.of("missing", tmp.resolve("nowhere.png").toString()));
            publisher.send(InspectionRequest.of("not-image", notImage.toString()));
            publisher.send(InspectionRequest.of("bad-url", "ftp://example.invalid/x.png"));
            for (int i = 10; i < 20; i++) {
                publisher.send(InspectionRequest.of("ok-" + i, bright.toString()));
            }
            publisher.flush();
        }
        List<ConsumerRecord<String, byte[]>> results = FleetTopics.readUntil(broker.bootstrap(), topic + ".results",
                read -> read.size() >= 24, Duration.ofSeconds(60));
        List<ConsumerRecord<String, byte[]>> dead = FleetTopics.readUntil(broker.bootstrap(), topic + ".dead",
                read -> read.size() >= 4, Duration.ofSeconds(30));
        String metrics = scrape(metricsPort);
        stopAll(List.of(worker));
        worker.metrics().close();

        assertTrue(metrics.contains("adclip_worker_requests_total{outcome=\"OK\"} 10.0"), metrics);
        assertTrue(metrics.contains("adclip_worker_requests_total{outcome=\"NG\"} 10.0"), metrics);
        assertTrue(metrics.contains("adclip_worker_requests_total{outcome=\"error\"} 4.0"), metrics);
        assertTrue(metrics.contains("adclip_worker_errors_total{kind=\"poison\"} 4.0"), metrics);
        assertTrue(metrics.contains("adclip_worker_lag "), metrics);
        assertTrue(metrics.contains("adclip_worker_assigned_partitions 2.0"), metrics);
        Map<String, List<JsonNode>> answers = byKey(results);
        assertEquals(24, answers.size(), answers.keySet().toString());
        for (int i = 0; i < 20; i++) {
            assertEquals(i < 10 ? "OK" : "NG", answers.get("ok-" + i).get(0).get("verdict").asText());
        }
        assertTrue(answers.get("bad-json").get(0).get("error").asText().contains("not a JSON request"),
                answers.get("bad-json").toString());
        assertTrue(answers.get("missing").get(0).get("error").asText().contains("no readable image file"));
        assertTrue(answers.get("not-image").get(0).get("error").asText().contains("not a supported image"));
        assertTrue(answers.get("bad-url").get(0).get("error").asText().contains("unsupported image reference"));
        assertEquals(Set.of("bad-json", "missing", "not-image", "bad-url"),
                new HashSet<>(dead.stream().map(ConsumerRecord::key).toList()));
        for (ConsumerRecord<String, byte[]> d : dead) {
            assertNotNull(d.headers().lastHeader(FleetWorker.ERROR_HEADER), "the reason travels with the message");
        }
        assertEquals(20, history.all().size(), "poison messages leave no history row");
    }

    @Test
    void inlineImagesFitTheTopicOrGetAClearError() throws Exception {
        String topic = "inspect-inline";
        topics(topic, 1, Map.of("max.message.bytes", "20000"));
        MemoryHistory history = new MemoryHistory();
        Running worker = worker(topic, "line3", "i1", history);
        try (RequestPublisher publisher = new RequestPublisher(broker.bootstrap(), topic, Map.of())) {
            assertEquals(20000, publisher.maxMessageBytes());
            byte[] small = StubInspector.png(230, 16);
            publisher.send(InspectionRequest.inline("inline-small", "small.png", small)).get();
            byte[] noisy = new byte[30000];
            new java.util.Random(1).nextBytes(noisy);
            AdclipException tooLarge = assertThrows(AdclipException.class,
                    () -> publisher.send(InspectionRequest.inline("inline-large", "large.png", noisy)));
            assertTrue(tooLarge.getMessage().contains("more than the limit") && tooLarge.getMessage()
                    .contains("send its path or URL instead"), tooLarge.getMessage());
        }
        List<ConsumerRecord<String, byte[]>> results = FleetTopics.readUntil(broker.bootstrap(), topic + ".results",
                read -> !read.isEmpty(), Duration.ofSeconds(60));
        stopAll(List.of(worker));
        assertEquals(1, results.size());
        JsonNode r = FleetTopics.json(results.get(0));
        assertEquals("NG", r.get("verdict").asText(), r.toString());
        assertEquals("small.png", r.get("name").asText());
        assertEquals(1, history.all().size());
    }
}
