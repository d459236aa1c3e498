package com.adclip.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.Detector;
import com.adclip.Verdict;
import com.adclip.cli.TinyStationModel;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The threshold changes at run time (through the station's API, then through the detector) and the Java API, the
 * station's REST answer and the hot folder give the same verdict for the same image, right at the boundary.
 */
class VerdictAgreementTest {
    private static final String KEY = "agreement-key";

    @TempDir Path tmp;

    @Test
    void apiStationAndHotFolderFollowTheRunTimeThreshold() throws Exception {
        try (TinyStationModel model = TinyStationModel.load(tmp)) {
            Detector detector = model.detector();
            Path image = TinyStationModel.image(1);
            byte[] bytes = Files.readAllBytes(image);
            double score = detector.inspect(image).score();
            StationServer.Config config = StationServer.Config.defaults(tmp.resolve("history.db"), model.threshold())
                    .withAddress("127.0.0.1", 0).withApiKey(KEY).withBundle(model.bundle());
            StationServer server = new StationServer(config, model.inspector()).start();
            Path in = Files.createDirectories(tmp.resolve("in"));
            FolderWatcher.Config folders = new FolderWatcher.Config(in, tmp.resolve("ok"), tmp.resolve("ng"),
                    tmp.resolve("error"), tmp.resolve("results.csv"), false, Duration.ofMillis(10));
            try (FolderWatcher watcher = new FolderWatcher(folders, model.inspector())) {
                assertTrue(server.awaitReady(Duration.ofSeconds(60)), "the model warms up");
                Http http = new Http(server.port(), KEY);

                HttpResponse<String> saved = http.postJson("/api/v1/threshold",
                        "{\"threshold\": " + Math.nextUp(score) + "}");
                assertEquals(200, saved.statusCode(), saved.body());
                assertEquals(Math.nextUp(score), detector.threshold(), "the station's threshold is the detector's");
                agree(Verdict.OK, detector, http, watcher, folders, image, bytes, "a.png");

                detector.setThreshold(score);
                assertEquals(score, server.threshold(), "the detector's threshold is the station's");
                agree(Verdict.NG, detector, http, watcher, folders, image, bytes, "b.png");

                detector.setThreshold(Math.nextDown(score));
                agree(Verdict.NG, detector, http, watcher, folders, image, bytes, "c.png");
            } finally {
                server.stop();
            }
        }
    }

    private static void agree(Verdict expected, Detector detector, Http http, FolderWatcher watcher,
            FolderWatcher.Config folders, Path image, byte[] bytes, String name) throws Exception {
        assertEquals(expected, detector.inspect(image).verdict(), "Java API at " + detector.threshold());
        HttpResponse<String> answer = http.postRaw("/api/v1/inspect", "image/png", bytes);
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(expected.name(), Http.json(answer).get("verdict").asText(), "station at " + detector.threshold());
        assertEquals(detector.threshold(), Http.json(answer).get("threshold").asDouble(), "the threshold it used");
        Files.copy(image, folders.in().resolve(name));
        watcher.pollOnce(() -> true);
        watcher.pollOnce(() -> true);
        Path folder = expected == Verdict.NG ? folders.ng() : folders.ok();
        assertTrue(Files.exists(folder.resolve(name)), name + " is in " + folder + " (hot folder at "
                + detector.threshold() + ")");
    }
}
