package com.adclip;

import com.adclip.anomaly.AnomalyPredictor;
import com.adclip.data.InputFiles;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;

/**
 * Batches through a {@link Detector} in three overlapping stages: decoding and preprocessing of the next batch
 * (one thread), the network on this batch (the calling thread), and the caller's handling of the previous
 * batch's outcomes, e.g. writing files (one thread, batches in order). At most two batches wait to be
 * handled, so memory stays bounded when handling is the slow part. Used by predict (on its expanded inputs,
 * {@link #inspectInputs}) and by bench.
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

    /**
     * What happens to a batch of inputs, on the handling thread, in input order: {@code outcomes} line up with
     * {@code inputs}; an input that failed before the model (a folder that could not be listed) is a failed
     * outcome with its error.
     */
    @FunctionalInterface
    public interface InputSink {
        void accept(List<InputFiles.Input> inputs, List<Outcome> outcomes);
    }

    private InspectionPipeline() {}

    /** {@link #run} on {@code inputs} in batches of {@code batchSize}; inputs that already failed skip the model. */
    public static void inspectInputs(Detector detector, List<InputFiles.Input> inputs, int batchSize,
            InputSink sink) {
        List<List<InputFiles.Input>> batches = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i += batchSize) {
            batches.add(inputs.subList(i, Math.min(inputs.size(), i + batchSize)));
        }
        List<List<Path>> usable = batches.stream()
                .map(batch -> batch.stream().filter(input -> input.error() == null).map(InputFiles.Input::path).toList())
                .toList();
        run(detector, usable, (b, outcomes, stages) -> sink.accept(batches.get(b), merged(batches.get(b), outcomes)));
    }

    /** The model's outcomes for a batch's usable inputs, with the inputs that failed before it in their places. */
    static List<Outcome> merged(List<InputFiles.Input> batch, List<Outcome> outcomes) {
        Iterator<Outcome> found = outcomes.iterator();
        List<Outcome> all = new ArrayList<>();
        for (InputFiles.Input input : batch) {
            all.add(input.error() == null ? found.next() : new Outcome(input.path(), null, input.error()));
        }
        return all;
    }

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

    /** The task's result ({@link com.adclip.Futures#await}). */
    private static <T> T await(Future<T> future) {
        return com.adclip.Futures.await(future, "inspecting images");
    }
}
