package com.adclip.train;

/**
 * How to train.
 *
 * @param epochs epochs to run (the last one included)
 * @param batchSize images per step
 * @param optimizer optimiser and its hyper-parameters
 * @param losses loss weights
 * @param seed initialisation, shuffling and augmentation all derive from it
 * @param saveEvery write {@code epoch_N.adclip} every N epochs (0 = never)
 * @param patience stop when the validation loss has not improved for this many epochs (0 = never)
 */
public record TrainConfig(int epochs, int batchSize, OptimizerConfig optimizer, LossWeights losses, long seed,
        int saveEvery, int patience) {

    /** Defaults from the product's model card. */
    public static final int DEFAULT_EPOCHS = 500;
    public static final int DEFAULT_BATCH_SIZE = 8;
    public static final double DEFAULT_LR = 1e-4;

    public TrainConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (saveEvery < 0 || patience < 0) {
            throw new IllegalArgumentException("save-every and patience must be >= 0");
        }
        if (optimizer == null || losses == null) {
            throw new IllegalArgumentException("optimizer and loss weights are required");
        }
    }
}
