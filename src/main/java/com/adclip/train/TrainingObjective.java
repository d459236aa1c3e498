package com.adclip.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import com.adclip.anomaly.AnomalyHead;
import com.adclip.anomaly.PromptLearner;
import com.adclip.clip.ClipModel;
import com.adclip.clip.Constants;

/**
 * The training loss on a batch of cached features: {@code w_image · CE(image logits)} + {@code w_map · Σ_layers
 * [focal + dice(anomaly map, mask) + dice(normal map, 1 − mask)]}, with text features recomputed from the
 * learnable prompts so gradients reach them. Images without a mask get the image loss only.
 */
public final class TrainingObjective {
    private final ClipModel clip;
    private final LossWeights weights;
    private final int imageSize;
    private final float temperature;

    public TrainingObjective(ClipModel clip, LossWeights weights, int imageSize, float temperature) {
        this.clip = clip;
        this.weights = weights;
        this.imageSize = imageSize;
        this.temperature = temperature;
    }

    /**
     * The parts of a batch's loss.
     *
     * @param image cross-entropy of the image logits (unweighted)
     * @param map Σ over layers of the map losses (unweighted; 0 when no image has a mask)
     * @param total the weighted sum to minimise
     */
    public record Parts(NDArray image, NDArray map, NDArray total) {}

    public Parts loss(PromptLearner learner, TrainingBatch batch) {
        NDArray text = AnomalyHead.normalize(learner.encode(clip)); // [2, E]
        NDArray logits = AnomalyHead.imageLogits(batch.global(), text, temperature); // [B, 2]
        NDArray imageLoss = Losses.crossEntropy(logits, batch.labels());
        NDArray mapLoss = logits.getManager().zeros(new ai.djl.ndarray.types.Shape());
        if (batch.hasMasks()) {
            for (NDArray tokens : batch.patches()) {
                NDArray masked = tokens.get(new NDIndex("{}", batch.maskRows())); // [M, 1+G², E]
                NDArray maps = AnomalyHead.similarityMap(masked, text, batch.grid(), imageSize, temperature)
                        .transpose(0, 3, 1, 2); // [M, 2, S, S]
                mapLoss = mapLoss.add(Losses.mapLoss(maps, batch.masks()));
            }
        }
        NDArray weightedImage = imageLoss.mul(Constants.scalar(imageLoss, weights.image()));
        NDArray weightedMap = mapLoss.mul(Constants.scalar(mapLoss, weights.map()));
        NDArray total = weightedImage.add(weightedMap);
        return new Parts(imageLoss, mapLoss, total);
    }
}
