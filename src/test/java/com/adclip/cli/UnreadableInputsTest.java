package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.adclip.testing.Unprivileged;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs the user may not read are reported like other bad files. Runs as a user whom permission bits stop
 * (as {@code nobody} through {@code setpriv} when the tests run as root), see {@link Unprivileged}.
 */
class UnreadableInputsTest {
    @TempDir
    Path tmp;

    @Test
    void anUnreadableFolderBecomesOneFailedInputAndTheOthersGoOn() throws Exception {
        Path in = folder(tmp.resolve("in"));
        Path image = Files.write(in.resolve("a.png"), new byte[] {1});
        Path locked = Files.createDirectories(in.resolve("locked"));
        Files.write(locked.resolve("b.png"), new byte[] {1});
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));

        String listed = Unprivileged.run(locked, tmp, PermissionProbe::run, PermissionProbe.class, "list",
                in.toString());

        assertEquals(image + " | null\n" + locked + " | cannot list folder " + locked + ": permission denied",
                listed);
    }

    @Test
    void anUnreadableImageSaysPermissionDenied() throws Exception {
        Path in = folder(tmp.resolve("in"));
        Path image = Files.write(in.resolve("a.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        Files.setPosixFilePermissions(image, PosixFilePermissions.fromString("---------"));

        String error = Unprivileged.run(image, tmp, PermissionProbe::run, PermissionProbe.class, "read",
                image.toString());

        assertEquals("cannot read image " + image + ": permission denied", error);
    }

    private Path folder(Path dir) throws IOException {
        Unprivileged.open(tmp);
        Files.createDirectories(dir);
        Unprivileged.open(dir);
        return dir;
    }
}
