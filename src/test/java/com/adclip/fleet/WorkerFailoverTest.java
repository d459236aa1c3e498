package com.adclip.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.cli.TinyStationModel;
import com.adclip.testing.Fixtures;
import com.adclip.testing.KafkaBroker;
import com.adclip.testing.PostgresServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code adclip worker} processes (child JVMs on the golden tiny model) share a six-partition topic; one is
 * killed with SIGKILL in the middle. The group rebalances, every request still gets its result, and the shared
 * PostgreSQL history keeps one row per request. SIGTERM then stops the others gracefully.
 */
class WorkerFailoverTest {
    /** Fewer than the in-process test's 300: real model calls in three JVMs on a shared two-core machine. */
    private static final int REQUESTS = 120;

    @TempDir Path tmp;

    @Test
    void aKilledWorkersRequestsAreAnsweredByTheRestOfTheGroup() throws Exception {
        Path golden = Fixtures.goldenV1();
        Path bundle;
        try (TinyStationModel model = TinyStationModel.load(tmp)) {
            bundle = model.bundle();
        }
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(bundle)));
        KafkaBroker broker = KafkaBroker.shared();
        try (PostgresServer postgres = PostgresServer.start()) {
            String history = postgres.createDatabase("failover");
            broker.createTopic("camera", 6, Map.of());
            broker.createTopic("camera.results", 3, Map.of());
            broker.createTopic("camera.dead-letter", 1, Map.of());
            List<WorkerProcess> children = new ArrayList<>();
            try {
                for (int i = 1; i <= 3; i++) {
                    children.add(WorkerProcess.start("c" + i, broker.bootstrap(), "camera", "line", history, bundle,
                            golden));
                }
                WorkerProcess.awaitAssigned(children, 120);
                try (RequestPublisher publisher = new RequestPublisher(broker.bootstrap(), "camera", Map.of())) {
                    for (int i = 0; i < REQUESTS; i++) {
                        publisher.send(InspectionRequest.of("cam-" + i,
                                golden.resolve("images/img" + (i % 4) + ".png").toString()));
                    }
                    publisher.flush();
                }
                FleetTopics.readUntil(broker.bootstrap(), "camera.results",
                        read -> read.stream().anyMatch(r -> FleetTopics.json(r).path("worker").asText().equals("c1")),
                        Duration.ofSeconds(90));
                children.get(0).process().destroyForcibly(); // SIGKILL: no goodbye to the group
                assertTrue(children.get(0).process().waitFor(10, TimeUnit.SECONDS));

                List<ConsumerRecord<String, byte[]>> results = FleetTopics.readUntil(broker.bootstrap(),
                        "camera.results", read -> keys(read).size() >= REQUESTS, Duration.ofSeconds(240));
                Map<String, List<JsonNode>> byKey = new HashMap<>();
                for (ConsumerRecord<String, byte[]> r : results) {
                    byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(FleetTopics.json(r));
                }
                assertEquals(REQUESTS, byKey.size(),
                        "every request answered; logs: " + WorkerProcess.logs(children));
                Set<String> workers = new HashSet<>();
                for (int i = 0; i < REQUESTS; i++) {
                    List<JsonNode> answers = byKey.get("cam-" + i);
                    assertNotNull(answers, "cam-" + i);
                    Set<Long> rows = new HashSet<>();
                    for (JsonNode a : answers) {
                        assertTrue(a.path("error").isMissingNode(), a.toString());
                        assertEquals(sha, a.get("bundle_sha256").asText(), "the result names the bundle that made it");
                        rows.add(a.get("id").asLong());
                        workers.add(a.get("worker").asText());
                    }
                    assertEquals(1, rows.size(), "a repeated answer of cam-" + i + " points at the same history row");
                }
                assertTrue(workers.containsAll(Set.of("c2", "c3")), workers.toString());
                try (Connection c = DriverManager.getConnection(history); Statement s = c.createStatement();
                        ResultSet r = s.executeQuery("SELECT count(*), count(DISTINCT request_id), "
                                + "count(*) FILTER (WHERE bundle_sha256 = '" + sha + "') FROM inspections")) {
                    r.next();
                    assertEquals(REQUESTS, r.getLong(1), "one history row per request");
                    assertEquals(REQUESTS, r.getLong(2));
                    assertEquals(REQUESTS, r.getLong(3));
                }
                for (WorkerProcess survivor : children.subList(1, 3)) {
                    // SIGTERM: finish, commit, leave the group (not Process.destroy(), which closes our end of
                    // the child's output before its last lines arrive)
                    new ProcessBuilder("kill", "-TERM", Long.toString(survivor.process().pid())).start().waitFor();
                }
                for (WorkerProcess survivor : children.subList(1, 3)) {
                    assertTrue(survivor.process().waitFor(60, TimeUnit.SECONDS), survivor.name() + " stops");
                }
                for (WorkerProcess survivor : children.subList(1, 3)) {
                    awaitLine(survivor, "left the group");
                }
            } finally {
                children.forEach(ch -> ch.process().destroyForcibly());
            }
        }
    }

    private static Set<String> keys(List<ConsumerRecord<String, byte[]>> read) {
        Set<String> keys = new HashSet<>();
        read.forEach(r -> keys.add(r.key()));
        return keys;
    }

    private static void awaitLine(WorkerProcess child, String text) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (child.log().stream().noneMatch(l -> l.contains(text))) {
            assertTrue(System.nanoTime() < end, child.name() + " (exit " + child.process().exitValue()
                    + ") never said '" + text + "': " + child.log());
            Thread.sleep(50);
        }
    }
}
