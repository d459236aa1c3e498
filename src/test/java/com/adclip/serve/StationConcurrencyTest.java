package com.adclip.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.Inspection;
import com.adclip.Outcome;
import com.adclip.cli.TinyStationModel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests decoded on their own threads, while the model runs, get the answers they get one at a time: the same
 * score, verdict, probabilities, regions, map and overlay, each for its own image, and an unusable image among
 * them is still refused on its own. The model is held until every image is prepared, so the concurrent round
 * really has them all waiting at once. Without batching (the default) the answers are the same to the bit; in
 * batches of several, libtorch's batched kernels may round the last float32 bit of a number differently (seen:
 * the normal-class probability 0.006470898 vs 0.006470901), so numbers are compared to 1e-6 relative (a few
 * float32 ulps, far below the golden tolerances) and everything else exactly.
 */
class StationConcurrencyTest {
    private static final double FLOAT32_ROUNDING = 1e-6;

    @TempDir Path tmp;

    @Test
    void concurrentRequestsGetTheSequentialAnswersToTheBit() throws Exception {
        concurrentAsSequential(1);
    }

    @Test
    void batchedRequestsGetTheSequentialAnswers() throws Exception {
        concurrentAsSequential(4);
    }

    private void concurrentAsSequential(int maxBatch) throws Exception {
        try (TinyStationModel model = TinyStationModel.load(tmp)) {
            byte[][] images = new byte[9][];
            for (int i = 0; i < images.length; i++) {
                images[i] = i == 4 ? truncated(TinyStationModel.image(1)) : Files.readAllBytes(
                        TinyStationModel.image(i % 4));
            }
            HeldInspector held = new HeldInspector(Inspector.of(model.detector(), maxBatch));
            StationServer.Config config = StationServer.Config.defaults(tmp.resolve("history.db"), model.threshold())
                    .withAddress("127.0.0.1", 0).withQueue(images.length, Duration.ofSeconds(120));
            StationServer server = new StationServer(config, held).start();
            try {
                assertTrue(server.awaitReady(Duration.ofSeconds(60)), "the model warms up");
                Http http = new Http(server.port(), null);
                List<String> sequential = new ArrayList<>();
                for (byte[] image : images) {
                    sequential.add(answer(http, image));
                }
                assertTrue(held.largestBatch.get() == 1, "one request at a time runs alone");

                held.holdUntilPrepared(images.length);
                ExecutorService clients = Executors.newFixedThreadPool(images.length);
                try {
                    List<Future<String>> concurrent = new ArrayList<>();
                    for (byte[] image : images) {
                        concurrent.add(clients.submit(() -> answer(http, image)));
                    }
                    for (int i = 0; i < images.length; i++) {
                        String alone = sequential.get(i);
                        String together = concurrent.get(i).get(120, TimeUnit.SECONDS);
                        if (maxBatch == 1) {
                            assertEquals(alone, together, "image " + i + " concurrently as alone");
                        } else {
                            same(alone, together, "image " + i);
                        }
                    }
                } finally {
                    clients.shutdownNow();
                }
                assertEquals(maxBatch, held.largestBatch.get(), "waiting images ran as batches of up to "
                        + maxBatch);
            } finally {
                server.stop();
            }
        }
    }

    /** The answer's status and JSON without the fields that differ by run (times and the history id). */
    private static String answer(Http http, byte[] image) throws Exception {
        HttpResponse<String> response = http.postRaw("/api/v1/inspect?map=true&overlay=true", "image/png", image);
        if (response.statusCode() != 200) {
            return response.statusCode() + " " + response.body();
        }
        JsonNode json = Http.json(response);
        ((ObjectNode) json).remove(List.of("ms", "total_ms", "id"));
        return "200 " + json;
    }

    /** The same status, the same JSON with numbers equal up to float32 rounding. */
    private static void same(String alone, String together, String what) throws Exception {
        assertEquals(alone.substring(0, 4), together.substring(0, 4), what + ": " + together);
        if (!alone.startsWith("200 ")) {
            assertEquals(alone, together, what);
            return;
        }
        same(Http.JSON.readTree(alone.substring(4)), Http.JSON.readTree(together.substring(4)), what);
    }

    private static void same(JsonNode alone, JsonNode together, String where) {
        if (alone.isNumber() && together.isNumber()) {
            double a = alone.asDouble();
            assertEquals(a, together.asDouble(), FLOAT32_ROUNDING * Math.abs(a), where);
            return;
        }
        assertEquals(alone.getNodeType(), together.getNodeType(), where);
        assertEquals(alone.size(), together.size(), where + " size");
        if (alone.isObject()) {
            alone.fieldNames().forEachRemaining(name -> {
                assertTrue(together.has(name), where + "." + name + " is there");
                same(alone.get(name), together.get(name), where + "." + name);
            });
        } else if (alone.isArray()) {
            for (int i = 0; i < alone.size(); i++) {
                same(alone.get(i), together.get(i), where + "[" + i + "]");
            }
        } else {
            assertEquals(alone, together, where);
        }
    }

    /** A PNG cut after its header: it passes the size check and fails to decode. */
    private static byte[] truncated(Path png) throws Exception {
        byte[] bytes = Files.readAllBytes(png);
        return Arrays.copyOf(bytes, 60);
    }

    /** The real inspector, its model held until a given number of images were prepared; records batch sizes. */
    private static final class HeldInspector extends ForwardingInspector {
        private final AtomicInteger prepared = new AtomicInteger();
        private volatile CountDownLatch hold = new CountDownLatch(0);
        final AtomicInteger largestBatch = new AtomicInteger();

        HeldInspector(Inspector inner) {
            super(inner);
        }

        void holdUntilPrepared(int images) {
            hold = new CountDownLatch(images);
        }

        @Override
        public Prepared prepare(Path image) {
            Prepared ready = inner.prepare(image);
            hold.countDown();
            return ready;
        }

        @Override
        public List<Outcome> inspectPrepared(List<Prepared> batch) {
            try {
                assertTrue(hold.await(60, TimeUnit.SECONDS), "every image is prepared");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            largestBatch.accumulateAndGet(batch.size(), Math::max);
            return inner.inspectPrepared(batch);
        }
    }
}
