package com.adclip.anomaly;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.adclip.AdclipException;
import com.adclip.clip.ImagePreprocessor;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Image files in, answers out: preprocessing, the detector, post-processing. An image that cannot be used
 * (unreadable, corrupt, too large) becomes a failed {@link Outcome}; the others go on.
 */
public final class Predictor {
    private final AnomalyDetector detector;
    private final ImagePreprocessor preprocessor;
    private final PostProcessor post;
    private final long maxPixels;
    private final NDManager manager;
    private final Function<ImagePreprocessor.Source, Prediction> perImage;

    /**
     * @param manager where each batch's scope is opened; nothing stays in it after a call
     * @param maxPixels images with more pixels are refused before decoding
     */
    public Predictor(AnomalyDetector detector, ImagePreprocessor preprocessor, PostProcessor post, long maxPixels,
            NDManager manager) {
        this(detector, preprocessor, post, maxPixels, manager, null);
    }

    private Predictor(AnomalyDetector detector, ImagePreprocessor preprocessor, PostProcessor post, long maxPixels,
            NDManager manager, Function<ImagePreprocessor.Source, Prediction> perImage) {
        if (preprocessor.config().size() != detector.config().imageSize()) {
            throw new IllegalArgumentException("preprocessing size " + preprocessor.config().size()
                    + " differs from the detector's image size " + detector.config().imageSize());
        }
        this.detector = detector;
        this.preprocessor = preprocessor;
        this.post = post;
        this.maxPixels = maxPixels;
        this.manager = manager;
        this.perImage = perImage;
    }

    /**
     * This predictor answering each image with {@code perImage} (tiling: see {@code com.adclip.tile}) instead
     * of the batched whole-image path; images are still loaded here, with the same pixel limit.
     */
    public Predictor withPerImage(Function<ImagePreprocessor.Source, Prediction> value) {
        return new Predictor(detector, preprocessor, post, maxPixels, manager, value);
    }

    private List<Outcome> predictEach(List<Path> images) {
        List<Outcome> outcomes = new ArrayList<>();
        for (Path image : images) {
            long t0 = System.nanoTime();
            try {
                ImagePreprocessor.Source source = preprocessor.load(image, maxPixels);
                Prediction prediction = perImage.apply(source);
                outcomes.add(new Outcome(image, prediction, source.rgb(), null, (System.nanoTime() - t0) / 1e6));
            } catch (AdclipException e) {
                outcomes.add(new Outcome(image, null, null, e.getMessage(), (System.nanoTime() - t0) / 1e6));
            }
        }
        return outcomes;
    }

    /**
     * The result for one input.
     *
     * @param image the input as given
     * @param prediction null when the image failed
     * @param picture the image as loaded, for overlays (null when failed)
     * @param error why the image failed, else null
     * @param millis this image's share of the wall time, preprocessing included
     */
    public record Outcome(Path image, Prediction prediction, BufferedImage picture, String error, double millis) {
        public boolean failed() {
            return error != null;
        }
    }

    /** Runs one batch; the outcomes are in input order. */
    public List<Outcome> predict(List<Path> images) {
        if (perImage != null) {
            return predictEach(images);
        }
        List<Outcome> outcomes = new ArrayList<>();
        List<Integer> good = new ArrayList<>();
        List<ImagePreprocessor.Prepared> prepared = new ArrayList<>();
        long start = System.nanoTime();
        for (Path image : images) {
            long t0 = System.nanoTime();
            try {
                prepared.add(preprocessor.prepare(image, maxPixels));
                good.add(outcomes.size());
                outcomes.add(null);
            } catch (AdclipException e) {
                outcomes.add(new Outcome(image, null, null, e.getMessage(), (System.nanoTime() - t0) / 1e6));
            }
        }
        if (prepared.isEmpty()) {
            return outcomes;
        }
        try (NDManager scope = manager.newSubManager()) {
            Detection detection = detector.detect(batch(scope, prepared));
            NDArray smoothed = post.smoothed(detection);
            double share = (System.nanoTime() - start) / 1e6 / images.size();
            for (int i = 0; i < prepared.size(); i++) {
                ImagePreprocessor.Preprocessed input = prepared.get(i).input();
                Prediction prediction = post.apply(detection, smoothed, i, input.originalWidth(),
                        input.originalHeight());
                int at = good.get(i);
                outcomes.set(at, new Outcome(images.get(at), prediction, prepared.get(i).rgb(), null, share));
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
