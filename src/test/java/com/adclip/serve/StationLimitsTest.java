package com.adclip.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inference queue's bound, the request timeout, graceful shutdown: a gated stand-in model over real HTTP. */
class StationLimitsTest {
    @TempDir Path tmp;
    private final GatedInspector model = new GatedInspector();
    private StationServer server;

    @AfterEach
    void stop() {
        model.open();
        if (server != null) {
            server.stop();
        }
    }

    private Http start(int queue, Duration timeout, String key) throws InterruptedException {
        StationServer.Config config = StationServer.Config.defaults(tmp.resolve("h.db"), 0.5)
                .withAddress("127.0.0.1", 0).withQueue(queue, timeout).withApiKey(key);
        server = new StationServer(config, model).start();
        assertTrue(server.awaitReady(Duration.ofSeconds(10)));
        return new Http(server.port(), key);
    }

    private static byte[] png() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }

    private CompletableFuture<HttpResponse<String>> async(Http http) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return http.postRaw("/api/v1/inspect", "image/png", png());
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "timed out waiting");
            Thread.sleep(10);
        }
    }

    @Test
    void aFullQueueAnswers503WithRetryAfter() throws Exception {
        Http http = start(1, Duration.ofSeconds(20), null);
        int warm = model.entered.get();
        model.close();
        CompletableFuture<HttpResponse<String>> running = async(http);
        waitFor(() -> model.entered.get() == warm + 1);
        CompletableFuture<HttpResponse<String>> queued = async(http);
        waitFor(() -> http.metric("adclip_queue_depth") == 2);
        HttpResponse<String> refused = http.postRaw("/api/v1/inspect", "image/png", png());
        assertEquals(503, refused.statusCode(), refused.body());
        assertTrue(refused.headers().firstValue("Retry-After").isPresent());
        model.open();
        assertEquals(200, running.get().statusCode());
        assertEquals(200, queued.get().statusCode());
    }

    @Test
    void aSlowInspectionAnswers504() throws Exception {
        Http http = start(4, Duration.ofMillis(300), null);
        model.close();
        HttpResponse<String> slow = http.postRaw("/api/v1/inspect", "image/png", png());
        assertEquals(504, slow.statusCode(), slow.body());
        model.open();
    }

    @Test
    void stoppingFinishesRequestsInFlight() throws Exception {
        Http http = start(4, Duration.ofSeconds(20), null);
        int warm = model.entered.get();
        model.close();
        CompletableFuture<HttpResponse<String>> inFlight = async(http);
        waitFor(() -> model.entered.get() == warm + 1);
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::stop);
        Thread.sleep(200);
        assertTrue(!stopping.isDone(), "stop waits for the request in flight");
        HttpResponse<String> late = http.get("/ready");
        assertEquals(503, late.statusCode(), "a draining station is not ready");
        model.open();
        HttpResponse<String> finished = inFlight.get();
        assertEquals(200, finished.statusCode(), finished.body());
        assertEquals("NG", Http.json(finished).get("verdict").asText());
        stopping.get();
        server = null;
    }

    @Test
    void savingTheThresholdNeedsAnApiKeyAndABundle() throws Exception {
        Http open = start(4, Duration.ofSeconds(5), null);
        assertEquals(403, open.postJson("/api/v1/threshold", "{\"threshold\":0.3}").statusCode());
        server.stop();
        Http keyed = start(4, Duration.ofSeconds(5), "k");
        assertEquals(409, keyed.postJson("/api/v1/threshold", "{\"threshold\":0.3}").statusCode());
        assertEquals(404, keyed.get("/api/v1/watch").statusCode());
    }

    /** The 8-byte signature and an IHDR of a PNG: all the station reads before refusing an image. */
    private static byte[] pngHeader(int width, int height, int bitDepth, int colorType) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        java.io.DataOutputStream h = new java.io.DataOutputStream(ihdr);
        h.write("IHDR".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        h.writeInt(width);
        h.writeInt(height);
        h.write(new byte[] {(byte) bitDepth, (byte) colorType, 0, 0, 0});
        byte[] chunk = ihdr.toByteArray();
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(chunk);
        out.writeInt(chunk.length - 4);
        out.write(chunk);
        out.writeInt((int) crc.getValue());
        return bytes.toByteArray();
    }

    @Test
    void anImageWhoseRawDecodeExceedsTheBudgetAnswers413BeforeTheModelSeesIt() throws Exception {
        Http http = start(4, Duration.ofSeconds(5), null);
        int before = model.entered.get();
        HttpResponse<String> bomb = http.postRaw("/api/v1/inspect", "image/png", pngHeader(6300, 6300, 16, 6));
        assertEquals(413, bomb.statusCode(), bomb.body());
        assertEquals("the image decodes to 317.5 MB (6300 x 6300, 4 channels of 16 bits), more than the limit of "
                + "160.0 MB (--max-decoded-mb)", Http.json(bomb).get("error").asText());
        assertEquals(before, model.entered.get(), "the model never saw it");
    }
}
