package com.adclip.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL server for tests, from the machine's packages (Debian's {@code postgresql}, which
 * {@code .ci/run} installs): a fresh cluster in a temporary folder, on a random loopback port, trust
 * authentication, no fsync. PostgreSQL refuses to run as root, so as root the cluster belongs to the
 * {@code postgres} user and the server runs as that user (setpriv). Without the binaries the test is skipped with
 * a notice; under {@code CI=true} it fails instead.
 */
public final class PostgresServer implements AutoCloseable {
    private static final String USER = "adclip";

    private final Process process;
    private final Path data;
    private final int port;

    private PostgresServer(Process process, Path data, int port) {
        this.process = process;
        this.data = data;
        this.port = port;
    }

    public static PostgresServer start() throws Exception {
        Path bin = binaries().orElseGet(() -> {
            String message = "PostgreSQL server binaries (initdb, postgres) not found under /usr/lib/postgresql "
                    + "(install Debian's postgresql package; .ci/run does)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message + "; under CI=true they are required");
            }
            System.err.println("NOTICE: SKIPPING PostgreSQL test: " + message);
            Assumptions.abort(message);
            return null;
        });
        boolean root = "root".equals(System.getProperty("user.name"));
        Path data = Files.createTempDirectory(Path.of("/tmp"), "adclip-pg-");
        if (root) {
            run(List.of("chown", "postgres:postgres", data.toString()));
        }
        run(asPostgres(root, List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER,
                "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")));
        int port = freePort();
        Process process = new ProcessBuilder(asPostgres(root, List.of(bin.resolve("postgres").toString(), "-D",
                data.toString(), "-p", Integer.toString(port), "-k", data.toString(), "-c",
                "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c",
                "full_page_writes=off", "-c", "max_connections=50")))
                .redirectErrorStream(true).redirectOutput(data.resolve("server.log").toFile()).start();
        PostgresServer server = new PostgresServer(process, data, port);
        server.awaitUp();
        return server;
    }

    private static Optional<Path> binaries() {
        File[] versions = new File("/usr/lib/postgresql").listFiles();
        if (versions == null) {
            return Optional.empty();
        }
        List<Path> found = new ArrayList<>();
        for (File v : versions) {
            Path bin = v.toPath().resolve("bin");
            if (Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("postgres"))) {
                found.add(bin);
            }
        }
        return found.stream().max(Comparator.comparing(p -> Integer.parseInt(
                p.getParent().getFileName().toString().replaceAll("\\D", "0"))));
    }

    private static List<String> asPostgres(boolean root, List<String> command) {
        if (!root) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=postgres", "--regid=postgres",
                "--init-groups", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void awaitUp() throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Connection c = DriverManager.getConnection(url("postgres"))) {
                return;
            } catch (SQLException e) {
                if (!process.isAlive() || System.nanoTime() > end) {
                    throw new IllegalStateException("PostgreSQL did not start: "
                            + Files.readString(data.resolve("server.log")), e);
                }
                Thread.sleep(100);
            }
        }
    }

    /** The JDBC URL of database {@code name}. */
    public String url(String name) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?user=" + USER;
    }

    /** Creates an empty database and returns its URL. */
    public String createDatabase(String name) throws SQLException {
        try (Connection c = DriverManager.getConnection(url("postgres")); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    @Override
    public void close() throws Exception {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        try (var files = Files.walk(data)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
