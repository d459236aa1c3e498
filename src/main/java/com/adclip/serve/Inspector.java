package com.adclip.serve;

import com.adclip.Inspection;
import java.nio.file.Path;

/**
 * The station's and the hot folder's view of a {@link com.adclip.Detector}: one image file per call, unusable
 * images rejected as the client's fault. The verdict comes with the inspection, decided by the detector at its
 * threshold ({@link com.adclip.Verdict#of}); the station changes that threshold through {@link #setThreshold}, so
 * API, station and hot folder answer alike. Inspections are called from one thread at a time (the inspection
 * worker or the watcher); the threshold may be read and set from any thread.
 */
public interface Inspector {

    /**
     * Inspects one image file; the verdict is decided at {@link #threshold()} as it is when the model runs.
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
    /** The image threshold: NG when the score is at or above it. */
    double threshold();

    /** Changes the image threshold for every inspection that starts from now on. */
    void setThreshold(double threshold);

    /** The map threshold regions are cut at. */
    double mapThreshold();

    /**
     * Whether a reference bank is fused into the scores: the image threshold then lives in the fused score space and
     * is saved into the bank's thresholds.
     */
    default boolean fused() {
        return false;
    }

    /**
     * Whether inspections carry defect types (the bundle has them; see docs/defect-types.md): the hot folder's CSV
     * then has a {@code type} column.
     */
    default boolean typed() {
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
