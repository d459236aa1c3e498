package com.adclip.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @BeforeEach
    void posix() {
        assumeTrue(Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null,
                "needs a file system with POSIX permissions");
    }

    @Test
    void aNewFileGetsTheModeTheUmaskGives() throws IOException {
        Path plain = Files.createFile(dir.resolve("plain.txt")); // what any program gets here
        Path atomic = dir.resolve("atomic.txt");
        AtomicFiles.writeString(atomic, "hello");
        assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(atomic)));
        assertEquals("hello", Files.readString(atomic));
    }

    @Test
    void aRewriteKeeps0644() throws IOException {
        assertRewriteKeeps("rw-r--r--");
    }

    @Test
    void aRewriteKeeps0640() throws IOException {
        assertRewriteKeeps("rw-r-----");
    }

    @Test
    void aRewriteKeeps0600() throws IOException {
        assertRewriteKeeps("rw-------");
    }

    @Test
    void aRewriteKeepsAReadOnlyMode() throws IOException {
        assertRewriteKeeps("r--r--r--");
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("bundle.adclip");
        Files.write(file, new byte[] {1, 2, 3});
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        IOException failure = assertThrows(IOException.class, () -> AtomicFiles.write(file, temp -> {
            Files.write(temp, new byte[] {9});
            throw new IOException("disk full");
        }));
        assertEquals("disk full", failure.getMessage());
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(file));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    private void assertRewriteKeeps(String mode) throws IOException {
        Path file = dir.resolve("report.html");
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        AtomicFiles.write(file, "new".getBytes(StandardCharsets.UTF_8));
        assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("new", Files.readString(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left");
        }
    }
}
