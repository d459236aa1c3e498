package com.adclip.serve;

import com.adclip.AdclipException;
import com.adclip.files.AtomicFiles;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Images clients send: read from a multipart field {@code image} or from a raw body, within the upload limit, and
 * written to a private temporary folder under generated names for the model; nothing a client sends is used as a
 * path.
 */
final class Uploads implements AutoCloseable {
    /** Room for multipart boundaries and part headers above the upload limit. */
    static final long MULTIPART_SLACK = 64 * 1024;
    /** Jetty 11's multipart parser refuses a part header line longer than this (MultiPartParser). */
    static final int MAX_PART_HEADER_LINE = 998;
    private static final Pattern TOO_MANY_PARTS = Pattern.compile("too many parts \\[(\\d+) > (\\d+)\\]");

    /** An upload's bytes and its display name. */
    record Upload(byte[] bytes, String name) {}

    private final long maxBytes;
    private final Path folder;

    Uploads(long maxBytes) {
        this.maxBytes = maxBytes;
        try {
            this.folder = Files.createTempDirectory("adclip-uploads");
        } catch (IOException e) {
            throw new AdclipException("cannot create a temporary folder for uploads: " + e.getMessage(), e);
        }
    }

    /** A new temporary file holding {@code bytes}; the caller deletes it. */
    Path write(String prefix, String extension, byte[] bytes) throws IOException {
        Path file = Files.createTempFile(folder, prefix, "." + extension);
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            AtomicFiles.deleteQuietly(file);
            throw e;
        }
        return file;
    }

    /** The image of a request: the multipart field {@code image}, else the body with an image content type. */
    Upload receive(Context ctx) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes + MULTIPART_SLACK) {
            throw tooLarge(declared);
        }
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        if (type.startsWith("multipart/form-data")) {
            return multipart(ctx, declared);
        }
        if (!type.startsWith("image/") && !type.startsWith("application/octet-stream")) {
            throw new ApiError(415, "send the image as multipart field 'image' or as the body with an image/* "
                    + "content type (got '" + type + "')");
        }
        return body(ctx);
    }

    private Upload multipart(Context ctx, long declared) throws IOException {
        UploadedFile part;
        try {
            part = ctx.uploadedFile("image");
        } catch (Exception e) { // Jetty's multipart parser refused the body (an IOException comes unchecked)
            if (e instanceof IllegalStateException || e instanceof IOException) {
                throw multipartError(e, declared);
            }
            throw e;
        }
        if (part == null) {
            throw new ApiError(400, "multipart upload without a field named 'image'");
        }
        if (part.size() > maxBytes) {
            throw tooLarge(part.size());
        }
        try (InputStream in = part.content()) {
            return new Upload(nonEmpty(in.readAllBytes()), displayName(part.filename()));
        }
    }

    private Upload body(Context ctx) throws IOException {
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw tooLarge(-1);
            }
            return new Upload(nonEmpty(bytes), displayName(ctx.header("X-Filename")));
        }
    }

    private static byte[] nonEmpty(byte[] bytes) {
        if (bytes.length == 0) {
            throw new ApiError(400, "the upload is empty");
        }
        return bytes;
    }

    /** A client's file name, for display only: no folders, no control characters, at most 120 characters. */
    static String displayName(String given) {
        if (given == null || given.isBlank()) {
            return "upload";
        }
        String name = given.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1).replaceAll("\\p{Cntrl}", "");
        return name.isBlank() ? "upload" : name.substring(0, Math.min(120, name.length()));
    }

    /**
     * What Jetty's multipart parser threw, as the status and reason a client can act on: 413 naming the limit
     * that was hit (parts, part header line, bytes), 400 for a body that is not multipart with the declared
     * boundary.
     */
    private ApiError multipartError(Exception e, long declared) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        Matcher parts = TOO_MANY_PARTS.matcher(message);
        if (parts.find()) {
            return new ApiError(413, "too many parts in the multipart body (limit " + parts.group(2) + ")");
        }
        if (message.contains("Header Line Exceeded")) {
            return new ApiError(413, "a part header line is longer than the limit of " + MAX_PART_HEADER_LINE
                    + " bytes (is the file name too long?)");
        }
        if (e instanceof IllegalStateException && message.contains("exceeds")) {
            return tooLarge(declared);
        }
        return new ApiError(400, "malformed multipart body: " + (message.isBlank() ? e.getClass().getSimpleName()
                : message) + " (the body must be multipart/form-data with the boundary named in Content-Type)");
    }

    private ApiError tooLarge(long size) {
        return new ApiError(413, "the upload is larger than the limit of " + maxBytes + " bytes"
                + (size > 0 ? " (" + size + " bytes)" : ""));
    }

    /** Deletes the folder and whatever is left in it. */
    @Override
    public void close() {
        try (var files = Files.list(folder)) {
            files.forEach(AtomicFiles::deleteQuietly);
        } catch (IOException e) {
            // temporary files: the OS cleans up
        }
        AtomicFiles.deleteQuietly(folder);
    }
}
