package com.adclip.anomaly;

import com.adclip.AdclipException;
import java.util.List;

/**
 * Hyper-parameters a user set over a detector's own (from its bundle, checkpoint or model card); null leaves
 * the base value. Prompt shape values are not applied: they are checked against the prompts in use.
 *
 * @param imageSize input side in pixels
 * @param features the vision blocks whose patch tokens make the maps
 * @param dpam the number of last vision blocks with DPAM
 * @param sigma Gaussian smoothing of the map (0 for none)
 * @param temperature the text-image similarity temperature
 * @param nCtx context vectors (checked)
 * @param tNCtx text context vectors (checked)
 * @param depth prompt depth (checked)
 */
public record ConfigOverrides(Integer imageSize, List<Integer> features, Integer dpam, Double sigma,
        Float temperature, Integer nCtx, Integer tNCtx, Integer depth) {

    public ConfigOverrides {
        features = features == null ? null : List.copyOf(features);
    }

    /** No overrides. */
    public static ConfigOverrides none() {
        return new ConfigOverrides(null, null, null, null, null, null, null, null);
    }

    /** {@code base} with the values set here; an invalid value is a usage error. */
    public DetectorConfig apply(DetectorConfig base) {
        DetectorConfig config = base;
        try {
            if (imageSize != null) {
                config = config.withImageSize(imageSize);
            }
            if (features != null) {
                config = config.withFeatureBlocks(features);
            }
            if (dpam != null) {
                config = config.withDpam(dpam);
            }
            if (sigma != null) {
                config = config.withSigma(sigma);
            }
            if (temperature != null) {
                config = config.withTemperature(temperature);
            }
        } catch (IllegalArgumentException e) {
            throw AdclipException.usage(e.getMessage(), e);
        }
        return config;
    }

    /** Fails with a usage error when a prompt shape value set here differs from {@code prompts} (read from {@code source}). */
    public void requireAgreement(PromptConfig prompts, Object source) {
        check("--n-ctx", nCtx, prompts.nCtx(), source);
        check("--t-n-ctx", tNCtx, prompts.tNCtx(), source);
        check("--depth", depth, prompts.depth(), source);
    }

    private static void check(String option, Integer given, int actual, Object source) {
        if (given != null && given != actual) {
            throw AdclipException.usage(source + " has " + option.substring(2) + " " + actual + " but " + option + " "
                    + given + " was given; drop the option", null);
        }
    }
}
