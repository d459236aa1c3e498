package com.adclip.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local HTTP file server for download tests, on 127.0.0.1 with an ephemeral port. It honours
 * {@code Range: bytes=N-} (unless told not to), records each request's Range header, and can misbehave on its
 * first response: cut the connection, or stall, after some bytes.
 */
public final class FileServer implements AutoCloseable {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
    private final List<String> ranges = new ArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean honourRange = true;
    private volatile int cutFirstAfter = -1;
    private volatile int stallFirstAfter = -1;

    private FileServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static FileServer start() throws IOException {
        return new FileServer();
    }

    /** A local port nothing listens on (bound, then released). */
    public static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    public FileServer serve(String path, byte[] content) {
        files.put(path, content.clone());
        return this;
    }

    public FileServer status(String path, int status) {
        statuses.put(path, status);
        return this;
    }

    public FileServer ignoreRange() {
        honourRange = false;
        return this;
    }

    /** The first response declares the full length but the connection is dropped after {@code n} bytes. */
    public FileServer cutFirstResponseAfter(int n) {
        cutFirstAfter = n;
        return this;
    }

    /** The first response sends {@code n} bytes and then nothing until the server is closed. */
    public FileServer stallFirstResponseAfter(int n) {
        stallFirstAfter = n;
        return this;
    }

    /** {@code http://127.0.0.1:<port>} */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public URI url(String path) {
        return URI.create(baseUrl() + path);
    }

    public int requests() {
        return requests.get();
    }

    /** The Range header of each request so far, in order ({@code null} where there was none). */
    public synchronized List<String> ranges() {
        return new ArrayList<>(ranges);
    }

    private synchronized void record(String range) {
        ranges.add(range);
    }

    private void handle(HttpExchange exchange) throws IOException {
        int number = requests.incrementAndGet();
        String range = exchange.getRequestHeaders().getFirst("Range");
        record(range);
        String path = exchange.getRequestURI().getPath();
        try (exchange) {
            Integer status = statuses.get(path);
            byte[] content = files.get(path);
            if (status != null || content == null) {
                exchange.sendResponseHeaders(status != null ? status : 404, -1);
                return;
            }
            int from = 0;
            Matcher matcher = range == null ? null : RANGE.matcher(range);
            if (honourRange && matcher != null && matcher.matches()) {
                from = Integer.parseInt(matcher.group(1));
                if (from >= content.length) {
                    exchange.getResponseHeaders().add("Content-Range", "bytes */" + content.length);
                    exchange.sendResponseHeaders(416, -1);
                    return;
                }
                exchange.getResponseHeaders().add("Content-Range",
                        "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
            }
            byte[] body = Arrays.copyOfRange(content, from, content.length);
            exchange.sendResponseHeaders(from > 0 ? 206 : 200, body.length);
            OutputStream out = exchange.getResponseBody();
            if (number == 1 && cutFirstAfter >= 0) {
                out.write(body, 0, cutFirstAfter);
                out.flush();
                return; // closing with bytes missing drops the connection
            }
            if (number == 1 && stallFirstAfter >= 0) {
                out.write(body, 0, stallFirstAfter);
                out.flush();
                awaitRelease();
                return;
            }
            out.write(body);
        }
    }

    private void awaitRelease() {
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
