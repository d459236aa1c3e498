package com.adclip.serve;

import com.adclip.AdclipException;
import com.adclip.Detector;
import com.adclip.Inspection;
import com.adclip.Outcome;
import com.adclip.anomaly.AnomalyPredictor;
import java.nio.file.Path;
import java.util.List;

/**
 * {@link Inspector} over a {@link Detector}: unusable images are rejected; {@link #prepare} decodes and
 * preprocesses on the caller's thread ({@link Detector#prepareAll}), and prepared images run as one batch.
 */
record DetectorInspector(Detector detector, int maxBatch) implements Inspector {

    /** One image decoded and preprocessed by the detector's predictor. */
    private record Ready(Path image, AnomalyPredictor.Prepared batch) implements Prepared {}

    @Override
    public Prepared prepare(Path image) {
        return new Ready(image, detector.prepareAll(List.of(image)));
    }

    @Override
    public List<Outcome> inspectPrepared(List<Prepared> batch) {
        List<AnomalyPredictor.Prepared> parts = batch.stream().map(p -> p instanceof Ready r ? r.batch()
                : detector.prepareAll(List.of(p.image()))).toList();
        return detector.inspectPrepared(AnomalyPredictor.Prepared.concat(parts));
    }

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
