package com.adclip.weights;

import java.nio.file.Path;

/**
 * Hears what {@link Downloader} does, e.g. to draw a progress bar. All methods default to doing nothing.
 * Calls come from the downloading thread.
 */
public interface DownloadListener {

    /** A listener that ignores everything. */
    DownloadListener SILENT = new DownloadListener() {};

    /** The target already existed and its SHA-256 matched: nothing is downloaded. */
    default void alreadyCached(Path file) {}

    /** The target existed but its SHA-256 was {@code actual}, not {@code expected}: it is downloaded again. */
    default void cachedFileCorrupt(Path file, String expected, String actual) {}

    /**
     * Bytes are about to flow.
     *
     * @param download what is downloaded
     * @param alreadyHave bytes kept from an earlier, interrupted download (0 when starting afresh)
     * @param totalBytes the full size, or -1 if the server did not say
     */
    default void started(Download download, long alreadyHave, long totalBytes) {}

    /** {@code bytes} of the file are now on disk (counting resumed bytes). */
    default void progressed(long bytes) {}

    /** The transfer attempt ended (successfully or not); no more {@link #progressed} calls for it. */
    default void stopped() {}

    /** A transfer attempt failed after making progress; another attempt resumes it. */
    default void retrying(int attempt, int maxAttempts, String reason) {}
}
