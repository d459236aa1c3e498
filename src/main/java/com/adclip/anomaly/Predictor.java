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

    /**
     * Where the time of the last batch went, in milliseconds: decoding + preprocessing, the network (image
     * tower, head, maps at S×S), post-processing (smoothing, map at image size, verdict, regions).
     */
    public record StageTimes(double prepareMs, double networkMs, double postMs) {}

    private volatile StageTimes lastStages;

    /** The stage times of the last batch {@link #infer} ran, or null before the first. */
    public StageTimes lastStageTimes() {
        return lastStages;
    }

    /** Runs one batch; the outcomes are in input order. */
    public List<Outcome> predict(List<Path> images) {
        return infer(prepare(images));
    }

    /**
     * A batch decoded and preprocessed, not yet run: {@link #prepare} may run on another thread than
     * {@link #infer} (predict decodes the next batch while the network runs on this one).
     */
    public static final class Prepared {
        private final List<Path> images;
        private final List<Outcome> outcomes = new ArrayList<>();
        private final List<Integer> good = new ArrayList<>();
        private final List<ImagePreprocessor.Prepared> inputs = new ArrayList<>();
        private final long started;
        private long preparedNanos;

        private Prepared(List<Path> images, long started) {
            this.images = List.copyOf(images);
            this.started = started;
        }
    }

    /** Decoding and preprocessing of a batch; unusable images become failed outcomes. Thread-safe. */
    public Prepared prepare(List<Path> images) {
        Prepared batch = new Prepared(images, System.nanoTime());
        for (Path image : images) {
            long t0 = System.nanoTime();
            try {
                batch.inputs.add(preprocessor.prepare(image, maxPixels));
                batch.good.add(batch.outcomes.size());
                batch.outcomes.add(null);
            } catch (AdclipException e) {
                batch.outcomes.add(new Outcome(image, null, null, e.getMessage(), (System.nanoTime() - t0) / 1e6));
            }
        }
        batch.preparedNanos = System.nanoTime() - batch.started;
        return batch;
    }

    /** The network and post-processing on a prepared batch; the outcomes are in input order. */
    public List<Outcome> infer(Prepared batch) {
        List<Outcome> outcomes = new ArrayList<>(batch.outcomes);
        if (batch.inputs.isEmpty()) {
            return outcomes;
        }
        long start = Math.max(batch.started, System.nanoTime() - preparedNanos(batch));
        try (NDManager scope = manager.newSubManager()) {
            long t0 = System.nanoTime();
            Detection detection = detector.detect(batch(scope, batch.inputs));
            long t1 = System.nanoTime();
            NDArray smoothed = post.smoothed(detection);
            double share = (System.nanoTime() - start) / 1e6 / batch.images.size();
            for (int i = 0; i < batch.inputs.size(); i++) {
                ImagePreprocessor.Preprocessed input = batch.inputs.get(i).input();
                Prediction prediction = post.apply(detection, smoothed, i, input.originalWidth(),
                        input.originalHeight());
                int at = batch.good.get(i);
                outcomes.set(at, new Outcome(batch.images.get(at), prediction, batch.inputs.get(i).rgb(), null, share));
            }
            lastStages = new StageTimes(batch.preparedNanos / 1e6, (t1 - t0) / 1e6, (System.nanoTime() - t1) / 1e6);
        }
        return outcomes;
    }

    /** Time spent preparing, so that an image's share counts its own decoding even when it ran earlier. */
    private static long preparedNanos(Prepared batch) {
        return batch.preparedNanos;
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
