package com.adclip;

import com.adclip.anomaly.AnomalyPredictor;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;

/**
 * Batches through a {@link Detector} in three overlapping stages: decoding and preprocessing of the next batch
 * (one thread), the network on this batch (the calling thread), and the caller's handling of the previous
 * batch's outcomes, e.g. writing files (one thread, batches in order). At most two batches wait to be
 * handled, so memory stays bounded when handling is the slow part. Used by predict and by bench.
 */
public final class InspectionPipeline {
    /**
     * What happens to a batch's outcomes, on the handling thread, in batch order; {@code stages} are the
     * batch's own stage times (null for a batch without usable images or a tiled one).
     */
    @FunctionalInterface
    public interface Sink {
        void accept(int batch, List<Outcome> outcomes, AnomalyPredictor.StageTimes stages);
    }

    private InspectionPipeline() {}

    /**
     * Runs every batch; returns when the last one was handled. An exception of any stage is rethrown here
     * (the batches after it are not run).
     */
    public static void run(Detector detector, List<List<Path>> batches, Sink sink) {
        if (batches.isEmpty()) {
            return;
        }
        ExecutorService decode = Executors.newSingleThreadExecutor(daemon("adclip-decode"));
        ExecutorService output = Executors.newSingleThreadExecutor(daemon("adclip-write"));
        try {
            Deque<Future<?>> handled = new ArrayDeque<>();
            Future<AnomalyPredictor.Prepared> next = decode.submit(() -> detector.prepareAll(batches.get(0)));
            for (int b = 0; b < batches.size(); b++) {
                AnomalyPredictor.Prepared prepared = await(next);
                if (b + 1 < batches.size()) {
                    List<Path> following = batches.get(b + 1);
                    next = decode.submit(() -> detector.prepareAll(following));
                }
                AnomalyPredictor.StageTimes before = detector.lastStageTimes();
                List<Outcome> outcomes = batches.get(b).isEmpty() ? List.of() : detector.inspectPrepared(prepared);
                AnomalyPredictor.StageTimes after = detector.lastStageTimes();
                AnomalyPredictor.StageTimes stages = after == before ? null : after; // only this thread infers here
                int index = b;
                handled.add(output.submit(() -> sink.accept(index, outcomes, stages)));
                while (handled.size() > 2) {
                    await(handled.removeFirst());
                }
            }
            while (!handled.isEmpty()) {
                await(handled.removeFirst());
            }
        } finally {
            decode.shutdownNow();
            output.shutdownNow();
        }
    }

    private static ThreadFactory daemon(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** The task's result; its exception is rethrown as it was thrown. */
    private static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdclipException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new AdclipException(String.valueOf(e.getCause().getMessage()), e.getCause());
        }
    }
}
