package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.testing.Fixtures;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code adclip serve --log-file}: a real server in a child JVM (logging is set once per process) writes one line
 * per request with method, path, status, milliseconds and client, and errors with their reason.
 */
class ServeLogTest {
    @TempDir Path tmp;

    @Test
    void eachRequestGetsOneLogLine() throws Exception {
        Path golden = Fixtures.goldenV1();
        try (TinyStationModel ignored = TinyStationModel.load(tmp)) { // imports tmp/tiny.adclip
            // the bundle stays on disk; the child loads it again
        }
        Path log = tmp.resolve("logs/station.log");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "-Dai.djl.offline=true", Main.class.getName(), "serve",
                "--bundle", tmp.resolve("tiny.adclip").toString(), "--weights", golden.resolve("tiny-clip.pt").toString(),
                "--cache", tmp.resolve("cache").toString(), "--port", "0", "--history", tmp.resolve("h.db").toString(),
                "--log-file", log.toString(), "--log-level", "info");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        int port = -1;
        StringBuilder out = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                out.append(line).append('\n');
                Matcher m = Pattern.compile("adclip serve: http://[^:]+:(\\d+)/").matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
                if (line.contains("adclip serve: ready")) {
                    break;
                }
            }
            assertTrue(port > 0, out.toString());
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            HttpResponse<String> bad = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/api/v1/inspect")).header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("hello")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(415, bad.statusCode());
        } finally {
            process.destroy(); // SIGTERM: graceful stop
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        }
        List<String> logged = Files.readAllLines(log);
        List<String> healthLines = logged.stream().filter(l -> l.contains("/health")).toList();
        assertEquals(1, healthLines.size(), String.join("\n", logged));
        assertTrue(healthLines.get(0).matches(".*INFO .*GET /health 200 \\d+\\.\\d ms 127\\.0\\.0\\.1$"),
                healthLines.get(0));
        List<String> inspectLines = logged.stream().filter(l -> l.contains("/api/v1/inspect")).toList();
        assertEquals(1, inspectLines.size(), String.join("\n", logged));
        assertTrue(inspectLines.get(0).matches(".*POST /api/v1/inspect 415 \\d+\\.\\d ms 127\\.0\\.0\\.1 - send the "
                + "image as multipart.*"), inspectLines.get(0));
    }
}
