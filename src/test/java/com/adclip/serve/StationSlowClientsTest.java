package com.adclip.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slowloris on loopback: 200 connections that announce a 100 000-byte upload and then send a byte now and
 * then. The slow client (from 127.0.0.2) must not starve another client (from 127.0.0.1): {@code /health} and an
 * inspection still answer within 2 s. Bounded: the slow sockets live a few seconds and are closed at the end.
 * The per-client connection bound is off here, so that this tests the minimum upload rate alone (the bound has
 * its own test, {@link StationClientConnectionsTest}).
 */
class StationSlowClientsTest {
    private static final int SLOW = 200;
    @TempDir Path tmp;
    private StationServer server;
    private final List<Socket> slow = new ArrayList<>();

    @AfterEach
    void stop() {
        for (Socket s : slow) {
            try {
                s.close();
            } catch (IOException e) {
                // closing
            }
        }
        if (server != null) {
            server.stop();
        }
    }

    private static byte[] png() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }

    private void openSlow(int port) throws IOException {
        InetAddress attacker = InetAddress.getByName("127.0.0.2");
        for (int i = 0; i < SLOW; i++) {
            Socket s = new Socket();
            s.bind(new InetSocketAddress(attacker, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            slow.add(s);
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/v1/inspect HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\n"
                    + "Content-Length: 100000\r\n\r\n\u0089").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
    }

    private void trickle() {
        for (Socket s : slow) {
            try {
                s.getOutputStream().write('P');
                s.getOutputStream().flush();
            } catch (IOException e) {
                // the server hung up on this one: that is allowed
            }
        }
    }

    @Test
    void slowUploadsDoNotStarveOtherClients() throws Exception {
        StationServer.Config config = StationServer.Config.defaults(tmp.resolve("h.db"), 0.5)
                .withAddress("127.0.0.1", 0)
                .withConnections(StationServer.Connections.defaults().withMaxClientConnections(0));
        server = new StationServer(config, new GatedInspector()).start();
        assertTrue(server.awaitReady(Duration.ofSeconds(10)));
        int port = server.port();
        openSlow(port);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        byte[] image = png();
        for (int round = 0; round < 3; round++) {
            Thread.sleep(1000);
            trickle();
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/health")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            HttpResponse<String> inspect = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/api/v1/inspect")).timeout(Duration.ofSeconds(2)).header("Content-Type", "image/png")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(image)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, inspect.statusCode(), inspect.body());
        }
    }
}
