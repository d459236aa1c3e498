package com.adclip.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.adclip.AdclipException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileErrorsTest {
    @TempDir
    Path dir;

    @Test
    void reasonsNeverRepeatThePath() {
        assertEquals("permission denied", FileErrors.reason(new AccessDeniedException("/data/a.png")));
        assertEquals("no such file or directory", FileErrors.reason(new NoSuchFileException("/data/a.png")));
        assertEquals("permission denied",
                FileErrors.reason(new FileNotFoundException("/data/a.png (Permission denied)")));
        assertEquals("disk full", FileErrors.reason(new IOException("disk full")));
        assertEquals("IOException", FileErrors.reason(new IOException()));
    }

    @Test
    void aMissingFileIsNotReadable() {
        Path missing = dir.resolve("a.png");
        AdclipException e = assertThrows(AdclipException.class,
                () -> FileErrors.requireReadable(missing, "cannot read image "));
        assertEquals("cannot read image " + missing + ": no such file or directory", e.getMessage());
    }

    @Test
    void aReadableFilePasses() throws IOException {
        FileErrors.requireReadable(Files.write(dir.resolve("a.png"), new byte[] {1}), "cannot read image ");
    }
}
