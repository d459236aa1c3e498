package com.adclip.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-client connection bound on loopback: one address (127.0.0.2) opens more connections than the bound;
 * the extra ones are closed by the server, the ones within the bound are served, another address (127.0.0.1) is
 * served, and once the greedy client lets go, it is served again. Bounded: 20 sockets for a few seconds.
 */
class StationClientConnectionsTest {
    private static final int BOUND = 8;
    private static final int OPENED = 20;
    @TempDir Path tmp;
    private StationServer server;
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stop() {
        closeAll();
        if (server != null) {
            server.stop();
        }
    }

    private void closeAll() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closing
            }
        }
        sockets.clear();
    }

    private static Socket connectFrom(String local, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        return s;
    }

    /** True when the server has closed {@code s} (end of stream or reset), false while it stays open. */
    private static boolean closedByServer(Socket s) throws IOException {
        s.setSoTimeout(50);
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // connection reset
        }
    }

    /** Sends {@code GET /health} on {@code s} and returns the status line, or null when the server hung up. */
    private static String health(Socket s) {
        try {
            s.setSoTimeout(2000);
            s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\r'; c = in.read()) {
                line.append((char) c);
            }
            return line.length() == 0 ? null : line.toString();
        } catch (IOException e) {
            return null;
        }
    }

    @Test
    void connectionsOverTheBoundAreClosedAndOtherClientsServed() throws Exception {
        StationServer.Config config = StationServer.Config.defaults(tmp.resolve("h.db"), 0.5)
                .withAddress("127.0.0.1", 0)
                .withConnections(StationServer.Connections.defaults().withMaxClientConnections(BOUND));
        server = new StationServer(config, new GatedInspector()).start();
        int port = server.port();
        for (int i = 0; i < OPENED; i++) {
            sockets.add(connectFrom("127.0.0.2", port));
        }
        List<Socket> open = new ArrayList<>(sockets);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (open.size() > BOUND && System.nanoTime() < deadline) {
            List<Socket> still = new ArrayList<>();
            for (Socket s : open) {
                if (!closedByServer(s)) {
                    still.add(s);
                }
            }
            open = still;
        }
        assertEquals(BOUND, open.size(), "connections of 127.0.0.2 left open by the server");
        for (Socket s : open) {
            assertEquals("HTTP/1.1 200 OK", health(s), "a connection within the bound is served");
        }

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpResponse<String> other = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/health")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, other.statusCode(), "another client address is served");

        closeAll();
        String again = null;
        long retryUntil = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (again == null && System.nanoTime() < retryUntil) {
            Socket s = connectFrom("127.0.0.2", port);
            sockets.add(s);
            again = health(s);
        }
        assertEquals("HTTP/1.1 200 OK", again, "the client is served again once it has closed its connections");
    }
}
