package com.adclip.cli;

import com.adclip.Detector;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --threshold T}: the image threshold, NG at or above it; unset means the bundle's, else 0.5. */
final class ThresholdOption {
    @Option(names = "--threshold", paramLabel = "T",
            description = "Image threshold: NG when the score is at or above it (default: the bundle's, else 0.5).")
    Double threshold;

    /** The given threshold, or null for the bundle's. */
    Double value() {
        return threshold;
    }

    /** For commands whose threshold is a probability (the station and workers): in [0, 1] when given. */
    void requireUnitRange(CommandLine cl) {
        if (threshold != null && !(threshold >= 0 && threshold <= 1)) {
            throw new CommandLine.ParameterException(cl, "--threshold must be in [0, 1]");
        }
    }

    /** The detector decides at the given threshold; unset leaves the bundle's. */
    Detector.Builder apply(Detector.Builder builder) {
        return threshold == null ? builder : builder.threshold(threshold);
    }
}
