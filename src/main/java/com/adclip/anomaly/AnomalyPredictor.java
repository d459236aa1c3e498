package com.adclip.anomaly;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.adclip.AdclipException;
import com.adclip.Inspection;
import com.adclip.Outcome;
import com.adclip.image.ImagePreprocessor;
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
            Detection detection = detector.detect(batch(scope, prepared));
            NDArray smoothed = post.smoothed(detection);
            double share = (System.nanoTime() - start) / 1e6 / images.size();
            for (int i = 0; i < prepared.size(); i++) {
                ImagePreprocessor.Preprocessed input = prepared.get(i).input();
                Prediction prediction = post.apply(detection, smoothed, i, input.originalWidth(),
                        input.originalHeight(), threshold);
                int at = good.get(i);
                outcomes.set(at, new Outcome(images.get(at), new Inspection(prediction, prepared.get(i).rgb(), share, threshold),
                        null));
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
