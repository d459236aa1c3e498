package com.adclip.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.adclip.anomaly.Bundle;
import com.adclip.cli.TinyStationModel;
import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The station's API over real HTTP on loopback, with the golden tiny CLIP and a bundle imported from the golden checkpoint. */
class StationApiTest {
    private static final String KEY = "test-key-123";
    private static final long MAX_BYTES = 64 * 1024;
    private static final long MAX_PIXELS = 10_000;

    @TempDir static Path tmp;
    private static TinyStationModel model;
    private static StationServer server;
    private static Http http;

    @BeforeAll
    static void start() throws InterruptedException {
        model = TinyStationModel.load(tmp);
        server = newServer();
        http = new Http(server.port(), KEY);
    }

    private static StationServer newServer() throws InterruptedException {
        StationServer.Config config = StationServer.Config.defaults(tmp.resolve("history.db"), model.threshold())
                .withAddress("127.0.0.1", 0).withApiKey(KEY).withLimits(MAX_BYTES, MAX_PIXELS)
                .withBundle(model.bundle());
        StationServer s = new StationServer(config, model.inspector()).start();
        assertTrue(s.awaitReady(Duration.ofSeconds(60)), "the model warms up");
        return s;
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
        if (model != null) {
            model.close();
        }
    }

    private static byte[] golden(int n) throws IOException {
        return Files.readAllBytes(TinyStationModel.image(n));
    }

    @Test
    void healthAndReadyNeedNoKey() throws Exception {
        Http anonymous = http.withKey(null);
        assertEquals(200, anonymous.get("/health").statusCode());
        HttpResponse<String> ready = anonymous.get("/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        assertEquals("ready", Http.json(ready).get("status").asText());
        assertEquals(200, anonymous.get("/openapi.json").statusCode());
        assertEquals("3.0.3", Http.json(anonymous.get("/openapi.json")).get("openapi").asText());
        HttpResponse<String> page = anonymous.get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("station.js"));
    }

    @Test
    void everyApiCallNeedsTheKey() throws Exception {
        HttpResponse<String> none = http.withKey(null).postRaw("/api/v1/inspect", "image/png", golden(0));
        assertEquals(401, none.statusCode(), none.body());
        assertTrue(Http.json(none).get("error").asText().contains("X-API-Key"));
        assertEquals(401, http.withKey("wrong").get("/api/v1/history").statusCode());
        assertEquals(401, http.withKey("wrong").get("/api/v1/info").statusCode());
        assertEquals(401, http.withKey(null).postJson("/api/v1/threshold", "{\"threshold\":0.5}").statusCode());
        assertEquals(200, http.get("/api/v1/info").statusCode());
    }

    @Test
    void inspectsAMultipartUploadLikeTheReference() throws Exception {
        HttpResponse<String> response = http.postMultipart("/api/v1/inspect?overlay=true&map=true", "image",
                "part.png", golden(0));
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = Http.json(response);
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> expected = Fixtures.npz(manager, Fixtures.goldenV1().resolve("expected.npz"));
            float[] probs = expected.get("image_probs").toFloatArray();
            assertEquals(probs[1], body.get("score").asDouble(), 1e-4, "the reference's score of img0");
            assertEquals(probs[0], body.get("probabilities").get("normal").asDouble(), 1e-4);
        }
        double threshold = body.get("threshold").asDouble();
        assertEquals(server.threshold(), threshold, 1e-12, "the station's threshold by default");
        assertEquals(body.get("score").asDouble() >= threshold ? "NG" : "OK", body.get("verdict").asText());
        assertEquals("tiny.adclip", body.get("model").asText());
        assertTrue(body.get("ms").asDouble() > 0);
        assertTrue(body.get("regions").isArray());
        assertEquals(null, body.get("types"), "a bundle without defect types answers without types");
        for (JsonNode region : body.get("regions")) {
            assertEquals(4, region.get("box").size());
            assertTrue(region.get("area").asInt() > 0);
            assertEquals(null, region.get("types"));
        }
        BufferedImage overlay = ImageIO.read(new ByteArrayInputStream(
                Base64.getDecoder().decode(body.get("overlay").asText())));
        assertEquals(48, overlay.getWidth());
        assertEquals(48, overlay.getHeight());
        JsonNode map = body.get("map");
        assertTrue(map.get("width").asInt() <= 64 && map.get("height").asInt() <= 64);
        assertEquals(map.get("width").asInt() * map.get("height").asInt(),
                Base64.getDecoder().decode(map.get("data").asText()).length);
    }

    @Test
    void rawBodyGivesTheSameAnswerAsMultipart() throws Exception {
        JsonNode raw = Http.json(http.postRaw("/api/v1/inspect", "image/png", golden(2)));
        JsonNode multipart = Http.json(http.postMultipart("/api/v1/inspect", "image", "x.png", golden(2)));
        assertEquals(multipart.get("score").asDouble(), raw.get("score").asDouble(), 1e-9);
        assertEquals(60, raw.get("width").asInt());
        assertEquals(40, raw.get("height").asInt());
        assertFalse(raw.has("overlay"));
        assertFalse(raw.has("map"));
        JsonNode strict = Http.json(http.postRaw("/api/v1/inspect?threshold=0", "image/png", golden(2)));
        assertEquals("NG", strict.get("verdict").asText(), "a request's own threshold applies");
    }

    @Test
    void contentIsSniffedNotTrusted() throws Exception {
        HttpResponse<String> junk = http.postMultipart("/api/v1/inspect", "image", "looks.png",
                "just some text, not an image".getBytes());
        assertEquals(415, junk.statusCode(), junk.body());
        HttpResponse<String> text = http.postRaw("/api/v1/inspect", "text/plain", golden(0));
        assertEquals(415, text.statusCode(), text.body());
        byte[] png = golden(1);
        HttpResponse<String> truncated = http.postRaw("/api/v1/inspect", "image/png",
                java.util.Arrays.copyOf(png, png.length / 2));
        assertEquals(400, truncated.statusCode(), truncated.body());
        assertFalse(Http.json(truncated).get("error").asText().contains("adclip-uploads"), "no server paths leak");
        assertEquals(400, http.postRaw("/api/v1/inspect", "image/png", new byte[0]).statusCode());
        assertEquals(400, http.postMultipart("/api/v1/inspect", "file", "a.png", png).statusCode());
        assertEquals(400, http.postRaw("/api/v1/inspect?threshold=2", "image/png", png).statusCode());
    }

    @Test
    void uploadAndPixelLimitsAnswer413() throws Exception {
        byte[] big = new byte[(int) MAX_BYTES + 10];
        new Random(1).nextBytes(big);
        System.arraycopy(golden(0), 0, big, 0, 16);
        assertEquals(413, http.postRaw("/api/v1/inspect", "image/png", big).statusCode());
        assertEquals(413, http.postMultipart("/api/v1/inspect", "image", "big.png", big).statusCode());
        BufferedImage wide = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB); // 20 000 px, few bytes
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(wide, "png", png);
        assertTrue(png.size() < MAX_BYTES);
        HttpResponse<String> pixels = http.postRaw("/api/v1/inspect", "image/png", png.toByteArray());
        assertEquals(413, pixels.statusCode(), pixels.body());
        assertTrue(Http.json(pixels).get("error").asText().contains("megapixels"));
    }

    @Test
    void metricsCountRequestsVerdictsAndQueue() throws Exception {
        http.postRaw("/api/v1/inspect", "image/png", golden(3));
        http.postRaw("/api/v1/inspect", "text/plain", golden(3));
        HttpResponse<String> metrics = http.withKey(null).get("/metrics");
        assertEquals(200, metrics.statusCode());
        String text = metrics.body();
        assertTrue(text.contains("adclip_http_requests_total{route=\"inspect\",status=\"200\"}"), text);
        assertTrue(text.contains("adclip_http_requests_total{route=\"inspect\",status=\"415\"}"), text);
        assertTrue(text.contains("adclip_http_request_duration_seconds_bucket"), text);
        assertTrue(text.contains("adclip_inspections_total{verdict="), text);
        assertTrue(text.contains("adclip_queue_depth 0"), text);
    }

    @Test
    void historySurvivesARestartAndThresholdsAreSavedIntoTheBundle() throws Exception {
        JsonNode inspected = Http.json(http.postMultipart("/api/v1/inspect", "image", "../../etc/passwd.png",
                golden(1)));
        long id = inspected.get("id").asLong();
        server.stop();
        server = newServer();
        http = new Http(server.port(), KEY);
        JsonNode history = Http.json(http.get("/api/v1/history?limit=200&since=2000-01-01T00:00:00Z"));
        JsonNode found = null;
        for (JsonNode item : history.get("items")) {
            if (item.get("id").asLong() == id) {
                found = item;
            }
        }
        assertNotNull(found, "inspection " + id + " is in the history after a restart");
        assertEquals("passwd.png", found.get("name").asText(), "names are display-only, without folders");
        assertTrue(found.get("thumbnail").asText().startsWith("data:image/jpeg;base64,"));
        JsonNode counts = history.get("counts");
        assertTrue(counts.get("ok").asLong() + counts.get("ng").asLong() >= 1);
        assertEquals(400, http.get("/api/v1/history?limit=0").statusCode());

        HttpResponse<String> bad = http.postJson("/api/v1/threshold", "{\"threshold\": 1.5}");
        assertEquals(400, bad.statusCode(), bad.body());
        HttpResponse<String> saved = http.postJson("/api/v1/threshold", "{\"threshold\": 0.25}");
        assertEquals(200, saved.statusCode(), saved.body());
        assertTrue(Files.exists(model.bundle().resolveSibling("tiny.adclip.bak")));
        try (NDManager manager = NDManager.newBaseManager()) {
            Bundle reloaded = Bundle.load(model.bundle(), manager);
            assertEquals(0.25, reloaded.manifest().thresholds().image(), 1e-12);
            assertEquals("operator", reloaded.manifest().thresholds().imageStrategy());
            Bundle old = Bundle.load(model.bundle().resolveSibling("tiny.adclip.bak"), manager);
            assertEquals(model.threshold(), old.manifest().thresholds().image(), 1e-12);
            assertEquals(old.prompts().keySet(), reloaded.prompts().keySet());
        }
        assertEquals(0.25, Http.json(http.postRaw("/api/v1/inspect", "image/png", golden(1))).get("threshold")
                .asDouble(), 1e-12, "the saved threshold applies at once");
    }
}
