package com.adclip.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop's ordering with Kafka's mock clients, where the test decides when the broker acknowledges: the
 * history is written and the result produced before the offset is committed, never after; a failed produce
 * commits nothing and the same request is tried again.
 */
class FleetWorkerCommitTest {
    private static final TopicPartition IN = new TopicPartition("in", 0);

    @TempDir Path tmp;
    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    private final MockProducer<String, byte[]> producer = new MockProducer<>(false, null, new StringSerializer(),
            new ByteArraySerializer());
    private final MemoryHistory history = new MemoryHistory();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private FleetWorker worker;
    private byte[] record;

    @BeforeEach
    void start() throws Exception {
        Path image = Files.write(tmp.resolve("a.png"), StubInspector.png(200, 8));
        record = InspectionRequest.of("r1", image.toString()).toJson();
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(IN));
            consumer.updateBeginningOffsets(Map.of(IN, 0L));
            consumer.addRecord(new ConsumerRecord<>("in", 0, 0, "r1", record));
        });
        FleetWorker.Config config = new FleetWorker.Config("in", "out", "dead", 0.5, "sha", "w", 1 << 20,
                Duration.ofMillis(10), Duration.ofMillis(50));
        worker = new FleetWorker(config, new StubInspector(0), history, consumer, producer, new WorkerMetrics(),
                log::add);
        new Thread(worker, "worker").start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        assertTrue(worker.stop(Duration.ofSeconds(10)));
    }

    private OffsetAndMetadata committed() {
        return consumer.committed(Set.of(IN)).get(IN);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "timed out waiting for " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void theOffsetIsCommittedOnlyAfterTheBrokerHasTheResult() throws Exception {
        await(() -> producer.history().size() == 1, "the result sent");
        assertEquals(1, history.all().size(), "the history is written before the result is sent");
        Thread.sleep(200);
        assertNull(committed(), "nothing committed while the result is unacknowledged");
        assertTrue(producer.completeNext());
        await(() -> committed() != null, "the commit");
        assertEquals(1, committed().offset());
        assertEquals("out", producer.history().get(0).topic());
        assertEquals("r1", producer.history().get(0).key());
    }

    @Test
    void aFailedProduceCommitsNothingAndTheRequestIsTriedAgain() throws Exception {
        await(() -> producer.history().size() == 1, "the first attempt");
        assertTrue(producer.errorNext(new TimeoutException("broker unreachable")));
        await(() -> log.stream().anyMatch(l -> l.contains("retrying")), "the retry");
        assertEquals(0, consumer.position(IN), "the worker seeks back to the failed request");
        consumer.addRecord(new ConsumerRecord<>("in", 0, 0, "r1", record)); // as the broker refetches it
        await(() -> producer.history().size() == 2, "the second attempt");
        assertNull(committed(), "the failed attempt committed nothing");
        assertTrue(producer.completeNext());
        await(() -> committed() != null, "the commit");
        assertEquals(1, committed().offset());
        assertEquals(1, history.all().size(), "the retry found its history row: still one");
        assertEquals(2, history.adds);
        assertTrue(log.stream().anyMatch(l -> l.contains("retrying") && l.contains("broker unreachable")),
                log.toString());
    }
}
