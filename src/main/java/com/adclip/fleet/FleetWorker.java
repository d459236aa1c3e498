package com.adclip.fleet;

import com.adclip.Inspection;
import com.adclip.AdclipException;
import com.adclip.serve.History;
import com.adclip.serve.Inspector;
import com.adclip.serve.InspectionAnswer;
import com.adclip.serve.Renderings;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The worker loop: poll requests, inspect each, write the history, produce one result keyed by the request id,
 * then commit that request's offset (at-least-once: nothing is committed before its result is produced and its
 * history row written).
 *
 * <ul>
 *   <li>A redelivered request (after a crash or a rebalance) is inspected again and answered again under the
 *       history row it already has: the request id keeps one row, and a consumer of the results keeps the first
 *       result per key.
 *   <li>A poison message (bad JSON, a missing or unreadable image) gets an error result, and its original bytes
 *       go to the dead-letter topic with the reason in header {@code adclip.error}; then it is committed, so it
 *       never blocks its partition.
 *   <li>A transient failure (the history database or Kafka unreachable) commits nothing: the worker seeks back,
 *       waits and tries the request again.
 *   <li>{@link #stop} (from a SIGTERM hook) lets the image in hand finish and be committed, then the consumer
 *       closes and leaves the group at once, so its partitions move without waiting for a session timeout.
 * </ul>
 *
 * The consumer and producer are given (configured by {@link KafkaSetup} or a test); the consumer must not
 * auto-commit. Only the thread that runs {@link #run} touches the consumer.
 */
public final class FleetWorker implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String ERROR_HEADER = "adclip.error";
    static final String SOURCE_HEADER = "adclip.source";

    /**
     * What a worker does.
     *
     * @param topic the input topic
     * @param resultsTopic results go here, keyed by request id
     * @param deadLetterTopic poison messages go here as they came
     * @param threshold the image threshold for requests that give none
     * @param bundleSha256 the sha256 of the bundle, recorded in every result and history row
     * @param workerId names this worker in results and logs
     * @param maxImageBytes the largest image accepted
     * @param pollTimeout the longest one poll waits for requests
     * @param retryDelay the wait before a request that failed transiently is tried again
     */
    public record Config(String topic, String resultsTopic, String deadLetterTopic, double threshold,
            String bundleSha256, String workerId, long maxImageBytes, Duration pollTimeout, Duration retryDelay) {
        public Config {
            if (topic == null || resultsTopic == null || deadLetterTopic == null) {
                throw new IllegalArgumentException("the input, results and dead-letter topics are required");
            }
            if (topic.equals(resultsTopic) || topic.equals(deadLetterTopic)) {
                throw new IllegalArgumentException("the results and dead-letter topics must differ from the input");
            }
            if (!(threshold >= 0 && threshold <= 1) || maxImageBytes < 1) {
                throw new IllegalArgumentException("threshold must be in [0, 1] and the image limit positive");
            }
        }

        /** 25 MB images, 1 s polls, 2 s between retries. */
        public static Config of(String topic, String resultsTopic, String deadLetterTopic, double threshold,
                String bundleSha256, String workerId) {
            return new Config(topic, resultsTopic, deadLetterTopic, threshold, bundleSha256, workerId,
                    25L * 1024 * 1024, Duration.ofSeconds(1), Duration.ofSeconds(2));
        }
    }

    private final Config config;
    private final Inspector inspector;
    private final History history;
    private final org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer;
    private final Producer<String, byte[]> producer;
    private final ImageSource images;
    private final WorkerMetrics metrics;
    private final Consumer<String> log;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean running = true;

    /**
     * @param log one line per notable event (assignments, poison messages, retries)
     */
    public FleetWorker(Config config, Inspector inspector, History history,
            org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer, Producer<String, byte[]> producer,
            WorkerMetrics metrics, Consumer<String> log) {
        this.config = config;
        this.inspector = inspector;
        this.history = history;
        this.consumer = consumer;
        this.producer = producer;
        this.metrics = metrics;
        this.log = log;
        try {
            this.images = new ImageSource(config.maxImageBytes());
        } catch (java.io.IOException e) {
            throw new AdclipException("cannot create a temporary folder for images: " + e.getMessage(), e);
        }
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(config.topic()), new Assignments());
            while (running) {
                ConsumerRecords<String, byte[]> records;
                try {
                    records = consumer.poll(config.pollTimeout());
                } catch (WakeupException e) {
                    continue; // stop() woke the poll: the loop condition ends it
                }
                updateLag();
                handleBatch(records);
            }
        } finally {
            try {
                consumer.close(Duration.ofSeconds(10)); // leaves the group: partitions move at once
            } catch (KafkaException e) {
                log.accept("closing the consumer: " + e.getMessage());
            }
            images.close();
            finished.countDown();
        }
    }

    /** Stops after the image in hand; returns once the consumer has left the group (or the wait ran out). */
    public boolean stop(Duration wait) throws InterruptedException {
        running = false;
        consumer.wakeup();
        return finished.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void handleBatch(ConsumerRecords<String, byte[]> records) {
        for (ConsumerRecord<String, byte[]> record : records) {
            if (!running) {
                return; // not committed: the group's next owner gets the rest
            }
            try {
                handle(record);
            } catch (TransientException e) {
                metrics.error("transient");
                log.accept("request at " + source(record) + " failed, retrying in " + config.retryDelay().toMillis()
                        + " ms: " + e.getMessage());
                retryLater(record);
                return;
            }
            commit(record);
        }
    }

    /** A failure of the infrastructure, not of the message: the request is tried again. */
    private static final class TransientException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TransientException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        InspectionRequest request;
        try {
            request = InspectionRequest.parse(record.value());
        } catch (PoisonException e) {
            poison(record, record.key() != null ? record.key() : source(record), e.getMessage());
            return;
        }
        boolean seen = findQuietly(request.id());
        if (seen) {
            metrics.redelivered();
        }
        Inspection inspection;
        try (ImageSource.Fetched image = images.fetch(request)) {
            inspection = inspector.inspect(image.file());
        } catch (PoisonException | Inspector.ImageRejectedException | AdclipException e) {
            poison(record, request.id(), e.getMessage());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientException("interrupted", e);
        } catch (RuntimeException e) {
            poison(record, request.id(), "inspection failed: " + e);
            return;
        }
        answer(record, request, inspection);
    }

    private boolean findQuietly(String id) {
        try {
            return history.findByRequestId(id).isPresent();
        } catch (RuntimeException e) {
            throw new TransientException("history read: " + e.getMessage(), e);
        }
    }

    private void answer(ConsumerRecord<String, byte[]> record, InspectionRequest request,
            Inspection inspection) {
        double threshold = request.threshold() != null ? request.threshold() : config.threshold();
        InspectionAnswer answer = InspectionAnswer.of(inspection, threshold, inspector); // Verdict.of at this threshold
        String verdict = answer.verdict().name();
        History.Entry entry = new History.Entry(0, Instant.now(), request.displayName(),
                inspection.prediction().score(), verdict, threshold, inspection.millis(),
                inspection.prediction().regions().size(), Renderings.thumbnail(inspection, inspector), request.id(),
                config.bundleSha256(), History.topType(inspection.types(), verdict));
        History.Entry stored;
        try {
            stored = history.add(entry);
        } catch (RuntimeException e) {
            throw new TransientException("history write: " + e.getMessage(), e);
        }
        FleetAnswer out = new FleetAnswer(answer, stored.id(), request.id(), request.displayName(),
                config.bundleSha256(), config.workerId(), stored.time().toString());
        send(new ProducerRecord<>(config.resultsTopic(), request.id(), bytes(out)));
        metrics.answered(verdict, inspection.millis() / 1000);
    }

    /** An error result to the results topic and the message as it came to the dead-letter topic. */
    private void poison(ConsumerRecord<String, byte[]> record, String id, String reason) {
        metrics.error("poison");
        log.accept("poison message at " + source(record) + " (" + id + "): " + reason);
        FleetAnswer.Error out = new FleetAnswer.Error(id, reason, 400, source(record), config.bundleSha256(),
                config.workerId());
        ProducerRecord<String, byte[]> dead = new ProducerRecord<>(config.deadLetterTopic(), record.key(),
                record.value());
        dead.headers().add(ERROR_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        dead.headers().add(SOURCE_HEADER, source(record).getBytes(StandardCharsets.UTF_8));
        send(dead);
        send(new ProducerRecord<>(config.resultsTopic(), id, bytes(out)));
        metrics.answered("error", -1);
    }

    /** Sends and waits for the broker's acknowledgement. */
    private void send(ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get();
        } catch (ExecutionException e) {
            throw new TransientException("producing to " + record.topic() + ": " + e.getCause().getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientException("interrupted while producing", e);
        } catch (KafkaException e) {
            throw new TransientException("producing to " + record.topic() + ": " + e.getMessage(), e);
        }
    }

    private void commit(ConsumerRecord<String, byte[]> record) {
        Map<TopicPartition, OffsetAndMetadata> offset = Map.of(new TopicPartition(record.topic(), record.partition()),
                new OffsetAndMetadata(record.offset() + 1));
        try {
            try {
                consumer.commitSync(offset);
            } catch (WakeupException e) {
                consumer.commitSync(offset); // stop() woke us while committing: the image is done, commit it
            }
        } catch (CommitFailedException | RebalanceInProgressException e) {
            log.accept("partition " + record.topic() + "-" + record.partition() + " moved before its commit; its "
                    + "new owner answers " + source(record) + " again, under the same request id");
        }
    }

    private void retryLater(ConsumerRecord<String, byte[]> record) {
        try {
            consumer.seek(new TopicPartition(record.topic(), record.partition()), record.offset());
        } catch (IllegalStateException e) {
            return; // no longer assigned: its new owner takes it
        }
        try {
            Thread.sleep(config.retryDelay().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void updateLag() {
        long total = 0;
        for (TopicPartition tp : consumer.assignment()) {
            total += consumer.currentLag(tp).orElse(0);
        }
        metrics.lag(total, consumer.assignment().size());
    }

    private static String source(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    private static byte[] bytes(Object answer) {
        try {
            return JSON.writeValueAsBytes(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an answer as JSON", e);
        }
    }

    private final class Assignments implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            log.accept("assigned " + names(consumer.assignment()));
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                log.accept("revoked " + names(partitions));
            }
        }

        private String names(Collection<TopicPartition> partitions) {
            return partitions.stream().map(TopicPartition::toString).sorted().toList().toString();
        }
    }
}
