package com.adclip.cli;

import com.adclip.AdclipException;
import com.adclip.Detector;
import com.adclip.Inspection;
import com.adclip.serve.Inspector;
import java.nio.file.Path;

/** The model side shared by {@code serve} and {@code watch}: an {@link Inspector} over a {@link Detector}. */
final class StationSetup {
    private StationSetup() {}

    /** The image threshold: the option's, else the bundle's (or the default for a checkpoint). */
    static double imageThreshold(Detector detector, Double option) {
        return option != null ? option : detector.storedThresholds().image();
    }

    /** An inspector over {@code detector}, which starts at {@code imageThreshold}. */
    static Inspector inspector(Detector detector, double imageThreshold) {
        detector.setThreshold(imageThreshold);
        return new DetectorInspector(detector);
    }

    /** {@link Inspector} over a {@link Detector}: one image per call; unusable images are rejected. */
    private record DetectorInspector(Detector detector) implements Inspector {
        @Override
        public Inspection inspect(Path image) {
            try {
                return detector.inspect(image);
            } catch (AdclipException e) {
                throw new ImageRejectedException(e.getMessage());
            }
        }

        @Override
        public double threshold() {
            return detector.threshold();
        }

        @Override
        public void setThreshold(double threshold) {
            detector.setThreshold(threshold);
        }

        @Override
        public String model() {
            return detector.name();
        }

        @Override
        public boolean randomWeights() {
            return detector.randomWeights();
        }

        @Override
        public double mapThreshold() {
            return detector.mapThreshold();
        }

        @Override
        public boolean fused() {
            return detector.referenceBank() != null;
        }

        @Override
        public boolean typed() {
            return !detector.defectTypes().isEmpty();
        }

        @Override
        public double mapMax() {
            return detector.config().featureBlocks().size();
        }
    }
}
