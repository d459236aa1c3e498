package com.adclip.serve;

import com.adclip.Inspection;
import com.adclip.Outcome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One worker thread running the model on a bounded queue of prepared images: decoding and preprocessing run on
 * the submitting (request) thread ({@link Inspector#prepare}) while the worker runs the model on earlier images;
 * when several prepared images wait, the worker takes up to {@link Inspector#maxBatch()} of them as one batch
 * (libtorch already uses every core per call). Images being prepared, waiting or running count against the
 * bound, and a full queue is refused at once instead of piling up latency or memory. Preparing takes one of the
 * station's {@link CpuLanes}, so that no more request threads decode at once than leave the model its cores.
 */
final class InspectionQueue implements AutoCloseable {
    /** The queue is full; the caller should answer 503 with Retry-After. */
    static final class FullException extends Exception {
        private static final long serialVersionUID = 1L;

        FullException(int capacity) {
            super("the inspection queue is full (" + capacity + " waiting); retry shortly");
        }
    }

    private static final long THROUGHPUT_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Inspector inspector;
    private final CpuLanes lanes;
    private final int capacity;
    private final Semaphore slots;
    private final LinkedBlockingQueue<Ticket> ready = new LinkedBlockingQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final Throughput throughput = new Throughput(THROUGHPUT_WINDOW_NANOS, System::nanoTime);
    private final Thread worker;
    private volatile boolean closing;

    /** A queue whose images are prepared in {@link CpuLanes#forThisMachine()}. */
    InspectionQueue(Inspector inspector, int capacity) {
        this(inspector, capacity, CpuLanes.forThisMachine());
    }

    /** A queue of at most {@code capacity} waiting images, prepared in {@code lanes} (shared with the answers). */
    InspectionQueue(Inspector inspector, int capacity, CpuLanes lanes) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1, got " + capacity);
        }
        this.inspector = inspector;
        this.lanes = lanes;
        this.capacity = capacity;
        this.slots = new Semaphore(capacity + 1); // the waiting ones and the one running, as before batching
        this.worker = new Thread(this::work, "adclip-inspection");
        worker.setDaemon(true);
        worker.start();
    }

    /** A queued inspection: its result, and whether the worker (or a timeout) has claimed it. */
    static final class Ticket {
        final Future<Inspection> result;
        private final CompletableFuture<Inspection> future = new CompletableFuture<>();
        private final AtomicBoolean claimed = new AtomicBoolean();
        private Inspector.Prepared prepared;

        private Ticket() {
            this.result = future;
        }
    }

    /**
     * Prepares one image on the calling thread once a CPU lane is free, then queues it; the ticket's future
     * completes with the inspection or the inspector's exception ({@link Inspector.ImageRejectedException} for an
     * unusable image).
     */
    Ticket submit(Path image) throws FullException, InterruptedException {
        if (closing || !slots.tryAcquire()) {
            throw new FullException(capacity);
        }
        pending.incrementAndGet();
        Ticket ticket = new Ticket();
        try {
            ticket.prepared = lanes.run(() -> inspector.prepare(image));
        } catch (InterruptedException e) {
            ticket.claimed.set(true);
            release(1);
            throw e;
        } catch (RuntimeException | Error e) {
            ticket.claimed.set(true);
            release(1);
            ticket.future.completeExceptionally(e);
            return ticket;
        }
        ready.add(ticket);
        return ticket;
    }

    /** Images being prepared, waiting or being inspected. */
    int depth() {
        return pending.get();
    }

    /** The model's images per second over the last minute (see {@link Throughput}). */
    double imagesPerSecond() {
        return throughput.imagesPerSecond();
    }

    /**
     * Gives up a ticket after a timeout: one that has not started never runs; a running one finishes on its
     * own (libtorch cannot be interrupted).
     */
    void forget(Ticket ticket) {
        if (ticket.claimed.compareAndSet(false, true)) {
            ready.remove(ticket);
            release(1);
            ticket.future.cancel(false);
        }
    }

    private void release(int images) {
        pending.addAndGet(-images);
        slots.release(images);
    }

    private void work() {
        while (true) {
            Ticket first;
            try {
                first = ready.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (first == null) {
                if (closing) {
                    return;
                }
                continue;
            }
            List<Ticket> batch = new ArrayList<>();
            batch.add(first);
            ready.drainTo(batch, inspector.maxBatch() - 1);
            batch.removeIf(ticket -> !ticket.claimed.compareAndSet(false, true)); // given up by its request
            if (!batch.isEmpty()) {
                run(batch);
            }
        }
    }

    /**
     * The model on one batch; slots are freed before the answers go out, so a client's next image fits. Whatever
     * goes wrong fails this batch's requests, never the worker.
     */
    private void run(List<Ticket> batch) {
        long start = System.nanoTime();
        boolean released = false;
        try {
            List<Outcome> outcomes = inspector.inspectPrepared(batch.stream().map(ticket -> ticket.prepared)
                    .toList());
            if (outcomes.size() != batch.size()) {
                throw new IllegalStateException(outcomes.size() + " outcomes for " + batch.size() + " images");
            }
            throughput.record(start, batch.size());
            release(batch.size());
            released = true;
            for (int i = 0; i < batch.size(); i++) {
                Outcome outcome = outcomes.get(i);
                if (outcome.failed()) {
                    batch.get(i).future.completeExceptionally(new Inspector.ImageRejectedException(outcome.error()));
                } else {
                    batch.get(i).future.complete(outcome.inspection());
                }
            }
        } catch (RuntimeException | Error e) {
            if (!released) {
                release(batch.size());
            }
            batch.forEach(ticket -> ticket.future.completeExceptionally(e)); // no effect on those answered
        }
    }

    /** Lets queued work finish, up to {@code millis}, then stops the worker; what is left fails. */
    void close(long millis) {
        closing = true;
        try {
            worker.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        worker.interrupt();
        for (Ticket ticket; (ticket = ready.poll()) != null;) {
            if (ticket.claimed.compareAndSet(false, true)) {
                release(1);
                ticket.future.completeExceptionally(new IllegalStateException("the station stopped"));
            }
        }
    }

    @Override
    public void close() {
        close(10_000);
    }
}
