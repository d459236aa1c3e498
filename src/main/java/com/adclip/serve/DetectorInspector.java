package com.adclip.serve;

import com.adclip.AdclipException;
import com.adclip.Detector;
import com.adclip.Inspection;
import java.nio.file.Path;

/** {@link Inspector} over a {@link Detector}: one image per call; unusable images are rejected. */
record DetectorInspector(Detector detector) implements Inspector {
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
