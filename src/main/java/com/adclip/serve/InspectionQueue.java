package com.adclip.serve;

import com.adclip.Inspection;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One worker thread consuming a bounded queue of inspections: the model runs one image at a time (libtorch
 * already uses every core per call), and a full queue is refused at once instead of piling up latency.
 */
final class InspectionQueue implements AutoCloseable {
    /** The queue is full; the caller should answer 503 with Retry-After. */
    static final class FullException extends Exception {
        private static final long serialVersionUID = 1L;

        FullException(int capacity) {
            super("the inspection queue is full (" + capacity + " waiting); retry shortly");
        }
    }

    private final Inspector inspector;
    private final int capacity;
    private final ThreadPoolExecutor worker;
    private final AtomicInteger pending = new AtomicInteger();

    InspectionQueue(Inspector inspector, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1, got " + capacity);
        }
        this.inspector = inspector;
        this.capacity = capacity;
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(capacity),
                r -> {
                    Thread t = new Thread(r, "adclip-inspection");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** A queued inspection: its result, and whether the worker (or a timeout) has claimed it. */
    static final class Ticket {
        final Future<Inspection> result;
        private final AtomicBoolean claimed;

        private Ticket(Future<Inspection> result, AtomicBoolean claimed) {
            this.result = result;
            this.claimed = claimed;
        }
    }

    /** Queues one image; the ticket's future completes with the inspection or the inspector's exception. */
    Ticket submit(Path image) throws FullException {
        AtomicBoolean claimed = new AtomicBoolean();
        pending.incrementAndGet();
        try {
            Future<Inspection> result = worker.submit(() -> {
                if (!claimed.compareAndSet(false, true)) {
                    return null; // given up by its request
                }
                try {
                    return inspector.inspect(image);
                } finally {
                    pending.decrementAndGet();
                }
            });
            return new Ticket(result, claimed);
        } catch (RejectedExecutionException e) {
            pending.decrementAndGet();
            throw new FullException(capacity);
        }
    }

    /** Images waiting or being inspected. */
    int depth() {
        return pending.get();
    }

    /**
     * Gives up a ticket after a timeout: one that has not started never runs; a running one finishes on its
     * own (libtorch cannot be interrupted).
     */
    void forget(Ticket ticket) {
        if (ticket.claimed.compareAndSet(false, true)) {
            pending.decrementAndGet();
            ticket.result.cancel(false);
            worker.purge();
        }
    }

    /** Lets queued work finish, up to {@code millis}, then stops the worker. */
    void close(long millis) {
        worker.shutdown();
        try {
            worker.awaitTermination(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        worker.shutdownNow();
    }

    @Override
    public void close() {
        close(10_000);
    }
}
