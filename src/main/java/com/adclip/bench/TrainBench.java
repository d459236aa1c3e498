package com.adclip.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.adclip.DetectorAssembly;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code adclip bench --train}: seconds per training epoch, first and later, with the frozen-encoder feature
 * cache or without it (the reference's way: the image tower on every step), plus the cache's memory.
 */
public final class TrainBench {
    /** What one run measured. */
    record Result(List<EpochRecord> epochs, long cacheBytes, int cachedImages, long peakRssBytes) {}

    /**
     * @param model what the line names as the model
     * @param images synthetic training images, half of them with a defect mask
     * @param batchSize images per step
     * @param epochs epochs to time
     * @param cached whether frozen-encoder features are cached (else the image tower runs on every step)
     * @param sourceWidth width of the synthetic images
     * @param sourceHeight their height
     */
    public record Options(String model, int images, int batchSize, int epochs, boolean cached, int sourceWidth,
            int sourceHeight) {}

    private TrainBench() {}

    /** Trains fresh prompts of {@code parts} on synthetic images; the JSON line the command prints. */
    public static Map<String, Object> run(DetectorAssembly parts, Options options) throws IOException {
        Result result;
        try (BenchImages images = new BenchImages()) {
            List<Path> files = images.write(options.images(), options.sourceWidth(), options.sourceHeight());
            result = run(parts.clip(), parts.learner(), parts.config(), files, options.batchSize(), options.epochs(),
                    options.cached(), parts.manager());
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("model", options.model());
        line.put("mode", options.cached() ? "train-cached" : "train-no-cache");
        line.put("image_size", parts.config().imageSize());
        line.put("images", options.images());
        line.put("batch_size", options.batchSize());
        line.put("threads", JniUtils.getNumThreads());
        List<EpochRecord> log = result.epochs();
        line.put("first_epoch_seconds", Machine.round(log.get(0).seconds()));
        if (log.size() > 1) {
            double later = log.subList(1, log.size()).stream().mapToDouble(EpochRecord::seconds).average()
                    .orElseThrow();
            int steps = (options.images() + options.batchSize() - 1) / options.batchSize();
            line.put("later_epoch_seconds", Machine.round(later));
            line.put("later_seconds_per_step", Machine.round(later / steps));
        }
        if (options.cached()) {
            line.put("cache_mb_per_image", Machine.round(result.cacheBytes() / 1e6 / Math.max(1, result.cachedImages())));
            line.put("cache_mb_total", Machine.round(result.cacheBytes() / 1e6));
        }
        line.put("peak_rss_mb", Machine.round(result.peakRssBytes() / 1e6));
        line.put("cpu", Machine.cpuName());
        return line;
    }

    private static Result run(ClipModel clip, PromptLearner learner, DetectorConfig detector, List<Path> images,
            int batchSize, int epochs, boolean cached, NDManager manager) {
        int size = detector.imageSize();
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.reference(size));
        List<TrainItem> items = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            boolean defect = i % 2 == 1;
            items.add(new TrainItem(images.get(i), "bench-" + i, defect, defect ? squareMask(size) : new byte[size * size]));
        }
        VisionRequest request = new VisionRequest(detector.dpam(), detector.featureBlocks());
        try (FeatureCache cache = new FeatureCache(clip, request, "bench", FeatureCache.Precision.FP32, null,
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
            TrainConfig config = new TrainConfig(epochs, batchSize, adamw, weights, 0, 0, 0);
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
            return new Result(log, cache.storedBytes(), cached ? cache.computed() : 0, Machine.peakRss());
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
}
