package com.adclip.files;

import com.adclip.AdclipException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Short reasons for failed file operations. Java's own messages repeat the path ({@code AccessDeniedException}'s
 * message is the path alone, so "cannot read X: X") or hide the cause (ImageIO's "Can't create cache file!").
 */
public final class FileErrors {
    private FileErrors() {}

    /** What went wrong, without the path: "permission denied", "no such file or directory", ... */
    public static String reason(IOException e) {
        if (e instanceof JsonProcessingException json) { // Jackson's message adds a second line for the location
            JsonLocation at = json.getLocation();
            String where = at == null || at.getLineNr() < 1 ? ""
                    : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            return oneLine(json.getOriginalMessage()) + where;
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof NotDirectoryException) {
            return "not a folder";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        String message = e.getMessage();
        if (e instanceof FileNotFoundException && message != null) { // java.io: "PATH (Permission denied)"
            int open = message.lastIndexOf(" (");
            if (open >= 0 && message.endsWith(")")) {
                return message.substring(open + 2, message.length() - 1).toLowerCase(Locale.ROOT);
            }
        }
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : oneLine(message);
    }

    /** {@code text} on one line: line breaks and the spaces around them become one space. */
    public static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * Opens {@code file} for reading and closes it again, so that a file the user may not read is reported as
     * such rather than by whatever the reader makes of it.
     *
     * @throws AdclipException {@code failure + file + ": " + reason}, e.g. "cannot read image a.png: permission
     *     denied"
     */
    public static void requireReadable(Path file, String failure) {
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            // opened: readable
        } catch (IOException e) {
            throw new AdclipException(failure + file + ": " + reason(e), e);
        }
    }
}
