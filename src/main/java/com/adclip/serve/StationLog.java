package com.adclip.serve;

import com.adclip.AdclipException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The station's log through slf4j-simple (silent by default, see {@code simplelogger.properties}): the level and
 * the target (stderr or a file, appended) are set once, before the first logger is made.
 */
public final class StationLog {
    /** The levels {@code --log-level} accepts. */
    public static final List<String> LEVELS = List.of("error", "warn", "info", "debug", "trace", "off");

    private StationLog() {}

    /**
     * Turns the log on at {@code level}, to {@code file} or to stderr when null. slf4j-simple starts its file
     * afresh, so the previous run's log is first renamed to {@code FILE.1} (replacing an older one). Must run
     * before anything makes a logger: slf4j-simple reads its settings once.
     */
    public static void configure(String level, Path file) {
        String target = "System.err";
        if (file != null) {
            try {
                Path parent = file.toAbsolutePath().getParent();
                Files.createDirectories(parent);
                if (Files.exists(file)) {
                    Files.move(file, file.resolveSibling(file.getFileName() + ".1"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                target = file.toAbsolutePath().toString();
            } catch (IOException e) {
                throw new AdclipException("cannot prepare the log file " + file + ": " + e.getMessage(),
                        e);
            }
        }
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level.toLowerCase(Locale.ROOT));
        System.setProperty("org.slf4j.simpleLogger.logFile", target);
    }
}
