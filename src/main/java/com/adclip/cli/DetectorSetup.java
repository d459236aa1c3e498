package com.adclip.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.adclip.AdclipException;
import com.adclip.anomaly.AnomalyDetector;
import com.adclip.anomaly.PostProcessor;
import com.adclip.anomaly.Predictor;
import com.adclip.clip.ImagePreprocessor;
import com.adclip.clip.PreprocessConfig;
import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.BundleManifest;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.anomaly.GaussianSmoothing;
import com.adclip.anomaly.MapFusion;
import com.adclip.anomaly.PromptConfig;
import com.adclip.anomaly.PromptLearner;
import com.adclip.anomaly.ReferenceCheckpoint;
import com.adclip.clip.ClipModel;
import com.adclip.reference.ReferenceBank;
import com.adclip.weights.ClipWeights;
import java.nio.file.Path;
import java.util.Map;

/**
 * Builds a ready detector from the command line: CLIP weights, prompts from a bundle or a reference checkpoint,
 * and the hyper-parameters (options over the bundle's over the model card's). Problems with what was given
 * (missing files, checkpoints that do not fit) are usage errors, exit code 2.
 */
final class DetectorSetup implements AutoCloseable {
    final NDManager manager;
    final ClipWeights weights;
    final ClipModel clip;
    final PromptLearner learner;
    final AnomalyDetector detector;
    BundleManifest.Thresholds thresholds;
    final Path weightsPath;
    final String weightsSha256;
    /** The bundle the detector came from, or null for a checkpoint. */
    Bundle bundle;
    /** The bundle's reference bank when it is used (it has one and --no-reference was not given), else null. */
    volatile ReferenceBank bank;
    /** The prompt-only thresholds (the manifest's); {@link #thresholds} are the bank's when the bank is used. */
    BundleManifest.Thresholds promptThresholds;
    /** Whether the bundle has a bank that --no-reference turned off. */
    boolean referenceOff;

    private DetectorSetup(NDManager manager, ClipWeights weights, ClipModel clip, PromptLearner learner,
            AnomalyDetector detector, BundleManifest.Thresholds thresholds, Path weightsPath, String sha) {
        this.manager = manager;
        this.weights = weights;
        this.clip = clip;
        this.learner = learner;
        this.detector = detector;
        this.thresholds = thresholds;
        this.promptThresholds = thresholds;
        this.weightsPath = weightsPath;
        this.weightsSha256 = sha;
    }

    static DetectorSetup create(ModelOptions model, DetectorOptions options) {
        if ((options.bundle == null) == (options.checkpoint == null)) {
            throw AdclipException.usage("give exactly one of --bundle FILE or --checkpoint FILE", null);
        }
        NDManager manager = NDManager.newBaseManager();
        try {
            return options.bundle != null ? fromBundle(model, options, manager) : fromCheckpoint(model, options, manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static DetectorSetup fromBundle(ModelOptions model, DetectorOptions options, NDManager manager) {
        Bundle bundle = usage(() -> Bundle.load(options.bundle, manager));
        BundleManifest manifest = bundle.manifest();
        if (manifest.clip().model() == null && model.weights == null && model.model == null) {
            throw AdclipException.usage(options.bundle + " was trained with CLIP weights " + manifest.clip().weightsFile()
                    + " (sha256 " + manifest.clip().weightsSha256() + "), not a registry model: pass them with "
                    + "--weights PATH", null);
        }
        Path path = model.resolve(manifest.clip().model());
        String sha = model.sha256(path);
        if (!sha.equals(manifest.clip().weightsSha256()) && !options.force) {
            throw AdclipException.usage(options.bundle + " was trained with CLIP weights " + manifest.clip().weightsFile()
                    + " (sha256 " + manifest.clip().weightsSha256() + ") but " + path + " has sha256 " + sha
                    + "; use those weights, or --force to use these anyway", null);
        }
        ClipWeights weights = ModelOptions.load(path, manager);
        DetectorConfig config = overrides(manifest.detector().toConfig(), options.hyper);
        requirePromptAgreement(options, config.prompts(), options.bundle);
        ClipModel clip = ClipModel.create(weights.config(), weights::get, manager);
        PromptLearner learner = usage(() -> PromptLearner.fromTensors(config.prompts(), clip, bundle.prompts(), manager));
        DetectorSetup setup = assemble(manager, weights, clip, learner, config, manifest.thresholds(), path, sha);
        setup.bundle = bundle;
        if (bundle.hasReference() && options.noReference) {
            setup.referenceOff = true;
        } else if (bundle.hasReference()) {
            ReferenceBank bank = usage(() -> ReferenceBank.fromBundle(bundle, manager));
            usage(() -> {
                bank.checkAgainst(config);
                return null;
            });
            setup.useBank(bank);
        }
        return setup;
    }

    /** Fuses {@code bank} into this detector's predictions from now on; its thresholds become the verdict's. */
    void useBank(ReferenceBank value) {
        bank = value;
        thresholds = value.thresholds();
    }

    /** One line on the bank for the command's output, or null when the bundle has none. */
    String referenceLine() {
        if (referenceOff) {
            return "reference bank: off (--no-reference); prompt maps and scores only";
        }
        if (bank == null) {
            return null;
        }
        BundleManifest.Reference r = bank.section();
        long rows = r.layers().get(0).kept();
        return String.format(java.util.Locale.ROOT,
                "reference bank: %d good image%s, %d rows per block, fused with the prompt maps (lambda %s, q %.4g)",
                r.images().size(), r.images().size() == 1 ? "" : "s", rows, r.lambda(), r.normalizer());
    }

    private static DetectorSetup fromCheckpoint(ModelOptions model, DetectorOptions options, NDManager manager) {
        ReferenceCheckpoint checkpoint = usage(() -> ReferenceCheckpoint.read(options.checkpoint, manager));
        usage(() -> {
            checkpoint.requireAgreement(options.hyper.nCtx, options.hyper.tNCtx, options.hyper.depth);
            return null;
        });
        Path path = model.resolve(null);
        ClipWeights weights = ModelOptions.load(path, manager);
        ClipModel clip = ClipModel.create(weights.config(), weights::get, manager);
        DetectorConfig config = overrides(DetectorConfig.defaultsFor(weights.config()).withPrompts(checkpoint.config()),
                options.hyper);
        PromptLearner learner = usage(() -> checkpoint.toLearner(clip, manager, path.toString()));
        String sha = model.sha256(path);
        return assemble(manager, weights, clip, learner, config, BundleManifest.Thresholds.defaults(config), path, sha);
    }

    private static DetectorSetup assemble(NDManager manager, ClipWeights weights, ClipModel clip, PromptLearner learner,
            DetectorConfig config, BundleManifest.Thresholds thresholds, Path path, String sha) {
        try {
            config.checkAgainst(weights.config());
        } catch (IllegalArgumentException e) {
            throw AdclipException.usage(e.getMessage(), e);
        }
        AnomalyDetector detector = AnomalyDetector.create(clip, learner, config, manager);
        return new DetectorSetup(manager, weights, clip, learner, detector, thresholds, path, sha);
    }

    /** Options the user set replace the base values; prompt shape options are checked, not applied. */
    static DetectorConfig overrides(DetectorConfig base, HyperOptions options) {
        DetectorConfig config = base;
        try {
            if (options.imageSize != null) {
                config = config.withImageSize(options.imageSize);
            }
            if (options.features != null) {
                config = config.withFeatureBlocks(options.features);
            }
            if (options.dpam != null) {
                config = config.withDpam(options.dpam);
            }
            if (options.sigma != null) {
                config = config.withSigma(options.sigma);
            }
            if (options.temperature != null) {
                config = config.withTemperature(options.temperature);
            }
        } catch (IllegalArgumentException e) {
            throw AdclipException.usage(e.getMessage(), e);
        }
        return config;
    }

    private static void requirePromptAgreement(DetectorOptions options, PromptConfig prompts, Path source) {
        check("--n-ctx", options.hyper.nCtx, prompts.nCtx(), source);
        check("--t-n-ctx", options.hyper.tNCtx, prompts.tNCtx(), source);
        check("--depth", options.hyper.depth, prompts.depth(), source);
    }

    private static void check(String option, Integer given, int actual, Path source) {
        if (given != null && given != actual) {
            throw AdclipException.usage(source + " has " + option.substring(2) + " " + actual + " but " + option + " "
                    + given + " was given; drop the option", null);
        }
    }

    private static <T> T usage(java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (AdclipException e) {
            throw e.exitCode() == AdclipException.USAGE ? e : AdclipException.usage(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw AdclipException.usage(e.getMessage(), e);
        }
    }

    /** Preprocessing for this detector's image size (the reference's squash resize). */
    ImagePreprocessor preprocessor() {
        return new ImagePreprocessor(PreprocessConfig.reference(detector.config().imageSize()));
    }

    /**
     * Image files → answers with this detector: its smoothing, the given thresholds, and a pixel limit.
     *
     * @param maxMegapixels larger images are refused before decoding
     */
    Predictor predictor(ImagePreprocessor preprocessor, double imageThreshold, double mapThreshold,
            double maxMegapixels) {
        PostProcessor post = new PostProcessor(PostProcessor.smoothing(detector.config().sigma()), imageThreshold,
                mapThreshold);
        return predictor(preprocessor, imageThreshold, mapThreshold, maxMegapixels, false);
    }

    /**
     * As {@link #predictor(ImagePreprocessor, double, double, double)}; with a bank the thresholds are the fused
     * ones, and {@code promptOnly} asks each outcome to carry the prompt-only prediction too (with the prompt-only
     * thresholds).
     */
    Predictor predictor(ImagePreprocessor preprocessor, double imageThreshold, double mapThreshold,
            double maxMegapixels, boolean promptOnly) {
        GaussianSmoothing smoothing = PostProcessor.smoothing(detector.config().sigma());
        long maxPixels = (long) (maxMegapixels * 1e6);
        if (bank == null) {
            PostProcessor post = new PostProcessor(smoothing, imageThreshold, mapThreshold);
            return new Predictor(detector, preprocessor, post, maxPixels, manager);
        }
        PostProcessor prompt = new PostProcessor(smoothing, promptThresholds.image(), promptThresholds.pixel());
        PostProcessor fused = new PostProcessor(smoothing, imageThreshold, mapThreshold);
        // the bank is read at each batch, so that a station can swap in a bigger one (under the predictor's lock)
        MapFusion current = (detection, features, size) -> bank.fuse(detection, features, size);
        return new Predictor(detector, preprocessor, prompt, maxPixels, manager).fused(current, fused, promptOnly);
    }

    /** Learned tensors for a bundle written from this setup. */
    Map<String, NDArray> prompts() {
        return learner.parameters();
    }

    @Override
    public void close() {
        manager.close();
    }
}
