package com.adclip.anomaly;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json} of an {@code .adclip} bundle: everything needed to rebuild the detector, besides the
 * learned tensors (in {@code prompts.safetensors}) and the CLIP weights (named here by their sha256).
 *
 * @param formatVersion {@link Bundle#FORMAT_VERSION} when written; a newer one is refused
 * @param clip which CLIP the prompts were trained with
 * @param detector every hyper-parameter
 * @param thresholds the operating points and how they were chosen
 * @param training provenance: where the prompts came from (data, epochs, source checkpoint...)
 * @param created ISO-8601 time the bundle was written
 * @param software the AD-CLIP version that wrote it
 */
public record BundleManifest(
        int formatVersion,
        ClipReference clip,
        Detector detector,
        Thresholds thresholds,
        Map<String, Object> training,
        String created,
        String software) {

    public BundleManifest {
        if (formatVersion < 1) {
            throw new IllegalArgumentException("format version must be >= 1, got " + formatVersion);
        }
        if (clip == null || detector == null || thresholds == null) {
            throw new IllegalArgumentException("clip, detector and thresholds are required");
        }
        training = training == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(training));
    }

    /** This manifest with other thresholds, stamped now by this software. */
    public BundleManifest withThresholds(Thresholds value) {
        return new BundleManifest(formatVersion, clip, detector, value, training, java.time.Instant.now().toString(),
                com.adclip.Version.software());
    }

    /** This manifest with another detector configuration, stamped now by this software. */
    public BundleManifest withDetector(DetectorConfig value) {
        return new BundleManifest(formatVersion, clip, Detector.of(value), thresholds, training,
                java.time.Instant.now().toString(), com.adclip.Version.software());
    }

    /**
     * The CLIP the prompts belong to.
     *
     * @param model registry name (e.g. {@code ViT-L/14@336px}) or null for other weights
     * @param weightsFile file name of the weights when the bundle was written
     * @param weightsSha256 sha256 of that file (of {@code model.safetensors} for a Hugging Face directory)
     */
    public record ClipReference(String model, String weightsFile, String weightsSha256) {
        public ClipReference {
            if (weightsSha256 == null || !weightsSha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("weights sha256 must be 64 lower-case hex digits: " + weightsSha256);
            }
        }
    }

    /** {@link DetectorConfig} flattened under the reference's option names. */
    public record Detector(int imageSize, List<Integer> features, int dpam, double sigma, float temperature,
            @JsonProperty("n_ctx") int nCtx, @JsonProperty("t_n_ctx") int tNCtx, int depth, String classWord) {

        public static Detector of(DetectorConfig c) {
            PromptConfig p = c.prompts();
            return new Detector(c.imageSize(), c.featureBlocks(), c.dpam(), c.sigma(), c.temperature(), p.nCtx(),
                    p.tNCtx(), p.depth(), p.classWord());
        }

        public DetectorConfig toConfig() {
            return new DetectorConfig(imageSize, features, dpam, sigma, temperature,
                    new PromptConfig(nCtx, tNCtx, depth, classWord));
        }
    }

    /**
     * Operating points.
     *
     * @param image NG when the image score ≥ this
     * @param imageStrategy how it was chosen ({@code default}, {@code f1}, {@code recall:0.99}, ...)
     * @param pixel map values above this form the defect mask
     * @param pixelStrategy how it was chosen
     * @param source the data set it was calibrated on, or null
     */
    public record Thresholds(double image, String imageStrategy, double pixel, String pixelStrategy, String source) {
        public Thresholds {
            if (!Double.isFinite(image) || !Double.isFinite(pixel)) {
                throw new IllegalArgumentException("thresholds must be finite");
            }
        }

        /**
         * 0.5 on the image score; on the map, half the number of feature layers (the map sums one anomaly
         * probability per layer, so this is "mean layer probability ≥ 0.5").
         */
        public static Thresholds defaults(DetectorConfig config) {
            return new Thresholds(0.5, "default", 0.5 * config.featureBlocks().size(), "default", null);
        }
    }
}
