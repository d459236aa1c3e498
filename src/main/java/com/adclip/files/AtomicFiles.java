package com.adclip.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Set;

/**
 * Writes a file through a temporary file in the same folder and an atomic rename: readers see the old file or
 * the new one, never half of one, and a failed write leaves the old file as it was.
 *
 * <p>Modes: a new file gets the mode the umask (and any default ACL) gives, exactly like a file created by
 * {@code Files.createFile} or {@code touch}, because the temporary file is created that way (and not with
 * {@code Files.createTempFile}, which always makes it 0600). A rewrite keeps the old file's permission bits.
 */
public final class AtomicFiles {
    private static final String SUFFIX = ".tmp";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Writes the whole content to the temporary file it is given. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Path temp) throws IOException;
    }

    private AtomicFiles() {}

    /** Replaces (or creates) {@code file} with the bytes. */
    public static void write(Path file, byte[] bytes) throws IOException {
        write(file, temp -> Files.write(temp, bytes));
    }

    /** Replaces (or creates) {@code file} with the text in UTF-8. */
    public static void writeString(Path file, CharSequence text) throws IOException {
        write(file, temp -> Files.writeString(temp, text, StandardCharsets.UTF_8));
    }

    /**
     * Replaces (or creates) {@code file} with what {@code content} writes to a temporary file next to it. The
     * folder must exist. The temporary file is removed when anything fails.
     */
    public static void write(Path file, Content content) throws IOException {
        Path target = file.toAbsolutePath();
        Set<PosixFilePermission> kept = posixMode(target);
        Path temp = createTemporary(target);
        try {
            if (kept != null) { // never more open than the old file while the new content is written
                Set<PosixFilePermission> writable = EnumSet.of(PosixFilePermission.OWNER_READ,
                        PosixFilePermission.OWNER_WRITE);
                writable.addAll(kept);
                Files.setPosixFilePermissions(temp, writable);
            }
            content.writeTo(temp);
            if (kept != null) {
                Files.setPosixFilePermissions(temp, kept);
            }
            replace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The permission bits of an existing file, or null when it does not exist or the file system has none. */
    private static Set<PosixFilePermission> posixMode(Path file) throws IOException {
        if (Files.getFileAttributeView(file, PosixFileAttributeView.class) == null) {
            return null;
        }
        try {
            return Files.getPosixFilePermissions(file);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** {@code NAME-RANDOM.tmp} next to the target, created with the default (umask) mode. */
    private static Path createTemporary(Path target) throws IOException {
        String name = target.getFileName().toString();
        while (true) {
            Path temp = target.resolveSibling(name + "-" + Long.toUnsignedString(RANDOM.nextLong(), 36) + SUFFIX);
            try {
                return Files.createFile(temp);
            } catch (FileAlreadyExistsException e) {
                // another writer's temporary file: draw another name
            }
        }
    }

    private static void replace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes {@code file} if it is there (null is nothing); a failure is ignored: for temporary files only. */
    public static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a temporary file left behind is harmless
        }
    }
}
