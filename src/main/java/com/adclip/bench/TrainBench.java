package com.adclip.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.anomaly.PromptLearner;
import com.adclip.clip.ClipModel;
import com.adclip.image.ImagePreprocessor;
import com.adclip.image.PreprocessConfig;
import com.adclip.clip.VisionRequest;
import com.adclip.train.EpochRecord;
import com.adclip.train.FeatureCache;
import com.adclip.train.LossWeights;
import com.adclip.train.OptimizerConfig;
import com.adclip.train.TrainConfig;
import com.adclip.train.TrainItem;
import com.adclip.train.TrainListener;
import com.adclip.train.Trainer;
import com.adclip.train.TrainingObjective;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code adclip bench --train}: seconds per training epoch, first and later, with the frozen-encoder feature
 * cache or without it (the reference's way: the image tower on every step), plus the cache's memory.
 */
public final class TrainBench {
    /** What one run measured. */
    public record Result(List<EpochRecord> epochs, long cacheBytes, int cachedImages, long peakRssBytes) {}

    private TrainBench() {}

    public static Result run(ClipModel clip, DetectorConfig detector, List<Path> images, int batchSize, int epochs,
            boolean cached, NDManager manager) {
        int size = detector.imageSize();
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.reference(size));
        List<TrainItem> items = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            boolean defect = i % 2 == 1;
            items.add(new TrainItem(images.get(i), "bench-" + i, defect, defect ? squareMask(size) : new byte[size * size]));
        }
        VisionRequest request = new VisionRequest(detector.dpam(), detector.featureBlocks());
        try (PromptLearner learner = PromptLearner.initialise(detector.prompts(), clip, manager, 0);
                FeatureCache cache = new FeatureCache(clip, request, "bench", FeatureCache.Precision.FP32, null,
                        manager)) {
            Trainer.FeatureSource source = (item, epoch, scope) -> {
                NDArray packed = cached
                        ? cache.get(item.contentHash(), () -> preprocessor.pixels(scope, item.image()), scope)
                        : cache.encodeUncached(preprocessor.pixels(scope, item.image()), scope);
                return new Trainer.Features(packed, item.mask());
            };
            OptimizerConfig adamw = new OptimizerConfig(OptimizerConfig.Kind.ADAMW, TrainConfig.DEFAULT_LR, 0.9f, 0.999f,
                    1e-8f, 0.01f);
            LossWeights weights = new LossWeights(1, 4);
            TrainConfig config = new TrainConfig(epochs, batchSize, adamw, weights, 0, 0, 0, 0);
            List<EpochRecord> log = new ArrayList<>();
            TrainListener listener = new TrainListener() {
                @Override
                public void epochDone(EpochRecord record) {
                    log.add(record);
                }
            };
            Trainer trainer = new Trainer(clip, learner,
                    new TrainingObjective(clip, weights, size, detector.temperature()), config, items, List.of(), source,
                    detector.featureBlocks().size(), size, detector.temperature(), listener);
            trainer.run(Trainer.Start.fresh(), (kind, epoch, state, optimizer) -> Path.of("none"), manager);
            return new Result(log, cache.storedBytes(), cached ? cache.computed() : 0, peakRss());
        }
    }

    /** A centred square covering a ninth of the image. */
    private static byte[] squareMask(int size) {
        byte[] mask = new byte[size * size];
        for (int y = size / 3; y < 2 * size / 3; y++) {
            for (int x = size / 3; x < 2 * size / 3; x++) {
                mask[y * size + x] = 1;
            }
        }
        return mask;
    }

    /** The process's peak resident memory (Linux VmHWM), or -1. */
    public static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
