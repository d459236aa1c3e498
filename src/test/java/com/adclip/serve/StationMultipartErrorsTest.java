package com.adclip.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed or oversized multipart requests get 400 / 413 naming what is wrong and the real limit, never 500. */
class StationMultipartErrorsTest {
    private static final String BOUNDARY = "b0undary-x";
    @TempDir static Path tmp;
    private static StationServer server;
    private static Http http;

    @BeforeAll
    static void start() throws InterruptedException {
        StationServer.Config config = StationServer.Config.defaults(tmp.resolve("h.db"), 0.5)
                .withAddress("127.0.0.1", 0);
        server = new StationServer(config, new GatedInspector()).start();
        assertTrue(server.awaitReady(Duration.ofSeconds(10)));
        http = new Http(server.port(), null);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static byte[] png() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }

    private static String part(String name, String fileName) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
                + (fileName == null ? "" : "; filename=\"" + fileName + "\"") + "\r\n\r\n";
    }

    private static byte[] body(String head, byte[] content) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    private static HttpResponse<String> post(String contentType, byte[] body) throws Exception {
        return http.postRaw("/api/v1/inspect", contentType, body);
    }

    private static void assertError(HttpResponse<String> r, int status, String... words) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        String error = Http.json(r).get("error").asText();
        for (String word : words) {
            assertTrue(error.contains(word), "'" + error + "' should say '" + word + "'");
        }
    }

    @Test
    void theValidRequestWorks() throws Exception {
        assertEquals(200, post("multipart/form-data; boundary=" + BOUNDARY, body(part("image", "a.png"), png()))
                .statusCode());
    }

    @Test
    void missingEmptyOrWrongBoundaryIs400() throws Exception {
        byte[] body = body(part("image", "a.png"), png());
        assertError(post("multipart/form-data", body), 400, "boundary");
        assertError(post("multipart/form-data; boundary=", body), 400, "boundary");
        assertError(post("multipart/form-data; boundary=something-else", body), 400, "multipart");
    }

    @Test
    void tooManyPartsNamesTheLimit() throws Exception {
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < 1100; i++) {
            head.append(part("f" + i, null)).append("x\r\n");
        }
        head.append(part("image", "a.png"));
        assertError(post("multipart/form-data; boundary=" + BOUNDARY, body(head.toString(), png())), 413,
                "too many parts", "1000");
    }

    @Test
    void aHugePartHeaderNamesTheLimit() throws Exception {
        String head = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n"
                + "X-Padding: " + "p".repeat(9000) + "\r\n\r\n";
        HttpResponse<String> r = post("multipart/form-data; boundary=" + BOUNDARY, body(head, png()));
        assertError(r, 413, "part header", "998");
        assertTrue(!r.body().contains("26214400"), r.body());
    }

    @Test
    void aHugeFileNameNamesTheLimit() throws Exception {
        HttpResponse<String> r = post("multipart/form-data; boundary=" + BOUNDARY,
                body(part("image", "n".repeat(5000) + ".png"), png()));
        assertError(r, 413, "file name", "998");
        assertTrue(!r.body().contains("26214400"), r.body());
    }
}
