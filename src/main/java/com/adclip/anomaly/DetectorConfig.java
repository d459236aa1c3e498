package com.adclip.anomaly;

import com.adclip.clip.ClipConfig;
import java.util.List;

/**
 * Every hyper-parameter of a detector. The defaults are the product model card's; they live here only.
 *
 * @param imageSize input side S in pixels (a multiple of the CLIP's patch size)
 * @param featureBlocks 1-based vision blocks whose patch features make the maps
 * @param dpam AnomalyCLIP's {@code DPAM_layer}: the last {@code dpam - 1} blocks run DPAM
 * @param sigma Gaussian smoothing of the anomaly map, in pixels of the S×S map (0 = none)
 * @param temperature softmax temperature of CLIP similarities (0.07)
 * @param prompts the prompt learner's shape
 */
public record DetectorConfig(
        int imageSize, List<Integer> featureBlocks, int dpam, double sigma, float temperature, PromptConfig prompts) {

    public static final int DEFAULT_IMAGE_SIZE = 518;
    public static final int DEFAULT_DEPTH = 9;
    public static final int DEFAULT_N_CTX = 12;
    public static final int DEFAULT_T_N_CTX = 4;
    public static final double DEFAULT_SIGMA = 4;
    public static final float DEFAULT_TEMPERATURE = 0.07f;
    public static final String DEFAULT_CLASS_WORD = "object";

    public DetectorConfig {
        if (imageSize < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + imageSize);
        }
        featureBlocks = List.copyOf(featureBlocks);
        if (featureBlocks.isEmpty()) {
            throw new IllegalArgumentException("at least one feature block is needed");
        }
        if (dpam < 0) {
            throw new IllegalArgumentException("dpam must be >= 0, got " + dpam);
        }
        if (!(sigma >= 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("sigma must be >= 0, got " + sigma);
        }
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        if (prompts == null) {
            throw new IllegalArgumentException("prompt config is required");
        }
    }

    /**
     * The model card's defaults for a CLIP: image 518, depth 9, n_ctx 12, t_n_ctx 4, sigma 4, temperature 0.07;
     * feature blocks at each quarter of the tower ([6,12,18,24] for ViT-L, [3,6,9,12] for ViT-B); dpam 20 for
     * ViT-L and 10 for ViT-B (5/6 of the blocks, rounded, for other depths).
     */
    public static DetectorConfig defaultsFor(ClipConfig clip) {
        int layers = clip.vision().layers();
        return new DetectorConfig(DEFAULT_IMAGE_SIZE, quarterBlocks(layers), defaultDpam(layers), DEFAULT_SIGMA,
                DEFAULT_TEMPERATURE,
                new PromptConfig(DEFAULT_N_CTX, DEFAULT_T_N_CTX, DEFAULT_DEPTH, DEFAULT_CLASS_WORD));
    }

    /** Blocks at 1/4, 2/4, 3/4 and 4/4 of the tower. */
    static List<Integer> quarterBlocks(int layers) {
        int step = Math.max(1, layers / 4);
        return List.of(step, 2 * step, 3 * step, layers).stream().distinct().toList();
    }

    /** 20 for 24 blocks, 10 for 12. */
    static int defaultDpam(int layers) {
        return (int) Math.round(layers * 5.0 / 6.0);
    }

    public DetectorConfig withImageSize(int size) {
        return new DetectorConfig(size, featureBlocks, dpam, sigma, temperature, prompts);
    }

    public DetectorConfig withFeatureBlocks(List<Integer> blocks) {
        return new DetectorConfig(imageSize, blocks, dpam, sigma, temperature, prompts);
    }

    public DetectorConfig withDpam(int value) {
        return new DetectorConfig(imageSize, featureBlocks, value, sigma, temperature, prompts);
    }

    public DetectorConfig withSigma(double value) {
        return new DetectorConfig(imageSize, featureBlocks, dpam, value, temperature, prompts);
    }

    public DetectorConfig withTemperature(float value) {
        return new DetectorConfig(imageSize, featureBlocks, dpam, sigma, value, prompts);
    }

    public DetectorConfig withPrompts(PromptConfig value) {
        return new DetectorConfig(imageSize, featureBlocks, dpam, sigma, temperature, value);
    }

    /** Checks the config against the CLIP it will run on; the message says what to change. */
    public void checkAgainst(ClipConfig clip) {
        int layers = clip.vision().layers();
        for (int block : featureBlocks) {
            if (block < 1 || block > layers) {
                throw new IllegalArgumentException(
                        "feature block " + block + " does not exist: this CLIP has " + layers + " vision blocks");
            }
        }
        if (dpam - 1 > layers) {
            throw new IllegalArgumentException("dpam " + dpam + " exceeds this CLIP's " + layers + " vision blocks");
        }
        if (imageSize % clip.vision().patchSize() != 0) {
            throw new IllegalArgumentException("image size " + imageSize + " is not a multiple of the patch size "
                    + clip.vision().patchSize());
        }
        if (prompts.deepPrompts() >= clip.text().layers()) {
            throw new IllegalArgumentException("prompt depth " + prompts.depth() + " needs more than this CLIP's "
                    + clip.text().layers() + " text blocks");
        }
    }
}
