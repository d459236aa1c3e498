package com.adclip.anomaly;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.adclip.clip.ClipModel;
import com.adclip.clip.VisionFeatures;
import com.adclip.clip.VisionRequest;
import java.util.List;

/**
 * Frozen CLIP + learned prompts → image logits, probabilities and anomaly maps. The text features are
 * computed once, at construction, and reused for every image.
 */
public final class AnomalyDetector implements AutoCloseable {
    private final ClipModel clip;
    private final DetectorConfig config;
    private final NDManager manager;
    private final NDArray textFeatures; // [2, E], normalised
    private final VisionRequest request;

    private AnomalyDetector(ClipModel clip, PromptLearner prompts, DetectorConfig config, NDManager parent) {
        config.checkAgainst(clip.config());
        this.clip = clip;
        this.config = config;
        this.manager = parent.newSubManager();
        try (NDManager scope = manager.newSubManager()) {
            NDArray raw = prompts.encode(clip);
            raw.attach(scope);
            NDArray normalised = AnomalyHead.normalize(raw);
            normalised.attach(manager);
            this.textFeatures = normalised;
        }
        this.request = new VisionRequest(config.dpam(), config.featureBlocks());
    }

    public static AnomalyDetector create(ClipModel clip, PromptLearner prompts, DetectorConfig config,
            NDManager parent) {
        return new AnomalyDetector(clip, prompts, config, parent);
    }

    public DetectorConfig config() {
        return config;
    }

    /** The normalised text features [2, E] (normal, anomaly). */
    public NDArray textFeatures() {
        return textFeatures;
    }

    /** Runs the network on normalised pixels [B, 3, S, S]; results live in {@code pixels}' manager. */
    public Detection detect(NDArray pixels) {
        return detect(pixels, null);
    }

    /**
     * Runs the network and fuses {@code fusion} (null for none) into the prompt detection; results live in
     * {@code pixels}' manager.
     */
    public Detection detect(NDArray pixels, MapFusion fusion) {
        VisionFeatures features = encode(pixels);
        Detection prompt = detect(features);
        return fusion == null ? prompt : fusion.fuse(prompt, features, config.imageSize());
    }

    /** The vision features the maps are made from, for normalised pixels [B, 3, S, S]. */
    public VisionFeatures encode(NDArray pixels) {
        return clip.encodeVision(pixels, request);
    }

    /** The prompt-only detection from features computed by {@link #encode}. */
    public Detection detect(VisionFeatures features) {
        NDArray logits = AnomalyHead.imageLogits(features.global(), textFeatures, config.temperature());
        List<NDArray> maps = AnomalyHead.similarityMaps(features, textFeatures, config.imageSize(),
                config.temperature());
        return new Detection(logits, logits.softmax(-1), maps, AnomalyHead.fuse(maps));
    }

    @Override
    public void close() {
        manager.close();
    }
}
