package com.adclip.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import com.adclip.AdclipException;
import com.adclip.anomaly.AnomalyHead;
import com.adclip.anomaly.PromptLearner;
import com.adclip.clip.ClipModel;
import com.adclip.eval.ImageAuroc;
import com.adclip.eval.MetricValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Few-shot training of the prompt learner on cached frozen-encoder features: seeded shuffling, Adam(W)
 * steps, validation and early stopping, resumable checkpoints. The CLIP weights never change.
 */
public final class Trainer {
    private final ClipModel clip;
    private final PromptLearner learner;
    private final TrainingObjective objective;
    private final TrainConfig config;
    private final List<TrainItem> train;
    private final List<TrainItem> validation;
    private final FeatureSource features;
    private final int featureLayers;
    private final int imageSize;
    private final float temperature;
    private final TrainListener listener;
    private final AtomicBoolean stopRequested = new AtomicBoolean();

    /** Features of an item for an epoch (the cache, or an augmented view of it). */
    @FunctionalInterface
    public interface FeatureSource {
        /**
         * Packed features [1 + L·T, E] of {@code item} (see {@link FeatureCache#get}) and its mask for that view.
         *
         * @param epoch 1-based; augmentation picks its view from it; 0 asks for the plain image (validation,
         *     scoring)
         */
        Features of(TrainItem item, int epoch, NDManager scope);

        /** Images run through the vision tower so far. */
        default int encoded() {
            return 0;
        }
    }

    /**
     * @param packed [1 + L·T, E] features, owned by the cache or by the scope
     * @param mask S×S 0/1 mask for this view, or null for no pixel ground truth
     */
    public record Features(NDArray packed, byte[] mask) {}

    /** Writes checkpoints: the CLI decides what goes in a manifest. */
    @FunctionalInterface
    public interface CheckpointWriter {
        /**
         * @param kind "last", "best", "epoch" or "final"
         * @param state training state for the manifest (epoch, step, validation state)
         * @param optimizer the optimiser's tensors (for resumable checkpoints; empty for "final")
         * @return the file written
         */
        Path write(String kind, int epoch, Map<String, Object> state, Map<String, NDArray> optimizer);
    }

    /**
     * Where a run starts: fresh, or from a resumable checkpoint.
     *
     * @param epoch epochs completed
     * @param steps optimiser steps taken (all epochs)
     * @param epochStep steps of epoch {@code epoch + 1} already taken (a Ctrl-C in the middle of an epoch)
     * @param epochSums the running (image, map, total) loss means of those steps, so the epoch's record comes out
     *     the same as in an uninterrupted run
     */
    public record Start(int epoch, long steps, Map<String, NDArray> optimizer, double bestValidationLoss,
            int epochsSinceBest, int epochStep, double[] epochSums) {
        public Start {
            if (epochSums.length != 3) {
                throw new IllegalArgumentException("epoch sums are (image, map, total), got " + epochSums.length);
            }
        }

        public static Start fresh() {
            return new Start(0, 0, Map.of(), Double.POSITIVE_INFINITY, 0, 0, new double[3]);
        }

        /** The start a checkpoint's training state (see {@link Trainer#run}) and optimiser tensors describe. */
        public static Start fromState(Map<?, ?> state, Map<String, NDArray> optimizer) {
            Object best = state.get("best_val_loss");
            Object step = state.get("epoch_step");
            double[] sums = new double[3];
            if (state.get("epoch_sums") instanceof List<?> saved) {
                for (int i = 0; i < sums.length; i++) {
                    sums[i] = ((Number) saved.get(i)).doubleValue();
                }
            }
            return new Start(((Number) state.get("epoch")).intValue(), ((Number) state.get("steps")).longValue(),
                    optimizer, best == null ? Double.POSITIVE_INFINITY : ((Number) best).doubleValue(),
                    ((Number) state.get("epochs_since_best")).intValue(), step == null ? 0 : ((Number) step).intValue(),
                    sums);
        }
    }

    /** Where an epoch got to: every step (complete), or {@code done} steps before a stop was requested. */
    private record Progress(int done, boolean complete, double[] sums) {}

    /** How a run ended. */
    public record Result(int epoch, boolean stoppedEarly, boolean interrupted, List<EpochRecord> log) {}

    public Trainer(ClipModel clip, PromptLearner learner, TrainingObjective objective, TrainConfig config,
            List<TrainItem> train, List<TrainItem> validation, FeatureSource features, int featureLayers,
            int imageSize, float temperature, TrainListener listener) {
        if (train.isEmpty()) {
            throw new AdclipException("there are no training images");
        }
        this.clip = clip;
        this.learner = learner;
        this.objective = objective;
        this.config = config;
        this.train = List.copyOf(train);
        this.validation = List.copyOf(validation);
        this.features = features;
        this.featureLayers = featureLayers;
        this.imageSize = imageSize;
        this.temperature = temperature;
        this.listener = listener;
    }

    /** Asks the run to stop after the current step and save {@code last}; safe from any thread. */
    public void requestStop() {
        stopRequested.set(true);
    }

    public Result run(Start start, CheckpointWriter checkpoints, NDManager manager) {
        Map<String, NDArray> params = learner.parameters();
        params.values().forEach(p -> p.setRequiresGradient(true));
        List<EpochRecord> log = new ArrayList<>();
        double best = start.bestValidationLoss();
        int sinceBest = start.epochsSinceBest();
        try (AdamOptimizer optimizer = new AdamOptimizer(config.optimizer(), manager)) {
            optimizer.restore(start.optimizer(), start.steps());
            int firstStep = start.epochStep();
            double[] carried = start.epochSums().clone();
            for (int epoch = start.epoch() + 1; epoch <= config.epochs(); epoch++) {
                long t0 = System.nanoTime();
                int encodedBefore = encodedCount();
                Progress progress = trainEpoch(epoch, firstStep, carried, params, optimizer, manager);
                firstStep = 0;
                carried = new double[3];
                if (!progress.complete()) {
                    Map<String, Object> state = state(epoch - 1, optimizer.step(), best, sinceBest, false);
                    if (progress.done() > 0) {
                        state.put("epoch_step", progress.done());
                        state.put("epoch_sums", List.of(progress.sums()[0], progress.sums()[1], progress.sums()[2]));
                    }
                    listener.saved(checkpoints.write("last", epoch - 1, state, optimizer.state()));
                    return new Result(epoch - 1, false, true, log);
                }
                double[] sums = progress.sums();
                double validationLoss = validation.isEmpty() ? Double.NaN : validationLoss(epoch, manager);
                boolean improved = !validation.isEmpty() && validationLoss < best;
                if (improved) {
                    best = validationLoss;
                    sinceBest = 0;
                } else if (!validation.isEmpty()) {
                    sinceBest++;
                }
                EpochRecord record = new EpochRecord(epoch, sums[2], sums[0], sums[1], validationLoss,
                        validationAuroc(epoch, manager), config.optimizer().learningRate(),
                        (System.nanoTime() - t0) / 1e9, encodedCount() - encodedBefore);
                log.add(record);
                listener.epochDone(record);
                Map<String, Object> state = state(epoch, optimizer.step(), best, sinceBest, false);
                listener.saved(checkpoints.write("last", epoch, state, optimizer.state()));
                if (improved) {
                    listener.saved(checkpoints.write("best", epoch, state, Map.of()));
                }
                if (config.saveEvery() > 0 && epoch % config.saveEvery() == 0) {
                    listener.saved(checkpoints.write("epoch", epoch, state, Map.of()));
                }
                if (config.patience() > 0 && sinceBest >= config.patience()) {
                    listener.note("early stop: validation loss has not improved for " + sinceBest + " epochs");
                    return new Result(epoch, true, false, log);
                }
                if (stopRequested.get()) {
                    return new Result(epoch, false, true, log);
                }
            }
        }
        return new Result(config.epochs(), false, false, log);
    }

    private int encodedCount() {
        return features.encoded();
    }

    /**
     * Training state recorded in checkpoint manifests, read back by {@link Start#fromState}: epochs completed,
     * optimiser steps, seed, validation state. A checkpoint written by a stop in the middle of an epoch also has
     * {@code epoch_step} (steps of the next epoch taken) and {@code epoch_sums} (their running loss means).
     */
    private Map<String, Object> state(int epoch, long steps, double best, int sinceBest, boolean complete) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("epoch", epoch);
        state.put("steps", steps);
        state.put("seed", config.seed());
        state.put("best_val_loss", Double.isInfinite(best) ? null : best);
        state.put("epochs_since_best", sinceBest);
        state.put("complete", complete);
        return state;
    }

    /**
     * Steps {@code firstStep..} of one epoch, adding each step's (image, map, total) loss / steps to {@code sums}.
     * Stops before a step once a stop is requested; the steps taken so far and the sums say where it got to, so
     * that a checkpoint can resume the epoch exactly there.
     */
    private Progress trainEpoch(int epoch, int firstStep, double[] sums, Map<String, NDArray> params,
            AdamOptimizer optimizer, NDManager manager) {
        List<Integer> order = shuffled(epoch);
        int steps = (order.size() + config.batchSize() - 1) / config.batchSize();
        if (firstStep < 0 || firstStep >= steps) {
            throw new AdclipException("the checkpoint stopped at step " + firstStep + " of epoch " + epoch + ", which "
                    + "has " + steps + " steps with this data and batch size; resume with the same data and batch size");
        }
        listener.epochStarted(epoch, steps);
        for (int step = firstStep; step < steps; step++) {
            if (stopRequested.get()) {
                return new Progress(step, false, sums);
            }
            trainStep(epoch, step, steps, slice(order, step), sums, params, optimizer, manager);
        }
        return new Progress(steps, true, sums);
    }

    private void trainStep(int epoch, int step, int steps, List<TrainItem> items, double[] sums,
            Map<String, NDArray> params, AdamOptimizer optimizer, NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            TrainingBatch batch = batch(items, epoch, scope);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                TrainingObjective.Parts parts = objective.loss(learner, batch);
                scope.attachAll(parts.image(), parts.map(), parts.total());
                double total = parts.total().getFloat();
                if (!Double.isFinite(total)) {
                    throw new AdclipException(String.format(
                            "the loss became %s at epoch %d, batch %d (%s); training stopped, the last good "
                                    + "checkpoint is kept (lower --lr?)", total, epoch, step + 1, names(items)));
                }
                collector.backward(parts.total());
                double image = parts.image().getFloat();
                double map = parts.map().getFloat();
                sums[0] += image / steps;
                sums[1] += map / steps;
                sums[2] += total / steps;
                listener.stepDone(epoch, step + 1, image, map, total, config.optimizer().learningRate());
            }
            optimizer.update(params);
            params.values().forEach(p -> JniUtils.zeroGrad((PtNDArray) p));
        }
    }

    private static String names(List<TrainItem> items) {
        List<String> names = new ArrayList<>();
        items.forEach(i -> names.add(i.image().getFileName().toString()));
        return String.join(", ", names);
    }

    /** The epoch's order: a shuffle seeded by (seed, epoch), so a resumed run sees the same batches. */
    List<Integer> shuffled(int epoch) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(config.seed() * 1_000_003L + epoch));
        return order;
    }

    private List<TrainItem> slice(List<Integer> order, int step) {
        int from = step * config.batchSize();
        int to = Math.min(order.size(), from + config.batchSize());
        List<TrainItem> items = new ArrayList<>();
        for (int i = from; i < to; i++) {
            items.add(train.get(order.get(i)));
        }
        return items;
    }

    /** Cached features, labels and masks of some items, as fp32 arrays in {@code scope}. */
    TrainingBatch batch(List<TrainItem> items, int epoch, NDManager scope) {
        NDList packed = new NDList();
        List<byte[]> masks = new ArrayList<>();
        List<Long> maskRows = new ArrayList<>();
        long[] labels = new long[items.size()];
        for (int i = 0; i < items.size(); i++) {
            TrainItem item = items.get(i);
            Features f = features.of(item, epoch, scope);
            packed.add(f.packed());
            labels[i] = item.anomalous() ? 1 : 0;
            if (f.mask() != null) {
                masks.add(f.mask());
                maskRows.add((long) i);
            }
        }
        NDArray stacked = NDArrays.stack(packed); // [B, 1 + L·T, E]
        stacked.attach(scope);
        List<NDArray> parts = FeatureCache.unpack(stacked, featureLayers);
        int grid = (int) Math.round(Math.sqrt(parts.get(1).getShape().get(1) - 1));
        NDArray maskArray = masks.isEmpty() ? null : maskArray(masks, scope);
        NDArray rows = scope.create(maskRows.stream().mapToLong(Long::longValue).toArray());
        return new TrainingBatch(parts.get(0), parts.subList(1, parts.size()), grid, scope.create(labels), maskArray,
                rows);
    }

    private NDArray maskArray(List<byte[]> masks, NDManager scope) {
        int pixels = imageSize * imageSize;
        float[] values = new float[masks.size() * pixels];
        for (int m = 0; m < masks.size(); m++) {
            byte[] mask = masks.get(m);
            for (int p = 0; p < pixels; p++) {
                values[m * pixels + p] = mask[p];
            }
        }
        return scope.create(values, new Shape(masks.size(), imageSize, imageSize));
    }

    /** Mean weighted loss over the validation set, without gradients. */
    private double validationLoss(int epoch, NDManager manager) {
        double sum = 0;
        int batches = 0;
        for (int from = 0; from < validation.size(); from += config.batchSize()) {
            List<TrainItem> items = validation.subList(from, Math.min(validation.size(), from + config.batchSize()));
            try (NDManager scope = manager.newSubManager()) {
                TrainingObjective.Parts parts = objective.loss(learner, batch(items, 0, scope));
                scope.attachAll(parts.image(), parts.map(), parts.total());
                sum += parts.total().getFloat();
                batches++;
            }
        }
        return sum / batches;
    }

    /** Image AUROC on the validation set; NaN without validation or when it has a single class. */
    private double validationAuroc(int epoch, NDManager manager) {
        if (validation.isEmpty()) {
            return Double.NaN;
        }
        boolean[] anomalous = new boolean[validation.size()];
        for (int i = 0; i < anomalous.length; i++) {
            anomalous[i] = validation.get(i).anomalous();
        }
        MetricValue auroc = ImageAuroc.compute(anomalous, scores(validation, manager));
        return auroc.computable() ? auroc.get() : Double.NaN;
    }

    /** Image scores (anomaly probabilities) of items under the current prompts, from cached features. */
    public double[] scores(List<TrainItem> items, NDManager manager) {
        double[] scores = new double[items.size()];
        try (NDManager scope = manager.newSubManager()) {
            NDArray text = AnomalyHead.normalize(learner.encode(clip));
            text.attach(scope);
            for (int from = 0; from < items.size(); from += config.batchSize()) {
                List<TrainItem> slice = items.subList(from, Math.min(items.size(), from + config.batchSize()));
                TrainingBatch batch = batch(slice, 0, scope);
                NDArray probs = AnomalyHead.imageLogits(batch.global(), text, temperature).softmax(-1);
                float[] p = probs.toType(DataType.FLOAT32, false).toFloatArray();
                for (int i = 0; i < slice.size(); i++) {
                    scores[from + i] = p[2 * i + 1];
                }
            }
        }
        return scores;
    }

}
