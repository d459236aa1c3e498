package com.adclip.anomaly;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.adclip.AdclipException;
import com.adclip.clip.ImagePreprocessor;
import com.adclip.clip.VisionFeatures;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
    private final MapFusion fusion;
    private final PostProcessor promptPost;

    /**
     * @param manager where each batch's scope is opened; nothing stays in it after a call
     * @param maxPixels images with more pixels are refused before decoding
     */
    public Predictor(AnomalyDetector detector, ImagePreprocessor preprocessor, PostProcessor post, long maxPixels,
            NDManager manager) {
        if (preprocessor.config().size() != detector.config().imageSize()) {
            throw new IllegalArgumentException("preprocessing size " + preprocessor.config().size()
                    + " differs from the detector's image size " + detector.config().imageSize());
        }
        this.detector = detector;
        this.preprocessor = preprocessor;
        this.post = post;
        this.maxPixels = maxPixels;
        this.manager = manager;
        this.fusion = null;
        this.promptPost = null;
    }

    private Predictor(Predictor base, MapFusion fusion, PostProcessor fusedPost, PostProcessor promptPost) {
        this.detector = base.detector;
        this.preprocessor = base.preprocessor;
        this.post = fusedPost;
        this.maxPixels = base.maxPixels;
        this.manager = base.manager;
        this.fusion = fusion;
        this.promptPost = promptPost;
    }

    /**
     * The same predictor with {@code fusion} (a reference bank) fused into every detection, post-processed with
     * {@code fusedPost} (thresholds of the fused space).
     *
     * @param promptOnly whether each outcome also carries the prompt-only prediction (post-processed as this
     *     predictor's), for side-by-side metrics
     */
    public Predictor fused(MapFusion fusion, PostProcessor fusedPost, boolean promptOnly) {
        return new Predictor(this, fusion, fusedPost, promptOnly ? post : null);
    }

    /** Whether a fusion (a reference bank) is applied. */
    public boolean isFused() {
        return fusion != null;
    }

    /**
     * The result for one input.
     *
     * @param image the input as given
     * @param prediction null when the image failed
     * @param picture the image as loaded, for overlays (null when failed)
     * @param error why the image failed, else null
     * @param millis this image's share of the wall time, preprocessing included
     * @param promptOnly with a fusion asked to keep it, the prompt-only prediction; else null
     */
    public record Outcome(Path image, Prediction prediction, BufferedImage picture, String error, double millis,
            Prediction promptOnly) {
        public Outcome(Path image, Prediction prediction, BufferedImage picture, String error, double millis) {
            this(image, prediction, picture, error, millis, null);
        }

        public boolean failed() {
            return error != null;
        }
    }

    /** Runs one batch; the outcomes are in input order. */
    public List<Outcome> predict(List<Path> images) {
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
            NDArray pixels = batch(scope, prepared);
            VisionFeatures features = detector.encode(pixels);
            Detection prompt = detector.detect(features);
            Detection detection = fusion == null ? prompt : fusion.fuse(prompt, features, detector.config().imageSize());
            NDArray smoothed = post.smoothed(detection);
            NDArray promptSmoothed = promptPost == null ? null : promptPost.smoothed(prompt);
            double share = (System.nanoTime() - start) / 1e6 / images.size();
            for (int i = 0; i < prepared.size(); i++) {
                ImagePreprocessor.Preprocessed input = prepared.get(i).input();
                Prediction prediction = post.apply(detection, smoothed, i, input.originalWidth(),
                        input.originalHeight());
                Prediction promptOnly = promptPost == null ? null : promptPost.apply(prompt, promptSmoothed, i,
                        input.originalWidth(), input.originalHeight());
                int at = good.get(i);
                outcomes.set(at, new Outcome(images.get(at), prediction, prepared.get(i).rgb(), null, share,
                        promptOnly));
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
