package com.adclip.serve;

import com.adclip.anomaly.Predictor;
import java.nio.file.Path;
import java.util.List;

/** {@link Inspector} over a {@link Predictor}: one image per call. */
public final class PredictorInspector implements Inspector {
    private final Predictor predictor;
    private final String model;
    private final double mapThreshold;
    private final double mapMax;

    /**
     * @param model the name reported in responses
     * @param mapThreshold the predictor's map threshold (for reporting)
     * @param mapMax the top of the overlay colour scale: the number of feature layers
     */
    public PredictorInspector(Predictor predictor, String model, double mapThreshold, double mapMax) {
        this.predictor = predictor;
        this.model = model;
        this.mapThreshold = mapThreshold;
        this.mapMax = mapMax;
    }

    /** The lock held while the model runs: whoever changes the model under it (a new reference bank) takes it too. */
    public Object lock() {
        return predictor;
    }

    @Override
    public boolean fused() {
        return predictor.isFused();
    }

    @Override
    public Inspection inspect(Path image) {
        Predictor.Outcome outcome;
        synchronized (predictor) {
            outcome = predictor.predict(List.of(image)).get(0);
        }
        if (outcome.failed()) {
            throw new ImageRejectedException(outcome.error());
        }
        return new Inspection(outcome.prediction(), outcome.picture(), outcome.millis());
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public double mapThreshold() {
        return mapThreshold;
    }

    @Override
    public double mapMax() {
        return mapMax;
    }
}
