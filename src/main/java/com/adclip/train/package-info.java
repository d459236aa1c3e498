/**
 * Few-shot training of the prompt learner: the losses ({@link com.adclip.train.Losses}), PyTorch-exact Adam and
 * AdamW ({@link com.adclip.train.AdamOptimizer}), the frozen-encoder feature cache
 * ({@link com.adclip.train.FeatureCache}), and the epoch loop with validation, early stopping, NaN guard and
 * resumable checkpoints ({@link com.adclip.train.Trainer}). The CLIP weights are never trained.
 *
 * <p>{@link com.adclip.train.TrainingData} prepares the images a run learns and validates on (the carved test
 * split, the validation split, {@code --ignore-defects}); {@link com.adclip.train.TrainingRun} is one whole run of {@code adclip train} (items, synthetic anomalies,
 * augmentation through {@link com.adclip.train.AugmentedSource}, checkpoints, the final bundle and its threshold);
 * {@link com.adclip.train.TrainingOptions} are its options, stored in every checkpoint so a resume continues it.
 */
package com.adclip.train;
