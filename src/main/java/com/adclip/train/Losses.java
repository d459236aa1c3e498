package com.adclip.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import com.adclip.clip.Constants;

/**
 * AnomalyCLIP's training losses, as its reference code defines them (see the golden README): image-level
 * cross-entropy, and per feature layer focal + dice losses on the [B, 2, S, S] softmax maps.
 */
public final class Losses {
    /** The reference's FocalLoss smoothing: one-hot clamped to [1e-5, 1 − 1e-5], and added to pt. */
    static final float FOCAL_SMOOTH = 1e-5f;
    /** The reference's BinaryDiceLoss smoothing term. */
    static final float DICE_SMOOTH = 1f;

    private Losses() {}

    /** Mean cross-entropy of logits [B, 2] against integer labels [B] (0 normal, 1 anomalous). */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        NDArray logProbs = logits.logSoftmax(-1); // [B, 2]
        NDArray oneHot = labels.toType(ai.djl.ndarray.types.DataType.INT64, false).oneHot(2); // [B, 2]
        return logProbs.mul(oneHot).sum(new int[] {1}).neg().mean();
    }

    /**
     * Focal loss with γ = 2 and α = 1 of softmax maps [B, 2, S, S] against a binary mask [B, S, S]:
     * {@code mean(-(1 - pt)² · log pt)} with {@code pt = Σ_c onehot_c · p_c + 1e-5}.
     */
    public static NDArray focal(NDArray maps, NDArray mask) {
        NDArray one = Constants.scalar(maps, 1f);
        NDArray anomalous = mask.clip(FOCAL_SMOOTH, 1 - FOCAL_SMOOTH); // one-hot of class 1, clamped
        NDArray normal = one.sub(mask).clip(FOCAL_SMOOTH, 1 - FOCAL_SMOOTH); // one-hot of class 0, clamped
        NDArray p0 = maps.get(new NDIndex(":, 0"));
        NDArray p1 = maps.get(new NDIndex(":, 1"));
        NDArray hit = p0.mul(normal).add(p1.mul(anomalous)); // [B, S, S]
        NDArray pt = hit.add(Constants.scalar(maps, FOCAL_SMOOTH));
        NDArray weight = one.sub(pt).square();
        return weight.mul(pt.log()).neg().mean();
    }

    /** {@code 1 − mean_b (2·Σ p·t + 1) / (Σ p + Σ t + 1)} for maps and targets [B, S, S]. */
    public static NDArray dice(NDArray probabilities, NDArray target) {
        long batch = probabilities.getShape().get(0);
        NDArray p = probabilities.reshape(batch, -1);
        NDArray t = target.reshape(batch, -1);
        NDArray smooth = Constants.scalar(p, DICE_SMOOTH);
        NDArray twice = p.mul(t).sum(new int[] {1}).mul(Constants.scalar(p, 2f)); // [B]
        NDArray overlap = twice.add(smooth);
        NDArray total = p.sum(new int[] {1}).add(t.sum(new int[] {1})).add(smooth); // [B]
        NDArray meanScore = overlap.div(total).mean();
        return Constants.scalar(p, 1f).sub(meanScore);
    }

    /**
     * The map loss of one feature layer: focal(maps, mask) + dice(anomaly map, mask) + dice(normal map,
     * 1 − mask), for softmax maps [B, 2, S, S].
     */
    public static NDArray mapLoss(NDArray maps, NDArray mask) {
        NDArray inverse = Constants.scalar(maps, 1f).sub(mask); // [B, S, S]
        NDArray anomaly = maps.get(new NDIndex(":, 1"));
        NDArray normal = maps.get(new NDIndex(":, 0"));
        return focal(maps, mask).add(dice(anomaly, mask)).add(dice(normal, inverse));
    }
}
