package com.adclip.weights;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a stream that has delivered nothing for too long, so that a stalled download fails instead of
 * hanging (the HTTP client's own timeout only covers the response headers).
 */
final class IdleWatchdog implements Closeable {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "adclip-download-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    private final Closeable stream;
    private final long idleNanos;
    private final ScheduledFuture<?> check;
    private volatile long lastActivity = System.nanoTime();
    private volatile boolean fired;

    private IdleWatchdog(Closeable stream, Duration idle) {
        this.stream = stream;
        this.idleNanos = idle.toNanos();
        long period = Math.max(10, Math.min(1000, idle.toMillis() / 4));
        this.check = TIMER.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    static IdleWatchdog watch(Closeable stream, Duration idle) {
        return new IdleWatchdog(stream, idle);
    }

    /** Data arrived. */
    void touch() {
        lastActivity = System.nanoTime();
    }

    /** Whether the stream was closed for being idle. */
    boolean fired() {
        return fired;
    }

    private void check() {
        if (!fired && System.nanoTime() - lastActivity > idleNanos) {
            fired = true;
            check.cancel(false);
            try {
                stream.close();
            } catch (IOException ignored) {
                // the reader sees the stream fail either way
            }
        }
    }

    @Override
    public void close() {
        check.cancel(false);
    }
}
