package com.adclip.serve;

import com.adclip.Inspection;
import com.adclip.Outcome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    /**
     * An image made ready for {@link #inspectPrepared}: decoded and preprocessed where the inspector can do that
     * apart from the model. The station prepares on the request's thread while the model runs another image.
     */
    interface Prepared {
        /** The image file it was prepared from. */
        Path image();
    }

    /**
     * Decodes and preprocesses {@code image} without taking the model; safe on any thread, at the same time as
     * an inspection. An unusable image is reported by {@link #inspectPrepared}, not here. By default nothing is
     * done ahead: {@link #inspectPrepared} inspects the file.
     */
    default Prepared prepare(Path image) {
        return () -> image;
    }

    /**
     * Inspects prepared images as one batch (at most {@link #maxBatch()}); one outcome per image in order, an
     * unusable image as a failed outcome. Called from one thread at a time, as {@link #inspect} is.
     */
    default List<Outcome> inspectPrepared(List<Prepared> batch) {
        List<Outcome> outcomes = new ArrayList<>();
        for (Prepared prepared : batch) {
            try {
                outcomes.add(new Outcome(prepared.image(), inspect(prepared.image()), null));
            } catch (ImageRejectedException e) {
                outcomes.add(new Outcome(prepared.image(), null, e.getMessage()));
            }
        }
        return outcomes;
    }

    /** The most prepared images {@link #inspectPrepared} takes at once (1: no batching). */
    default int maxBatch() {
        return 1;
    }

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

    /**
     * The view of {@code detector} that serve, watch and the fleet worker use: one image per call, unusable images
     * rejected; the threshold is the detector's.
     */
    static Inspector of(com.adclip.Detector detector) {
        return of(detector, 1);
    }

    /**
     * As {@link #of(com.adclip.Detector)}, with up to {@code maxBatch} waiting images run through the network as
     * one batch.
     */
    static Inspector of(com.adclip.Detector detector, int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("the batch bound must be at least 1, got " + maxBatch);
        }
        return new DetectorInspector(detector, maxBatch);
    }

    /** Thrown for inputs the model cannot use: the client's fault, not the server's. */
    final class ImageRejectedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ImageRejectedException(String message) {
            super(message);
        }
    }
}
