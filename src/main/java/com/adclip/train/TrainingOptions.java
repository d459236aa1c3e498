package com.adclip.train;

import com.adclip.AdclipException;
import com.adclip.anomaly.BundleManifest;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The options of one training run. As given on the command line, a null value means "not given"; every checkpoint
 * stores the run's options {@linkplain #resolved resolved} (manifest {@code training.options}) so that
 * {@code --resume} continues the same run: {@link #over} fills what was not given again from them. The recipe's
 * defaults resolve here, and only here.
 *
 * @param data the dataset root or meta.json
 * @param weights the CLIP weights file or {@code random:NAME} when given (resume finds them again by path)
 * @param epochs epochs (default 500, recipe anomalyclip 15)
 * @param batchSize images per step (default 8)
 * @param optimizer adamw or adam (default adamw, recipe adam)
 * @param lr learning rate (default 1e-4, recipe 1e-3)
 * @param betas Adam's two betas (default 0.9,0.999; recipe 0.5,0.999)
 * @param weightDecay weight decay (default 0.01 for adamw, 0 for adam)
 * @param wImage weight of the image loss (default 1)
 * @param wMap weight of the map losses (default 4)
 * @param seed initialisation, shuffling and augmentation (default 0)
 * @param saveEvery write epoch_N.adclip every N epochs (default 0, never)
 * @param patience early stop after N epochs without validation improvement (default 20; 0 = off)
 * @param valSplit fraction of the training images held out for validation, or null
 * @param recipe null or {@value #RECIPE_ANOMALYCLIP}
 * @param goodThreshold threshold rule without defective images: max or sigma:K (default max)
 * @param featureCache memory or disk (default memory)
 * @param featureCacheDtype fp32 or fp16 (default fp32)
 * @param augment whether training images are augmented
 * @param augmentViews augmented views cached per image (default 4; 0 = a new view every epoch)
 * @param syntheticAnomalies synthetic defective images per good image, or null for none
 * @param ignoreDefects whether defective training images are left out
 * @param testSplit fraction carved out as a test split when the data has none (default 0.2; 0 = train on all;
 *     a run stored before test splits were carved trained on every image: 0)
 * @param splitSeed seed that chooses the carved test images (default 0)
 * @param referenceShots good training images put into the bundle's bank of reference images (default 0, no bank)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrainingOptions(
        @JsonProperty("data") String data,
        @JsonProperty("weights") String weights,
        @JsonProperty("epochs") Integer epochs,
        @JsonProperty("batch_size") Integer batchSize,
        @JsonProperty("optimizer") String optimizer,
        @JsonProperty("lr") Double lr,
        @JsonProperty("betas") List<Float> betas,
        @JsonProperty("weight_decay") Float weightDecay,
        @JsonProperty("w_image") Float wImage,
        @JsonProperty("w_map") Float wMap,
        @JsonProperty("seed") Long seed,
        @JsonProperty("save_every") Integer saveEvery,
        @JsonProperty("patience") Integer patience,
        @JsonProperty("val_split") Double valSplit,
        @JsonProperty("recipe") String recipe,
        @JsonProperty("good_threshold") String goodThreshold,
        @JsonProperty("feature_cache") String featureCache,
        @JsonProperty("feature_cache_dtype") String featureCacheDtype,
        @JsonProperty("augment") Boolean augment,
        @JsonProperty("augment_views") Integer augmentViews,
        @JsonProperty("synthetic_anomalies") Double syntheticAnomalies,
        @JsonProperty("ignore_defects") Boolean ignoreDefects,
        @JsonProperty("test_split") Double testSplit,
        @JsonProperty("split_seed") Long splitSeed,
        @JsonProperty("reference_shots") Integer referenceShots) {

    /** The reference's exact recipe: Adam, lr 1e-3, betas 0.5,0.999, w-map 4, w-image 1, 15 epochs. */
    public static final String RECIPE_ANOMALYCLIP = "anomalyclip";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The options stored in a checkpoint's manifest. */
    public static TrainingOptions stored(BundleManifest manifest, Object source) {
        Object raw = manifest.training().get("options");
        if (!(raw instanceof Map)) {
            throw AdclipException.usage(source + " has no training options to resume from", null);
        }
        try {
            TrainingOptions stored = JSON.convertValue(raw, TrainingOptions.class);
            if (!((Map<?, ?>) raw).containsKey("test_split")) { // stored before test splits: trained on every image
                stored = stored.withTestSplit(0.0);
            }
            return stored;
        } catch (IllegalArgumentException e) {
            throw AdclipException.usage(source + " has training options this version cannot read: " + e.getMessage(),
                    e);
        }
    }

    /** These options, with what was not given taken from {@code stored} (a resumed run's); flags set in either stay set. */
    public TrainingOptions over(TrainingOptions stored) {
        return new TrainingOptions(or(data, stored.data), or(weights, stored.weights), or(epochs, stored.epochs),
                or(batchSize, stored.batchSize), or(optimizer, stored.optimizer), or(lr, stored.lr),
                or(betas, stored.betas), or(weightDecay, stored.weightDecay), or(wImage, stored.wImage),
                or(wMap, stored.wMap), or(seed, stored.seed), or(saveEvery, stored.saveEvery),
                or(patience, stored.patience), or(valSplit, stored.valSplit), or(recipe, stored.recipe),
                or(goodThreshold, stored.goodThreshold), or(featureCache, stored.featureCache),
                or(featureCacheDtype, stored.featureCacheDtype), flag(augment) || flag(stored.augment),
                or(augmentViews, stored.augmentViews), or(syntheticAnomalies, stored.syntheticAnomalies),
                flag(ignoreDefects) || flag(stored.ignoreDefects), or(testSplit, stored.testSplit),
                or(splitSeed, stored.splitSeed), referenceShots != null && referenceShots > 0 ? referenceShots
                        : or(stored.referenceShots, referenceShots));
    }

    /**
     * The options with every default filled in (recipe, then the model card's), as checkpoints store them.
     *
     * @throws IllegalArgumentException for an unknown recipe or optimiser, or betas that are not two numbers
     */
    public TrainingOptions resolved() {
        boolean reference = recipe != null;
        if (reference && !recipe.equalsIgnoreCase(RECIPE_ANOMALYCLIP)) {
            throw new IllegalArgumentException("unknown recipe '" + recipe + "'; known: " + RECIPE_ANOMALYCLIP);
        }
        String kind = optimizer != null ? optimizer.toLowerCase(Locale.ROOT) : reference ? "adam" : "adamw";
        if (!kind.equals("adam") && !kind.equals("adamw")) {
            throw new IllegalArgumentException("--optimizer must be adamw or adam");
        }
        if (betas != null && betas.size() != 2) {
            throw new IllegalArgumentException("--betas takes two numbers, e.g. 0.9,0.999");
        }
        List<Float> b = betas != null ? betas : List.of(reference ? 0.5f : 0.9f, 0.999f);
        return new TrainingOptions(data, weights,
                or(epochs, reference ? 15 : TrainConfig.DEFAULT_EPOCHS), or(batchSize, TrainConfig.DEFAULT_BATCH_SIZE),
                kind, or(lr, reference ? 1e-3 : TrainConfig.DEFAULT_LR), List.copyOf(b),
                or(weightDecay, kind.equals("adamw") ? 0.01f : 0f), or(wImage, 1f), or(wMap, 4f), or(seed, 0L),
                or(saveEvery, 0), or(patience, 20), valSplit, recipe, or(goodThreshold, "max"),
                or(featureCache, "memory"), or(featureCacheDtype, "fp32"), flag(augment), or(augmentViews, 4),
                syntheticAnomalies, flag(ignoreDefects), testSplit, splitSeed, or(referenceShots, 0));
    }

    /**
     * The trainer's configuration of {@linkplain #resolved resolved} options.
     *
     * @throws IllegalArgumentException for values out of range
     */
    public TrainConfig trainConfig() {
        TrainingOptions r = resolved();
        OptimizerConfig opt = new OptimizerConfig(r.optimizer.equals("adam") ? OptimizerConfig.Kind.ADAM
                : OptimizerConfig.Kind.ADAMW, r.lr, r.betas.get(0), r.betas.get(1), 1e-8f, r.weightDecay);
        return new TrainConfig(r.epochs, r.batchSize, opt, new LossWeights(r.wImage, r.wMap), r.seed, r.saveEvery,
                r.patience);
    }

    /** As a checkpoint's manifest stores them ({@code training.options}). */
    public Map<String, Object> toManifest() {
        return JSON.convertValue(this, new TypeReference<Map<String, Object>>() {});
    }

    /** These options with other weights (null: not remembered). */
    public TrainingOptions withWeights(String value) {
        return new TrainingOptions(data, value, epochs, batchSize, optimizer, lr, betas, weightDecay, wImage, wMap,
                seed, saveEvery, patience, valSplit, recipe, goodThreshold, featureCache, featureCacheDtype, augment,
                augmentViews, syntheticAnomalies, ignoreDefects, testSplit, splitSeed, referenceShots);
    }

    /** These options with another test split fraction. */
    public TrainingOptions withTestSplit(Double value) {
        return new TrainingOptions(data, weights, epochs, batchSize, optimizer, lr, betas, weightDecay, wImage, wMap,
                seed, saveEvery, patience, valSplit, recipe, goodThreshold, featureCache, featureCacheDtype, augment,
                augmentViews, syntheticAnomalies, ignoreDefects, value, splitSeed, referenceShots);
    }

    /** Whether features are cached on disk (kept for the next run too). */
    public boolean diskCache() {
        return "disk".equalsIgnoreCase(featureCache);
    }

    /** Whether cached features are half precision. */
    public boolean halfPrecisionCache() {
        return "fp16".equalsIgnoreCase(featureCacheDtype);
    }

    private static <T> T or(T given, T fallback) {
        return given != null ? given : fallback;
    }

    private static boolean flag(Boolean value) {
        return Boolean.TRUE.equals(value);
    }
}
