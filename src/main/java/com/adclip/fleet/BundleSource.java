package com.adclip.fleet;

import com.adclip.AdclipException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The bundle every worker of a fleet loads: a path or an http(s) URL (downloaded into a folder first), checked
 * against an expected sha256 when one is given. Its sha256 is recorded in every result.
 */
public final class BundleSource {
    private BundleSource() {}

    /** A local bundle file and its sha256. */
    public record Resolved(Path file, String sha256) {}

    /**
     * @param spec a path or an http(s) URL
     * @param expectedSha256 the digest the bundle must have, or null
     * @param downloads where a URL's bundle is saved
     */
    public static Resolved resolve(String spec, String expectedSha256, Path downloads) {
        String lower = spec.toLowerCase(Locale.ROOT);
        Path file = lower.startsWith("http://") || lower.startsWith("https://") ? download(spec, downloads)
                : Path.of(spec);
        if (!Files.isRegularFile(file)) {
            throw AdclipException.usage("no bundle file at " + spec, null);
        }
        String sha = sha256(file);
        if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(sha)) {
            throw AdclipException.usage("the bundle " + spec + " has sha256 " + sha + ", not the expected "
                    + expectedSha256.toLowerCase(Locale.ROOT) + " (--bundle-sha256): a different or damaged bundle",
                    null);
        }
        return new Resolved(file, sha);
    }

    public static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new AdclipException("cannot read the bundle " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path download(String url, Path downloads) {
        String name = url.substring(url.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        try {
            Files.createDirectories(downloads);
            Path part = Files.createTempFile(downloads, "bundle-", ".part");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
                    .followRedirects(HttpClient.Redirect.NORMAL).build();
            HttpResponse<Path> response = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofFile(part));
            if (response.statusCode() != 200) {
                Files.deleteIfExists(part);
                throw AdclipException.usage("cannot download the bundle " + url + ": HTTP " + response.statusCode(),
                        null);
            }
            Path file = downloads.resolve(name.isBlank() ? "bundle.adclip" : name);
            return Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | IllegalArgumentException e) {
            throw AdclipException.usage("cannot download the bundle " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdclipException("interrupted while downloading the bundle", e);
        }
    }
}
