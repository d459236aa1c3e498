package com.adclip.fleet;

import com.adclip.AdclipException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The camera side: sends {@link InspectionRequest}s keyed by id. Before sending, a request with its image inline
 * is checked against the topic's message limit ({@code max.message.bytes}, and the producer's
 * {@code max.request.size}), with a clear error beyond it instead of Kafka's.
 */
public final class RequestPublisher implements AutoCloseable {
    /** Room for the record's key, headers and batch framing. */
    static final int OVERHEAD_BYTES = 1024;

    private final String topic;
    private final Producer<String, byte[]> producer;
    private final int maxMessageBytes;

    public RequestPublisher(String bootstrap, String topic, Map<String, String> extra) {
        this.topic = topic;
        this.maxMessageBytes = Math.min(topicLimit(bootstrap, topic, extra),
                Integer.parseInt(extra.getOrDefault(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "1048576")));
        this.producer = KafkaSetup.producer(bootstrap, "adclip-requests", extra);
    }

    private static int topicLimit(String bootstrap, String topic, Map<String, String> extra) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.putAll(extra);
        try (Admin admin = Admin.create(p)) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            return Integer.parseInt(config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value());
        } catch (ExecutionException e) {
            throw new AdclipException("cannot read the settings of topic " + topic + " at " + bootstrap + ": "
                    + e.getCause().getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdclipException("interrupted", e);
        }
    }

    /** The largest request this topic takes. */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** Sends a request; the future completes when the broker has it. */
    public Future<RecordMetadata> send(InspectionRequest request) {
        byte[] value = request.toJson();
        if (value.length + request.id().length() + OVERHEAD_BYTES > maxMessageBytes) {
            throw new AdclipException("request " + request.id() + " is " + value.length + " bytes"
                    + (request.imageBase64() != null ? " with its image inline (base64)" : "") + ", more than the "
                    + "limit of " + (maxMessageBytes - OVERHEAD_BYTES) + " bytes on topic " + topic
                    + " (max.message.bytes " + maxMessageBytes + "); put the image on storage the workers share and "
                    + "send its path or URL instead");
        }
        return producer.send(new ProducerRecord<>(topic, request.id(), value));
    }

    /** Sends raw bytes (for tools and tests that need a message that is not a request). */
    public Future<RecordMetadata> sendRaw(String key, byte[] value) {
        return producer.send(new ProducerRecord<>(topic, key, value));
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
