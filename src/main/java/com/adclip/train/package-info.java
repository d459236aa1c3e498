/**
 * Few-shot training of the prompt learner: the losses ({@link com.adclip.train.Losses}), PyTorch-exact Adam and
 * AdamW ({@link com.adclip.train.AdamOptimizer}), the frozen-encoder feature cache
 * ({@link com.adclip.train.FeatureCache}), and the epoch loop with validation, early stopping, NaN guard and
 * resumable checkpoints ({@link com.adclip.train.Trainer}). The CLIP weights are never trained.
 */
package com.adclip.train;
