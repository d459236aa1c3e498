package com.adclip.cli;

import com.adclip.Detector;
import com.adclip.serve.Inspector;

/** The model side shared by {@code serve} and {@code watch}: an {@link Inspector} over a {@link Detector}. */
final class StationSetup {
    private StationSetup() {}

    /** The image threshold: the option's, else the bundle's (or the default for a checkpoint). */
    static double imageThreshold(Detector detector, Double option) {
        return option != null ? option : detector.storedThresholds().image();
    }

    /** An inspector over {@code detector}, which starts at {@code imageThreshold}. */
    static Inspector inspector(Detector detector, double imageThreshold) {
        return inspector(detector, imageThreshold, 1);
    }

    /** As {@link #inspector(Detector, double)}, running up to {@code maxBatch} waiting images as one batch. */
    static Inspector inspector(Detector detector, double imageThreshold, int maxBatch) {
        detector.setThreshold(imageThreshold);
        return Inspector.of(detector, maxBatch);
    }
}
