package com.adclip.serve;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bound on the connections one client address may hold open at once, as a Jetty {@link Connection.Listener} on
 * the server connector (Jetty 11 has no per-address connection limit of its own). Each opened connection is
 * counted under its remote IP address; a connection that takes its address over the bound is closed at once,
 * before a byte of it is read, and the refusal is logged at most once per address per minute. Loopback counts
 * like any other address (a reverse proxy on the same host makes every client one address: raise the bound
 * or turn it off there).
 */
final class ClientConnectionLimit implements Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger("adclip.serve");
    private static final Duration LOG_EVERY = Duration.ofMinutes(1);

    private final int max;
    private final Map<InetAddress, Integer> open = new ConcurrentHashMap<>();
    /** The address each counted connection was counted under, so that closing uncounts it exactly once. */
    private final Map<Connection, InetAddress> counted = new ConcurrentHashMap<>();
    private final Map<InetAddress, Long> lastLogged = new ConcurrentHashMap<>();

    /** @param max connections one address may hold open at once (at least 1) */
    ClientConnectionLimit(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("the per-client connection bound must be at least 1");
        }
        this.max = max;
    }

    @Override
    public void onOpened(Connection connection) {
        InetAddress client = address(connection.getEndPoint().getRemoteSocketAddress());
        if (client == null) {
            return;
        }
        counted.put(connection, client);
        int now = open.merge(client, 1, Integer::sum);
        if (now > max) {
            logRefusal(client);
            connection.getEndPoint().close();
        }
    }

    @Override
    public void onClosed(Connection connection) {
        InetAddress client = counted.remove(connection);
        if (client == null) {
            return;
        }
        open.computeIfPresent(client, (c, n) -> n <= 1 ? null : n - 1);
    }

    /** Connections counted for {@code client} now (for tests and diagnostics). */
    int open(InetAddress client) {
        return open.getOrDefault(client, 0);
    }

    private void logRefusal(InetAddress client) {
        long now = System.nanoTime();
        Long last = lastLogged.get(client);
        if (last != null && now - last < LOG_EVERY.toNanos()) {
            return;
        }
        lastLogged.put(client, now);
        if (lastLogged.size() > 10_000) {
            lastLogged.entrySet().removeIf(e -> now - e.getValue() >= LOG_EVERY.toNanos());
        }
        LOG.warn("client {} holds more than {} connections (--max-client-connections): closing its new ones",
                client.getHostAddress(), max);
    }

    private static InetAddress address(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
