package com.adclip.anomaly;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.adclip.AdclipException;
import com.adclip.Inspection;
import com.adclip.clip.VisionFeatures;
import com.adclip.image.ImagePreprocessor;
import java.awt.image.BufferedImage;
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
    private final MapFusion fusion;
    private final MapPostProcessor promptPost;
    private final double promptThreshold;

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
        this.fusion = null;
        this.promptPost = null;
        this.promptThreshold = Double.NaN;
    }

    private AnomalyPredictor(AnomalyPredictor base, MapFusion fusion, MapPostProcessor fusedPost,
            MapPostProcessor promptPost, double promptThreshold) {
        this.detector = base.detector;
        this.preprocessor = base.preprocessor;
        this.post = fusedPost;
        this.maxPixels = base.maxPixels;
        this.maxDecodedBytes = base.maxDecodedBytes;
        this.manager = base.manager;
        this.imageThreshold = base.imageThreshold;
        this.fusion = fusion;
        this.promptPost = promptPost;
        this.promptThreshold = promptThreshold;
    }

    /**
     * The same predictor with {@code fusion} (a reference bank) fused into every detection and post-processed with
     * {@code fusedPost}; the image threshold (this predictor's) is then one of fused scores.
     */
    public AnomalyPredictor fused(MapFusion fusion, MapPostProcessor fusedPost) {
        return new AnomalyPredictor(this, fusion, fusedPost, null, Double.NaN);
    }

    /**
     * As {@link #fused(MapFusion, MapPostProcessor)}, each outcome also carrying the prompt-only prediction,
     * post-processed as this predictor's with {@code promptThreshold} (for side-by-side metrics).
     */
    public AnomalyPredictor fusedWithPromptOnly(MapFusion fusion, MapPostProcessor fusedPost, double promptThreshold) {
        return new AnomalyPredictor(this, fusion, fusedPost, post, promptThreshold);
    }

    /** Whether a fusion (a reference bank) is applied. */
    public boolean isFused() {
        return fusion != null;
    }

    /**
     * The result for one input of a batch: its inspection, or why it failed.
     *
     * @param image the input as given
     * @param inspection null when the image failed
     * @param error why the image failed, else null
     * @param promptOnly with a fusion asked to keep it, the prompt-only prediction; else null
     */
    public record Outcome(Path image, Inspection inspection, String error, Prediction promptOnly) {
        public Outcome(Path image, Inspection inspection, String error) {
            this(image, inspection, error, null);
        }

        public boolean failed() {
            return error != null;
        }

        /** The inspection's prediction (null when failed). */
        public Prediction prediction() {
            return inspection == null ? null : inspection.prediction();
        }

        /** The image as loaded, for overlays (null when failed). */
        public BufferedImage picture() {
            return inspection == null ? null : inspection.picture();
        }

        /** This image's share of the batch's wall time, preprocessing included. */
        public double millis() {
            return inspection == null ? 0 : inspection.millis();
        }
    }

    /** Runs one batch; the outcomes are in input order. */
    public List<Outcome> predict(List<Path> images) {
        List<Outcome> outcomes = new ArrayList<>();
        List<Integer> good = new ArrayList<>();
        List<ImagePreprocessor.Prepared> prepared = new ArrayList<>();
        long start = System.nanoTime();
        for (Path image : images) {
            try {
                prepared.add(preprocessor.prepare(image, maxPixels, maxDecodedBytes));
                good.add(outcomes.size());
                outcomes.add(null);
            } catch (AdclipException e) {
                outcomes.add(new Outcome(image, null, e.getMessage()));
            }
        }
        if (prepared.isEmpty()) {
            return outcomes;
        }
        double threshold = imageThreshold.getAsDouble();
        try (NDManager scope = manager.newSubManager()) {
            VisionFeatures features = detector.encode(batch(scope, prepared));
            Detection prompt = detector.detect(features);
            Detection detection = fusion == null ? prompt : fusion.fuse(prompt, features, detector.config().imageSize());
            NDArray smoothed = post.smoothed(detection);
            NDArray promptSmoothed = promptPost == null ? null : promptPost.smoothed(prompt);
            double share = (System.nanoTime() - start) / 1e6 / images.size();
            for (int i = 0; i < prepared.size(); i++) {
                ImagePreprocessor.Preprocessed input = prepared.get(i).input();
                Prediction prediction = post.apply(detection, smoothed, i, input.originalWidth(),
                        input.originalHeight(), threshold);
                Prediction promptOnly = promptPost == null ? null : promptPost.apply(prompt, promptSmoothed, i,
                        input.originalWidth(), input.originalHeight(), promptThreshold);
                int at = good.get(i);
                outcomes.set(at, new Outcome(images.get(at), new Inspection(prediction, prepared.get(i).rgb(), share),
                        null, promptOnly));
            }
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
}
