package com.adclip.anomaly;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.adclip.AdclipException;
import com.adclip.Inspection;
import com.adclip.clip.VisionFeatures;
import com.adclip.Outcome;
import com.adclip.image.ImagePreprocessor;
import com.adclip.types.DefectTypes;
import com.adclip.types.PatchTypes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * Image files in, answers out: preprocessing, the detector, post-processing. An image that cannot be used
 * (unreadable, corrupt, too large) becomes a failed {@link Outcome}; the others go on.
 */
public final class AnomalyPredictor {
    private final AnomalyDetector detector;
    private final ImagePreprocessor preprocessor;
    private final MapPostProcessor post;
    private final long maxPixels;
    private final long maxDecodedBytes;
    private final NDManager manager;
    private final DoubleSupplier imageThreshold;
    private final PerImage perImage;
    private final MapFusion fusion;
    private final MapPostProcessor promptPost;
    private final double promptThreshold;
    private final DefectTypes types;

    /**
     * Answers one image held at full resolution (tiling: see {@code com.adclip.tile}) instead of the batched
     * whole-image path.
     */
    @FunctionalInterface
    public interface PerImage {
        /** @param imageThreshold NG when the score is at or above it */
        Answer predict(ImagePreprocessor.Source source, double imageThreshold);
    }

    /**
     * What {@link PerImage} gives for one image.
     *
     * @param promptOnly the prompt-only answer beside a fused one (reference bank), else null
     */
    public record Answer(Prediction prediction, Prediction promptOnly) {}

    /**
     * @param manager where each batch's scope is opened; nothing stays in it after a call
     * @param maxPixels images with more pixels are refused before decoding
     * @param imageThreshold read once per batch: NG when the score is at or above it
     */
    public AnomalyPredictor(AnomalyDetector detector, ImagePreprocessor preprocessor, MapPostProcessor post,
            long maxPixels, NDManager manager, DoubleSupplier imageThreshold) {
        this(detector, preprocessor, post, maxPixels, Long.MAX_VALUE, manager, imageThreshold);
    }

    /**
     * As the other constructor, also refusing before decoding the images whose raw decode is more than
     * {@code maxDecodedBytes} ({@link com.adclip.image.DecodeBudget}).
     */
    public AnomalyPredictor(AnomalyDetector detector, ImagePreprocessor preprocessor, MapPostProcessor post,
            long maxPixels, long maxDecodedBytes, NDManager manager, DoubleSupplier imageThreshold) {
        this(detector, preprocessor, post, maxPixels, maxDecodedBytes, manager, imageThreshold, null, null, null,
                Double.NaN, null);
    }

    private AnomalyPredictor(AnomalyDetector detector, ImagePreprocessor preprocessor, MapPostProcessor post,
            long maxPixels, long maxDecodedBytes, NDManager manager, DoubleSupplier imageThreshold,
            PerImage perImage, MapFusion fusion, MapPostProcessor promptPost, double promptThreshold,
            DefectTypes types) {
        if (preprocessor.config().size() != detector.config().imageSize()) {
            throw new IllegalArgumentException("preprocessing size " + preprocessor.config().size()
                    + " differs from the detector's image size " + detector.config().imageSize());
        }
        this.detector = detector;
        this.preprocessor = preprocessor;
        this.post = post;
        this.maxPixels = maxPixels;
        this.maxDecodedBytes = maxDecodedBytes;
        this.manager = manager;
        this.imageThreshold = imageThreshold;
        this.perImage = perImage;
        this.fusion = fusion;
        this.promptPost = promptPost;
        this.promptThreshold = promptThreshold;
        this.types = types;
    }

    /**
     * This predictor also giving every region and image its defect types ({@code value}, null for none); not on
     * the per-image (tiled) path.
     */
    public AnomalyPredictor withTypes(DefectTypes value) {
        return new AnomalyPredictor(detector, preprocessor, post, maxPixels, maxDecodedBytes, manager, imageThreshold,
                perImage, fusion, promptPost, promptThreshold, value);
    }

    /**
     * This predictor answering each image with {@code value} instead of the batched whole-image path. Images
     * are still loaded here, with the same pixel and decode limits, but at full resolution (never subsampled).
     * A fusion is not applied on that path ({@code value} answers alone, a bank fused in by itself).
     */
    public AnomalyPredictor withPerImage(PerImage value) {
        return new AnomalyPredictor(detector, preprocessor, post, maxPixels, maxDecodedBytes, manager, imageThreshold,
                value, fusion, promptPost, promptThreshold, types);
    }

    /**
     * The same predictor with {@code fusion} (a reference bank) fused into every detection and post-processed with
     * {@code fusedPost}; the image threshold (this predictor's) is then one of fused scores.
     */
    public AnomalyPredictor fused(MapFusion fusion, MapPostProcessor fusedPost) {
        return new AnomalyPredictor(detector, preprocessor, fusedPost, maxPixels, maxDecodedBytes, manager,
                imageThreshold, perImage, fusion, null, Double.NaN, types);
    }

    /**
     * As {@link #fused(MapFusion, MapPostProcessor)}, each outcome also carrying the prompt-only prediction,
     * post-processed as this predictor's with {@code promptThreshold} (for side-by-side metrics).
     */
    public AnomalyPredictor fusedWithPromptOnly(MapFusion fusion, MapPostProcessor fusedPost, double promptThreshold) {
        return new AnomalyPredictor(detector, preprocessor, fusedPost, maxPixels, maxDecodedBytes, manager,
                imageThreshold, perImage, fusion, post, promptThreshold, types);
    }

    /** Whether a fusion (a reference bank) is applied. */
    public boolean isFused() {
        return fusion != null;
    }

    /**
     * Where the time of the last batch went, in milliseconds: decoding + preprocessing, the network (image
     * tower, head, maps at S×S), post-processing (smoothing, map at image size, verdict, regions).
     */
    public record StageTimes(double prepareMs, double networkMs, double postMs) {}

    private volatile StageTimes lastStages;

    /** The stage times of the last whole-image batch, or null before the first. */
    public StageTimes lastStageTimes() {
        return lastStages;
    }

    /** Runs one batch; the outcomes are in input order. */
    public List<Outcome> predict(List<Path> images) {
        return infer(prepare(images));
    }

    /**
     * A batch decoded and preprocessed, not yet run. {@link #prepare} may run on another thread than
     * {@link #infer}: predict decodes the next batch while the network runs on this one.
     */
    public static final class Prepared {
        private final List<Path> images;
        private final List<Outcome> outcomes = new ArrayList<>();
        private final List<Integer> good = new ArrayList<>();
        private final List<ImagePreprocessor.Prepared> inputs = new ArrayList<>();
        private final boolean deferred;
        private long preparedNanos;

        private Prepared(List<Path> images, boolean deferred) {
            this.images = List.copyOf(images);
            this.deferred = deferred;
        }

        /**
         * Batches prepared apart (e.g. on several request threads) as one batch of all their images, in order;
         * the preparation time is their sum. All must come from the same predictor.
         */
        public static Prepared concat(List<Prepared> parts) {
            if (parts.size() == 1) {
                return parts.get(0);
            }
            List<Path> images = new ArrayList<>();
            parts.forEach(part -> images.addAll(part.images));
            Prepared batch = new Prepared(images, parts.get(0).deferred);
            for (Prepared part : parts) {
                if (part.deferred != batch.deferred) {
                    throw new IllegalArgumentException("batches of different predictors cannot be joined");
                }
                int offset = batch.outcomes.size();
                part.good.forEach(at -> batch.good.add(offset + at));
                batch.outcomes.addAll(part.outcomes);
                batch.inputs.addAll(part.inputs);
                batch.preparedNanos += part.preparedNanos;
            }
            return batch;
        }
    }

    /**
     * Decodes and preprocesses a batch; unusable images become failed outcomes. Safe to call on another thread
     * while {@link #infer} runs. Tiled inspections decode tile by tile, so their batch is only recorded here.
     */
    public Prepared prepare(List<Path> images) {
        Prepared batch = new Prepared(images, perImage != null);
        if (batch.deferred) {
            return batch;
        }
        long start = System.nanoTime();
        for (Path image : images) {
            try {
                batch.inputs.add(preprocessor.prepare(image, maxPixels, maxDecodedBytes));
                batch.good.add(batch.outcomes.size());
                batch.outcomes.add(null);
            } catch (AdclipException e) {
                batch.outcomes.add(new Outcome(image, null, e.getMessage()));
            }
        }
        batch.preparedNanos = System.nanoTime() - start;
        return batch;
    }

    /**
     * The network and post-processing on a {@linkplain #prepare prepared} batch; outcomes in input order. An
     * image's time counts its own decoding, even when that ran earlier on another thread.
     */
    public List<Outcome> infer(Prepared batch) {
        if (batch.deferred) {
            return predictEach(batch.images);
        }
        List<Path> images = batch.images;
        List<Outcome> outcomes = new ArrayList<>(batch.outcomes);
        List<Integer> good = batch.good;
        List<ImagePreprocessor.Prepared> prepared = batch.inputs;
        if (prepared.isEmpty()) {
            return outcomes;
        }
        long start = System.nanoTime() - batch.preparedNanos;
        double threshold = imageThreshold.getAsDouble();
        try (NDManager scope = manager.newSubManager()) {
            long t0 = System.nanoTime();
            VisionFeatures features = detector.encode(batch(scope, prepared));
            Detection prompt = detector.detect(features);
            Detection detection = fusion == null ? prompt : fusion.fuse(prompt, features, detector.config().imageSize());
            List<PatchTypes> patchTypes = types == null ? null : types.patchTypes(features);
            long t1 = System.nanoTime();
            NDArray smoothed = post.smoothed(detection);
            NDArray promptSmoothed = promptPost == null ? null : promptPost.smoothed(prompt);
            double share = (System.nanoTime() - start) / 1e6 / images.size();
            for (int i = 0; i < prepared.size(); i++) {
                ImagePreprocessor.Preprocessed input = prepared.get(i).input();
                RegionTyping typing = patchTypes == null ? null
                        : RegionTyping.of(patchTypes.get(i), types.fusion());
                Prediction prediction = post.apply(detection, smoothed, i, input.originalWidth(),
                        input.originalHeight(), threshold, typing);
                Prediction promptOnly = promptPost == null ? null : promptPost.apply(prompt, promptSmoothed, i,
                        input.originalWidth(), input.originalHeight(), promptThreshold);
                int at = good.get(i);
                outcomes.set(at, new Outcome(images.get(at), new Inspection(prediction, prepared.get(i).rgb(), share,
                        threshold), null, promptOnly));
            }
            lastStages = new StageTimes((t0 - start) / 1e6, (t1 - t0) / 1e6, (System.nanoTime() - t1) / 1e6);
        }
        return outcomes;
    }

    private NDArray batch(NDManager scope, List<ImagePreprocessor.Prepared> prepared) {
        int s = preprocessor.config().size();
        int plane = 3 * s * s;
        float[] values = new float[prepared.size() * plane];
        for (int i = 0; i < prepared.size(); i++) {
            System.arraycopy(prepared.get(i).input().pixels(), 0, values, i * plane, plane);
        }
        return scope.create(values, new Shape(prepared.size(), 3, s, s));
    }

    private List<Outcome> predictEach(List<Path> images) {
        double threshold = imageThreshold.getAsDouble();
        List<Outcome> outcomes = new ArrayList<>();
        for (Path image : images) {
            long t0 = System.nanoTime();
            try {
                ImagePreprocessor.Source source = preprocessor.load(image, maxPixels, maxDecodedBytes);
                Answer answer = perImage.predict(source, threshold);
                double millis = (System.nanoTime() - t0) / 1e6;
                outcomes.add(new Outcome(image, new Inspection(answer.prediction(), source.rgb(), millis, threshold),
                        null, answer.promptOnly()));
            } catch (AdclipException e) {
                outcomes.add(new Outcome(image, null, e.getMessage()));
            }
        }
        return outcomes;
    }
}
