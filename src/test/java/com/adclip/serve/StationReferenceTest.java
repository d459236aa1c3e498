package com.adclip.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.BundleManifest;
import com.adclip.cli.TinyStationModel;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /api/v1/reference}: the station adds the current image to its bundle's bank. */
class StationReferenceTest {
    private static final String KEY = "ref-key-456";

    @TempDir static Path tmp;
    private static TinyStationModel model;
    private static StationServer server;
    private static Http http;

    @BeforeAll
    static void start() throws InterruptedException {
        model = TinyStationModel.load(tmp, 0);
        StationServer.Config config = StationServer.Config.defaults(tmp.resolve("history.db"), model.threshold())
                .withAddress("127.0.0.1", 0).withApiKey(KEY).withBundle(model.bundle());
        server = new StationServer(config, model.inspector(), model.references()).start();
        assertTrue(server.awaitReady(Duration.ofSeconds(60)));
        http = new Http(server.port(), KEY);
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

    private static double score(int image) throws Exception {
        HttpResponse<String> r = http.postMultipart("/api/v1/inspect", "image", "img.png",
                Files.readAllBytes(TinyStationModel.image(image)));
        assertEquals(200, r.statusCode(), r.body());
        return Http.json(r).get("score").asDouble();
    }

    @Test
    void withABankTheOperatorsThresholdIsSavedAsTheFusedOne() throws Exception {
        BundleManifest.Thresholds prompt;
        try (NDManager manager = NDManager.newBaseManager()) {
            prompt = Bundle.load(model.bundle(), manager).manifest().thresholds();
        }
        HttpResponse<String> saved = http.postJson("/api/v1/threshold", "{\"threshold\": 0.37}");
        assertEquals(200, saved.statusCode(), saved.body());
        try (NDManager manager = NDManager.newBaseManager()) {
            BundleManifest manifest = Bundle.load(model.bundle(), manager).manifest();
            assertEquals(prompt, manifest.thresholds(), "the prompt-only thresholds are untouched");
            assertEquals(0.37, manifest.reference().thresholds().image(), 0);
            assertEquals("operator", manifest.reference().thresholds().imageStrategy());
            assertEquals(model.inspector().mapThreshold(), manifest.reference().thresholds().pixel(), 0);
        }
    }

    @Test
    void anInspectedImageBecomesAReferenceSavedAtomicallyAndUsedAtOnce() throws Exception {
        JsonNode info = Http.json(http.get("/api/v1/info"));
        assertTrue(info.get("reference_saving").asBoolean(), info.toString());
        double before = score(2);
        byte[] bytes = Files.readAllBytes(TinyStationModel.image(2));
        assertEquals(401, http.withKey(null).postMultipart("/api/v1/reference", "image", "part-2.png", bytes)
                .statusCode(), "the key is required");
        HttpResponse<String> added = http.postMultipart("/api/v1/reference", "image", "part-2.png", bytes);
        assertEquals(200, added.statusCode(), added.body());
        JsonNode body = Http.json(added);
        assertEquals(2, body.get("images").asInt());
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        assertEquals(sha, body.get("sha256").asText());
        assertEquals("tiny.adclip.bak", body.get("backup").asText());
        // the bundle on disk has the new bank, the backup the old one
        try (NDManager manager = NDManager.newBaseManager()) {
            BundleManifest.Reference saved = Bundle.load(model.bundle(), manager).manifest().reference();
            assertEquals(2, saved.images().size());
            assertEquals("part-2.png", saved.images().get(1).name());
            assertEquals(sha, saved.images().get(1).sha256());
            assertEquals(1, Bundle.load(tmp.resolve("tiny.adclip.bak"), manager).manifest().reference().images()
                    .size());
        }
        // the running model uses it: image 2 is now in the bank, so its score drops to half the prompt score
        double after = score(2);
        assertTrue(after < before, before + " -> " + after);
        // the same image again is refused with the reason
        HttpResponse<String> again = http.postMultipart("/api/v1/reference", "image", "again.png", bytes);
        assertEquals(400, again.statusCode(), again.body());
        assertTrue(again.body().contains("already a reference image"), again.body());
        assertFalse(Files.list(tmp).anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }
}
