package com.adclip.train;

/**
 * @param kind Adam (L2 penalty in the gradient) or AdamW (decoupled weight decay)
 * @param learningRate step size
 * @param beta1 first-moment decay
 * @param beta2 second-moment decay
 * @param epsilon added to √v̂
 * @param weightDecay 0 for none
 */
public record OptimizerConfig(Kind kind, double learningRate, float beta1, float beta2, float epsilon,
        float weightDecay) {

    /** The optimiser family. */
    public enum Kind { ADAM, ADAMW }

    public OptimizerConfig {
        if (kind == null) {
            throw new IllegalArgumentException("optimizer kind is required");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("epsilon must be positive, got " + epsilon);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
    }
}
