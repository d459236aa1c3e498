package com.adclip.serve;

import com.adclip.anomaly.Prediction;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * Runs the model on one image file. Called from a single thread at a time (the inspection worker or the
 * watcher), so implementations need not be thread-safe.
 */
public interface Inspector {

    /**
     * The model's answer for one image.
     *
     * @param prediction score, map at image size, regions
     * @param picture the image as loaded (RGB), for overlays and thumbnails
     * @param millis time spent on this image (decode, preprocess, model, post-processing)
     */
    record Inspection(Prediction prediction, BufferedImage picture, double millis) {}

    /**
     * Inspects one image file.
     *
     * @throws ImageRejectedException if the file is not a usable image (the message says why)
     */
    Inspection inspect(Path image);

    /** A short name of the model for responses (e.g. the bundle's file name). */
    String model();

    /** Whether the CLIP weights are random (numbers without meaning; the page shows a warning). */
    default boolean randomWeights() {
        return false;
    }

    /** The map threshold regions are cut at. */
    double mapThreshold();

    /**
     * Whether a reference bank is fused into the scores: the image threshold then lives in the fused score space and
     * is saved into the bank's thresholds.
     */
    default boolean fused() {
        return false;
    }

    /** The map value shown as dark red in overlays (the number of feature layers); 0 is dark blue. */
    double mapMax();

    /** Thrown for inputs the model cannot use: the client's fault, not the server's. */
    final class ImageRejectedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ImageRejectedException(String message) {
            super(message);
        }
    }
}
