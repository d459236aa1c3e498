package com.adclip.weights;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One file to fetch: what to call it in messages, where from, its expected SHA-256 and where it must end up.
 *
 * @param name a name for messages, e.g. {@code ViT-B/16}
 * @param url an http(s) URL
 * @param sha256 the expected SHA-256 of the whole file, lower-case hex
 * @param target the final path; the download goes to {@code target + ".part"} first
 */
public record Download(String name, URI url, String sha256, Path target) {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public Download {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("download name is required");
        }
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("only http(s) downloads are supported: " + url);
        }
        sha256 = Objects.requireNonNull(sha256, "sha256").toLowerCase(Locale.ROOT);
        if (!SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 hex digits: " + sha256);
        }
        target = Objects.requireNonNull(target, "target").toAbsolutePath().normalize();
    }

    /** Where the incomplete download is kept until it is verified. */
    public Path partFile() {
        return ModelCache.partOf(target);
    }
}
