package com.adclip.anomaly;

import com.adclip.types.TypesSection;
import com.fasterxml.jackson.annotation.JsonInclude;
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
 * @param name the product or model name people see ({@code train --name}, by default the data folder's name);
 *     null in bundles written before it existed
 * @param tiling the tiling the bundle was trained or calibrated with, or null for whole images (absent in
 *     bundles written before tiling existed)
 * @param reference the memory bank of good reference images ({@code reference.safetensors}), or null for a
 *     bundle without one (every bundle written before banks existed)
 * @param types the defect types (vocabulary, prompt templates, fusion rule; prototypes in
 *     {@code types.safetensors}), or null for a bundle without types (every bundle written before they existed):
 *     then no output has a {@code types} field
 */
public record BundleManifest(
        int formatVersion,
        ClipReference clip,
        Detector detector,
        Thresholds thresholds,
        Map<String, Object> training,
        String created,
        String software,
        @JsonInclude(JsonInclude.Include.NON_NULL) String name,
        @JsonInclude(JsonInclude.Include.NON_NULL) Tiling tiling,
        @JsonInclude(JsonInclude.Include.NON_NULL) Reference reference,
        @JsonInclude(JsonInclude.Include.NON_NULL) TypesSection types) {

    public BundleManifest {
        if (formatVersion < 1) {
            throw new IllegalArgumentException("format version must be >= 1, got " + formatVersion);
        }
        if (clip == null || detector == null || thresholds == null) {
            throw new IllegalArgumentException("clip, detector and thresholds are required");
        }
        training = training == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(training));
    }

    /** A manifest without a name, tiling or reference bank (as bundles written before those existed). */
    public BundleManifest(int formatVersion, ClipReference clip, Detector detector, Thresholds thresholds,
            Map<String, Object> training, String created, String software) {
        this(formatVersion, clip, detector, thresholds, training, created, software, null, null, null, null);
    }

    /** A manifest without defect types (as bundles written before they existed). */
    public BundleManifest(int formatVersion, ClipReference clip, Detector detector, Thresholds thresholds,
            Map<String, Object> training, String created, String software, String name, Tiling tiling,
            Reference reference) {
        this(formatVersion, clip, detector, thresholds, training, created, software, name, tiling, reference, null);
    }

    /** The same manifest under another name (null or blank for none). */
    public BundleManifest withName(String value) {
        return new BundleManifest(formatVersion, clip, detector, thresholds, training, created, software,
                value == null || value.isBlank() ? null : value.strip(), tiling, reference, types);
    }

    public BundleManifest withTiling(Tiling value) {
        return new BundleManifest(formatVersion, clip, detector, thresholds, training, created, software, name,
                value, reference, types);
    }

    /**
     * How images are tiled (see {@code com.adclip.tile.Tiling}).
     *
     * @param size tile side in pixels, 0 for the automatic rule
     * @param stride step between tiles, 0 with the automatic rule
     * @param merge "avg" or "max"
     * @param global whether a whole-image pass is fused into the score
     */
    public record Tiling(int size, int stride, String merge, boolean global) {}


    /** This manifest with other thresholds, stamped now by this software (name, tiling and bank kept). */
    public BundleManifest withThresholds(Thresholds value) {
        return new BundleManifest(formatVersion, clip, detector, value, training, java.time.Instant.now().toString(),
                com.adclip.Version.software(), name, tiling, reference, types);
    }

    /** The same manifest with another detector section (name, tiling and bank kept). */
    public BundleManifest withDetector(Detector value) {
        return new BundleManifest(formatVersion, clip, value, thresholds, training, created, software, name, tiling,
                reference, types);
    }

    /** This manifest with another detector configuration, stamped now by this software (name, tiling, bank kept). */
    public BundleManifest withDetector(DetectorConfig value) {
        return new BundleManifest(formatVersion, clip, Detector.of(value), thresholds, training,
                java.time.Instant.now().toString(), com.adclip.Version.software(), name, tiling, reference, types);
    }

    /** The same manifest with another reference bank section, or none (null). */
    public BundleManifest withReference(Reference value) {
        return new BundleManifest(formatVersion, clip, detector, thresholds, training, created, software, name, tiling,
                value, types);
    }

    /** The same manifest with another defect-types section, or none (null). */
    public BundleManifest withTypes(TypesSection value) {
        return new BundleManifest(formatVersion, clip, detector, thresholds, training, created, software, name, tiling,
                reference, value);
    }

    /**
     * The memory bank of good reference images (see {@code docs/reference-images.md}); its tensors are in
     * {@code reference.safetensors}: {@code bank.B} [N, E] float16 (unit-length patch features of block B,
     * coreset applied) and {@code source.B} [N] int32 (which reference image each row came from).
     *
     * @param imageSize the input side the features were computed at
     * @param dpam the DPAM setting they were computed with
     * @param features the blocks, in bank order (the detector's feature blocks)
     * @param lambda weight of the bank map in the fused map ({@code A = A_prompt + lambda · A_ref})
     * @param normalizer {@code q}: the mean of the references' leave-one-out 99th percentiles (image score
     *     normalisation)
     * @param coresetSize the most rows kept per block (0 = all)
     * @param images the reference images, in source order
     * @param layers per block: rows before and after the coreset, and its covering radius
     * @param thresholds operating points in the fused score and map space; null until calibrated
     */
    public record Reference(int imageSize, int dpam, List<Integer> features, double lambda, double normalizer,
            int coresetSize, List<ReferenceImage> images, List<BankLayer> layers,
            @JsonInclude(JsonInclude.Include.NON_NULL) Thresholds thresholds) {
        public Reference {
            features = List.copyOf(features);
            images = List.copyOf(images);
            layers = List.copyOf(layers);
            if (!(lambda >= 0) || Double.isInfinite(lambda)) {
                throw new IllegalArgumentException("reference lambda must be >= 0, got " + lambda);
            }
            if (!(normalizer > 0) || Double.isInfinite(normalizer)) {
                throw new IllegalArgumentException("reference normalizer must be > 0, got " + normalizer);
            }
            if (layers.size() != features.size()) {
                throw new IllegalArgumentException("one bank layer per feature block is needed");
            }
        }

        public Reference withThresholds(Thresholds value) {
            return new Reference(imageSize, dpam, features, lambda, normalizer, coresetSize, images, layers, value);
        }
    }

    /**
     * One reference image.
     *
     * @param name its file name when added
     * @param sha256 of the file's bytes
     * @param looP99 the 99th percentile of its patches' leave-one-out bank distance, or null when it was not
     *     one of the images the statistics were taken from
     */
    public record ReferenceImage(String name, String sha256, Double looP99) {
        public ReferenceImage {
            if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("reference sha256 must be 64 lower-case hex digits: " + sha256);
            }
        }
    }

    /**
     * One block's bank.
     *
     * @param block 1-based block number
     * @param patches rows before the coreset
     * @param kept rows stored
     * @param radius covering radius: every dropped row is within this cosine distance of a kept one
     */
    public record BankLayer(int block, long patches, long kept, double radius) {}

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
