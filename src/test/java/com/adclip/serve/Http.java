package com.adclip.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small java.net.http client for station tests (loopback only). */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOUNDARY = "adclip-test-boundary-7f3a";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String key;

    Http(int port, String key) {
        this.base = "http://127.0.0.1:" + port;
        this.key = key;
    }

    Http withKey(String other) {
        return new Http(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), other);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (key != null) {
            b.header("X-API-Key", key);
        }
        return b;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
        return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> postRaw(String path, String contentType, byte[] body) throws IOException,
            InterruptedException {
        return client.send(request(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
        return postRaw(path, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> postMultipart(String path, String field, String fileName, byte[] content)
            throws IOException, InterruptedException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\""
                + fileName + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return postRaw(path, "multipart/form-data; boundary=" + BOUNDARY, body.toByteArray());
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    /** The value of an unlabelled metric from /metrics, or -1. */
    double metric(String name) {
        try {
            for (String line : get("/metrics").body().split("\n")) {
                if (line.startsWith(name + " ")) {
                    return Double.parseDouble(line.substring(name.length() + 1).trim());
                }
            }
            return -1;
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }
}
