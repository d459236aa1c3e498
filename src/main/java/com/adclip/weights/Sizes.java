package com.adclip.weights;

import java.util.Locale;

/** Byte counts for people. */
public final class Sizes {

    /** Bytes per "MB" in messages and progress bars (MiB, as {@code ls -h} counts). */
    public static final long MB = 1024L * 1024L;

    private Sizes() {}

    /** E.g. {@code 335.6 MB}, {@code 12.0 KB}, {@code 17 B}. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < MB) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        if (bytes < 1024 * MB) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / (double) MB);
        }
        return String.format(Locale.ROOT, "%.2f GB", bytes / (double) (1024 * MB));
    }
}
