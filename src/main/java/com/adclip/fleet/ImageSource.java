package com.adclip.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;

/**
 * Turns a request's image reference into a file the inspector can read: a shared path as it is, an http(s) URL
 * or inline bytes into a private temporary file. Whatever cannot be had is a {@link PoisonException} with the
 * reason; images larger than the limit are refused before they are read whole.
 */
final class ImageSource implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** A file to inspect, deleted on close when it was a temporary copy. */
    record Fetched(Path file, boolean temporary) implements AutoCloseable {
        @Override
        public void close() {
            if (temporary) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }

    private final long maxBytes;
    private final Path scratch;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    /** @param maxBytes the largest image accepted */
    ImageSource(long maxBytes) throws IOException {
        this.maxBytes = maxBytes;
        this.scratch = Files.createTempDirectory("adclip-worker");
    }

    Fetched fetch(InspectionRequest request) throws InterruptedException {
        if (request.imageBase64() != null) {
            return inline(request.imageBase64());
        }
        String ref = request.image();
        String lower = ref.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return download(ref);
        }
        if (lower.matches("^[a-z][a-z0-9+.-]*://.*")) {
            throw new PoisonException("unsupported image reference " + ref + ": give a file path or an http(s) URL");
        }
        return new Fetched(sharedFile(ref), false);
    }

    private Fetched inline(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new PoisonException("image_base64 is not valid base64: " + e.getMessage());
        }
        checkSize(bytes.length);
        return write(bytes);
    }

    private Path sharedFile(String ref) {
        Path file;
        try {
            file = Path.of(ref).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new PoisonException("not a usable path: " + ref);
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new PoisonException("no readable image file at " + ref);
        }
        try {
            checkSize(Files.size(file));
        } catch (IOException e) {
            throw new PoisonException("cannot read " + ref + ": " + e.getMessage());
        }
        return file;
    }

    private Fetched download(String url) throws InterruptedException {
        HttpRequest get;
        try {
            get = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build();
        } catch (IllegalArgumentException e) {
            throw new PoisonException("not a usable URL: " + url);
        }
        try {
            HttpResponse<InputStream> response = http.send(get, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new PoisonException("GET " + url + " answered HTTP " + response.statusCode());
                }
                long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (declared > maxBytes) {
                    checkSize(declared);
                }
                byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                checkSize(bytes.length);
                return write(bytes);
            }
        } catch (IOException e) {
            throw new PoisonException("cannot download " + url + ": " + e.getMessage(), e);
        }
    }

    private void checkSize(long size) {
        if (size > maxBytes) {
            throw new PoisonException("the image is larger than the limit of " + maxBytes + " bytes"
                    + " (" + size + (size == maxBytes + 1 ? "+" : "") + " bytes)");
        }
        if (size == 0) {
            throw new PoisonException("the image is empty");
        }
    }

    private Fetched write(byte[] bytes) {
        try {
            Path file = Files.createTempFile(scratch, "image-", ".img");
            Files.write(file, bytes);
            return new Fetched(file, true);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a temporary image file: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try (var files = Files.list(scratch)) {
            files.forEach(f -> new Fetched(f, true).close());
            Files.deleteIfExists(scratch);
        } catch (IOException e) {
            // temporary files: the OS cleans up
        }
    }
}
