package com.adclip.serve;

import java.nio.file.Path;
import java.util.List;

/**
 * An {@link Inspector} that hands every call to another one: extend it to watch or hold one call (a benchmark's
 * network clock, a test's gate) without restating the rest.
 */
public abstract class ForwardingInspector implements Inspector {
    protected final Inspector inner;

    protected ForwardingInspector(Inspector inner) {
        this.inner = inner;
    }

    @Override
    public com.adclip.Inspection inspect(Path image) {
        return inner.inspect(image);
    }

    @Override
    public Prepared prepare(Path image) {
        return inner.prepare(image);
    }

    @Override
    public List<com.adclip.Outcome> inspectPrepared(List<Prepared> batch) {
        return inner.inspectPrepared(batch);
    }

    @Override
    public int maxBatch() {
        return inner.maxBatch();
    }

    @Override
    public String model() {
        return inner.model();
    }

    @Override
    public boolean randomWeights() {
        return inner.randomWeights();
    }

    @Override
    public double threshold() {
        return inner.threshold();
    }

    @Override
    public void setThreshold(double threshold) {
        inner.setThreshold(threshold);
    }

    @Override
    public double mapThreshold() {
        return inner.mapThreshold();
    }

    @Override
    public boolean fused() {
        return inner.fused();
    }

    @Override
    public boolean typed() {
        return inner.typed();
    }

    @Override
    public double mapMax() {
        return inner.mapMax();
    }
}
