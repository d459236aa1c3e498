package com.adclip.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.Inspection;
import com.adclip.cli.TinyStationModel;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.Reader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A station and a hot folder over a bundle with defect types (the golden tiny model, text path only): the REST
 * answer has {@code types} per image and region, as the inspection has them; the hot-folder CSV has the top type of
 * NG images in its {@code type} column.
 */
class StationTypesTest {
    private static final Set<String> NAMES = Set.of("scratch", "dent", "unknown");
    @TempDir static Path tmp;
    private static TinyStationModel model;
    private static StationServer server;
    private static Http http;

    @BeforeAll
    static void start() throws InterruptedException {
        model = TinyStationModel.typed(tmp, "scratch,dent=bump|indentation");
        StationServer.Config config = StationServer.Config.defaults(tmp.resolve("history.db"), model.threshold())
                .withAddress("127.0.0.1", 0).withBundle(model.bundle());
        server = new StationServer(config, model.inspector()).start();
        assertTrue(server.awaitReady(Duration.ofSeconds(60)), "the model warms up");
        http = new Http(server.port(), null);
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

    @Test
    void theAnswerCarriesTheInspectionsTypesPerImageAndRegion() throws Exception {
        assertEquals(List.of("scratch", "dent"), model.detector().defectTypes());
        for (int n = 0; n < 4; n++) {
            Path image = TinyStationModel.image(n);
            HttpResponse<String> response = http.postRaw("/api/v1/inspect", "image/png", Files.readAllBytes(image));
            assertEquals(200, response.statusCode(), response.body());
            JsonNode body = Http.json(response);
            Inspection direct = model.detector().inspect(image);
            assertTypes(direct.types().probabilities(), body.get("types"));
            assertEquals(direct.regions().size(), body.get("regions").size());
            for (int r = 0; r < direct.regions().size(); r++) {
                assertTypes(direct.regions().get(r).types().probabilities(), body.get("regions").get(r).get("types"));
            }
            List<String> fields = new ArrayList<>();
            body.fieldNames().forEachRemaining(fields::add);
            assertEquals(fields.indexOf("model") + 1, fields.indexOf("types"), "types follows model: " + fields);
            JsonNode latest = Http.json(http.get("/api/v1/history?limit=1")).get("items").get(0);
            assertEquals(body.get("id").asLong(), latest.get("id").asLong());
            if ("NG".equals(body.get("verdict").asText())) {
                assertEquals(direct.types().top(), latest.get("type").asText(), "the history keeps the top type");
            } else {
                assertFalse(latest.has("type"), "OK answers record no type: " + latest);
            }
        }
    }

    private static void assertTypes(java.util.Map<String, Double> expected, JsonNode actual) {
        assertTrue(actual != null && actual.isObject(), String.valueOf(actual));
        Iterator<String> names = actual.fieldNames();
        for (java.util.Map.Entry<String, Double> e : expected.entrySet()) {
            String name = names.next();
            assertEquals(e.getKey(), name, "same order: " + actual);
            assertTrue(NAMES.contains(name), name);
            assertEquals(e.getValue(), actual.get(name).asDouble(), 1e-12);
        }
    }

    @Test
    void theHotFolderCsvHasTheTopTypeOfNgImages() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        List<String> expected = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
            Files.copy(TinyStationModel.image(n), in.resolve("img" + n + ".png"));
            Inspection direct = model.detector().inspect(TinyStationModel.image(n));
            expected.add(direct.verdict().name() + ":" + (direct.verdict() == com.adclip.Verdict.NG
                    ? direct.types().top() : ""));
        }
        Path results = tmp.resolve("results.csv");
        FolderWatcher.Config config = new FolderWatcher.Config(in, tmp.resolve("ok"), tmp.resolve("ng"),
                in.resolve("error"), results, false, Duration.ofMillis(1));
        try (FolderWatcher watcher = new FolderWatcher(config, model.inspector())) {
            for (int i = 0; i < 3; i++) {
                watcher.pollOnce(() -> true);
            }
        }
        List<CSVRecord> rows;
        try (Reader reader = Files.newBufferedReader(results)) {
            rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(reader)
                    .getRecords();
        }
        List<String> header = new ArrayList<>(FolderWatcher.COLUMNS);
        header.add("type");
        assertEquals(header, Files.readAllLines(results).get(0).lines().flatMap(l -> List.of(l.split(",")).stream())
                .toList());
        assertEquals(4, rows.size());
        List<String> actual = new ArrayList<>();
        for (CSVRecord row : rows) {
            actual.add(row.get("file") + "=" + row.get("verdict") + ":" + row.get("type"));
        }
        actual.sort(null);
        List<String> want = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
            want.add("img" + n + ".png=" + expected.get(n));
        }
        assertEquals(want, actual);
        assertTrue(expected.stream().anyMatch(e -> e.startsWith("NG:") && e.length() > 3),
                "at least one NG image has a type: " + expected);
    }

}
