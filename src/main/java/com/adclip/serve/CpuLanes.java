package com.adclip.serve;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A bound on the request threads doing CPU work at once (decoding and preprocessing an upload, drawing the
 * answer's pictures). The model thread's libtorch already uses every core; when more request threads than that
 * decode at the same time, they preempt libtorch's threads, and each of its parallel operations waits for the
 * slowest one: the model runs much slower than it would alone. With at most half the cores decoding (one on a
 * 2-core machine), the work still keeps ahead of the model (it costs a fraction of the network's time per image)
 * and hides behind it instead of slowing it down. Waiting requests go first come, first served.
 */
final class CpuLanes {
    private final int lanes;
    private final Semaphore free;
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicInteger mostBusy = new AtomicInteger();

    CpuLanes(int lanes) {
        if (lanes < 1) {
            throw new IllegalArgumentException("at least one lane, got " + lanes);
        }
        this.lanes = lanes;
        this.free = new Semaphore(lanes, true);
    }

    /** Half the cores this JVM may use, at least one. */
    static CpuLanes forThisMachine() {
        return new CpuLanes(defaultLanes(Runtime.getRuntime().availableProcessors()));
    }

    /** The lanes for a machine of {@code cores}: half of them, at least one. */
    static int defaultLanes(int cores) {
        return Math.max(1, cores / 2);
    }

    int lanes() {
        return lanes;
    }

    /** Runs {@code work} on this thread once a lane is free. */
    <T> T run(Supplier<T> work) throws InterruptedException {
        free.acquire();
        mostBusy.accumulateAndGet(busy.incrementAndGet(), Math::max);
        try {
            return work.get();
        } finally {
            busy.decrementAndGet();
            free.release();
        }
    }

    /** The most lanes that were busy at once since the station started. */
    int mostBusy() {
        return mostBusy.get();
    }
}
