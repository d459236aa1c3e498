package com.adclip.serve;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;

/**
 * The model's images per second over a sliding window: images finished by the inspection worker in the window,
 * over the time from the start of the first batch in it to the end of the last. Idle time between bursts counts,
 * so under steady load this is the station's rate; with no image in the window it is 0.
 */
final class Throughput {
    /** One inspected batch: when it started and ended, and its image count. */
    private record Batch(long start, long end, int images) {}

    private final long windowNanos;
    private final LongSupplier clock;
    private final Deque<Batch> batches = new ArrayDeque<>();

    Throughput(long windowNanos, LongSupplier clock) {
        this.windowNanos = windowNanos;
        this.clock = clock;
    }

    /** Records a batch of {@code images} that ran from {@code start} until now. */
    synchronized void record(long start, int images) {
        long now = clock.getAsLong();
        batches.addLast(new Batch(start, now, images));
        drop(now);
    }

    /** Images per second in the window (0 when none finished in it). */
    synchronized double imagesPerSecond() {
        drop(clock.getAsLong());
        if (batches.isEmpty()) {
            return 0;
        }
        long span = batches.getLast().end() - batches.getFirst().start();
        int images = batches.stream().mapToInt(Batch::images).sum();
        return span <= 0 ? 0 : images / (span / 1e9);
    }

    private void drop(long now) {
        while (!batches.isEmpty() && now - batches.getFirst().end() > windowNanos) {
            batches.removeFirst();
        }
    }
}
