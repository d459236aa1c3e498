package com.adclip.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a probe as a user whom permission bits stop. Tests usually run as root, which reads a file of mode 000
 * all the same; there the probe runs in a child JVM as {@code nobody} (through {@code setpriv}), with a copy
 * of the class path it can read. As any other user the probe runs in this JVM.
 */
public final class Unprivileged {
    private static final long MAX_JAR_BYTES = 20_000_000; // libtorch and other big jars are never needed here

    /** A probe: what it prints for its arguments. */
    @FunctionalInterface
    public interface Probe {
        String run(String... args) throws Exception;
    }

    private Unprivileged() {}

    /**
     * What {@code probe} (also reachable as {@code main.main(args)}, printing the same to stdout) gives as a
     * user who cannot read {@code locked}; skips the test when no such user is available.
     *
     * @param scratch a folder for the class-path copy
     */
    public static String run(Path locked, Path scratch, Probe probe, Class<?> main, String... args)
            throws Exception {
        if (!Files.isReadable(locked)) {
            return probe.run(args);
        }
        Path setpriv = Paths.get("/usr/bin/setpriv");
        Assumptions.assumeTrue(Files.isExecutable(setpriv) && "root".equals(System.getProperty("user.name")),
                "permission bits do not apply to this user, and setpriv cannot run the check as nobody");
        List<String> command = new ArrayList<>(List.of(setpriv.toString(), "--reuid=65534", "--regid=65534",
                "--clear-groups", Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                readableClassPath(scratch), main.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean done = process.waitFor(60, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            process.destroyForcibly();
        }
        assertEquals(0, process.exitValue(), "probe as nobody: " + output);
        return output.strip();
    }

    /** The class path, copied where nobody can read it (the Maven repository is often root's alone). */
    private static String readableClassPath(Path scratch) throws IOException {
        Path dir = Files.createDirectories(scratch.resolve("classpath"));
        open(scratch);
        open(dir);
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path source = Paths.get(entry);
            if (Files.isDirectory(source)) {
                entries.add(copyTree(source, dir.resolve("d" + i++)).toString());
            } else if (Files.isRegularFile(source) && Files.size(source) < MAX_JAR_BYTES) {
                Path copy = dir.resolve(i++ + "-" + source.getFileName());
                Files.copy(source, copy);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                entries.add(copy.toString());
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static Path copyTree(Path source, Path target) throws IOException {
        try (var paths = Files.walk(source)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                    open(to);
                } else {
                    Files.copy(p, to);
                    Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
        return target;
    }

    /** Lets others into a folder (JUnit's temporary folders are 0700). */
    public static void open(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
