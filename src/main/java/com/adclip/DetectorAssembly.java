package com.adclip;

import ai.djl.ndarray.NDManager;
import com.adclip.anomaly.AnomalyDetector;
import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.BundleManifest;
import com.adclip.anomaly.ConfigOverrides;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.anomaly.PromptConfig;
import com.adclip.anomaly.PromptLearner;
import com.adclip.anomaly.ReferenceCheckpoint;
import com.adclip.clip.ClipModel;
import com.adclip.clip.Precision;
import com.adclip.tile.Tiling;
import com.adclip.weights.ClipWeights;
import com.adclip.weights.WeightsSource;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The one place a detector is put together: CLIP weights, prompts (from a bundle, a reference checkpoint, or
 * freshly initialised from a seed), the hyper-parameters (overrides over the bundle's over the model card's) and
 * the tiling the bundle stores (null for whole images, reference checkpoints and fresh prompts).
 * {@link Detector.Builder#build} wraps it for inspection; training and benchmarks take the parts from
 * {@link Detector.Builder#assemble}. Problems with what was given (missing files, checkpoints that do not fit) are
 * usage errors, exit code 2. Closing it frees every tensor of the parts.
 *
 * @param manager owns every tensor of the parts
 * @param weights the CLIP weights as loaded
 * @param clip the frozen CLIP
 * @param learner the prompts (trainable)
 * @param detector CLIP + the prompts' text features, ready to run
 * @param thresholds the stored thresholds (defaults for a checkpoint or fresh prompts)
 * @param weightsPath the weights file, or {@code random:NAME}
 * @param weightsSha256 the sha256 identifying the weights
 * @param storedTiling the bundle's tiling, else null
 * @param bundle the bundle the prompts came from, else null
 */
public record DetectorAssembly(NDManager manager, ClipWeights weights, ClipModel clip, PromptLearner learner,
        AnomalyDetector detector, BundleManifest.Thresholds thresholds, Path weightsPath, String weightsSha256,
        Tiling storedTiling, Bundle bundle) implements AutoCloseable {

    /** Where the prompts come from: exactly one of a bundle, a checkpoint, or a seed for fresh prompts. */
    record Origin(Path bundle, Path checkpoint, Long freshSeed, String classWord, boolean fitDepth) {}

    static DetectorAssembly create(Origin origin, WeightsSource source, ConfigOverrides overrides, boolean force,
            Precision precision) {
        int given = (origin.bundle() != null ? 1 : 0) + (origin.checkpoint() != null ? 1 : 0)
                + (origin.freshSeed() != null ? 1 : 0);
        if (given != 1) {
            throw AdclipException.usage("give exactly one of --bundle FILE or --checkpoint FILE", null);
        }
        NDManager manager = NDManager.newBaseManager();
        try {
            if (origin.bundle() != null) {
                return fromBundle(origin.bundle(), source, overrides, force, precision, manager);
            }
            return origin.checkpoint() != null
                    ? fromCheckpoint(origin.checkpoint(), source, overrides, precision, manager)
                    : fresh(origin, source, overrides, precision, manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The detector's hyper-parameters. */
    public DetectorConfig config() {
        return detector.config();
    }

    @Override
    public void close() {
        manager.close();
    }

    /**
     * Prompts initialised from a seed (a training run's start, benchmarks): the model card's prompt shape with
     * the overrides' n_ctx, t_n_ctx and depth. With {@code fitDepth} and no depth given, the depth is cut to the
     * CLIP's text blocks (small test CLIPs).
     */
    private static DetectorAssembly fresh(Origin origin, WeightsSource source, ConfigOverrides overrides,
            Precision precision, NDManager manager) {
        Path path = source.resolve(null);
        ClipWeights weights = WeightsSource.load(path, manager);
        ClipModel clip = ClipModel.create(weights.config(), weights, manager, precision);
        int depth = overrides.depth() != null ? overrides.depth() : origin.fitDepth()
                ? Math.min(DetectorConfig.DEFAULT_DEPTH, weights.config().text().layers())
                : DetectorConfig.DEFAULT_DEPTH;
        PromptConfig prompts = new PromptConfig(
                overrides.nCtx() != null ? overrides.nCtx() : DetectorConfig.DEFAULT_N_CTX,
                overrides.tNCtx() != null ? overrides.tNCtx() : DetectorConfig.DEFAULT_T_N_CTX, depth,
                origin.classWord() != null ? origin.classWord() : DetectorConfig.DEFAULT_CLASS_WORD);
        DetectorConfig config = overrides.apply(DetectorConfig.defaultsFor(weights.config()).withPrompts(prompts));
        check(config, weights);
        PromptLearner learner = PromptLearner.initialise(prompts, clip, manager, origin.freshSeed());
        String sha = source.sha256(path);
        return assemble(manager, weights, clip, learner, config, BundleManifest.Thresholds.defaults(config), path, sha,
                null, null);
    }

    private static DetectorAssembly fromBundle(Path file, WeightsSource source, ConfigOverrides overrides,
            boolean force, Precision precision, NDManager manager) {
        Bundle bundle = usage(() -> Bundle.load(file, manager));
        BundleManifest manifest = bundle.manifest();
        if (manifest.clip().model() == null && source.unspecified()) {
            java.util.Optional<String> random = com.adclip.weights.ModelRegistry.names().stream()
                    .map(n -> WeightsSource.RANDOM_PREFIX + n)
                    .filter(r -> com.adclip.Sha256.of(r).equals(manifest.clip().weightsSha256())).findFirst();
            if (random.isPresent()) {
                throw AdclipException.usage(file + " was trained on random weights (a smoke test): pass --weights "
                        + random.get() + " to run it", null);
            }
            throw AdclipException.usage(file + " was trained with CLIP weights " + manifest.clip().weightsFile()
                    + " (sha256 " + manifest.clip().weightsSha256() + "), not a registry model: pass them with "
                    + "--weights PATH", null);
        }
        Path path = source.resolve(manifest.clip().model());
        String sha = source.sha256(path);
        if (!sha.equals(manifest.clip().weightsSha256()) && !force) {
            throw AdclipException.usage(file + " was trained with CLIP weights " + manifest.clip().weightsFile()
                    + " (sha256 " + manifest.clip().weightsSha256() + ") but " + path + " has sha256 " + sha
                    + "; use those weights, or --force to use these anyway", null);
        }
        ClipWeights weights = WeightsSource.load(path, manager);
        DetectorConfig config = overrides.apply(manifest.detector().toConfig());
        overrides.requireAgreement(config.prompts(), file);
        ClipModel clip = ClipModel.create(weights.config(), weights, manager, precision);
        PromptLearner learner = usage(() -> PromptLearner.fromTensors(config.prompts(), clip, bundle.prompts(), manager));
        Tiling tiling = usage(() -> Tiling.fromManifest(manifest.tiling()));
        return assemble(manager, weights, clip, learner, config, manifest.thresholds(), path, sha, tiling, bundle);
    }

    private static DetectorAssembly fromCheckpoint(Path file, WeightsSource source, ConfigOverrides overrides,
            Precision precision, NDManager manager) {
        ReferenceCheckpoint checkpoint = usage(() -> ReferenceCheckpoint.read(file, manager));
        usage(() -> {
            checkpoint.requireAgreement(overrides.nCtx(), overrides.tNCtx(), overrides.depth());
            return null;
        });
        Path path = source.resolve(null);
        ClipWeights weights = WeightsSource.load(path, manager);
        ClipModel clip = ClipModel.create(weights.config(), weights, manager, precision);
        DetectorConfig config = overrides.apply(DetectorConfig.defaultsFor(weights.config())
                .withPrompts(checkpoint.config()));
        PromptLearner learner = usage(() -> checkpoint.toLearner(clip, manager, path.toString()));
        String sha = source.sha256(path);
        return assemble(manager, weights, clip, learner, config, BundleManifest.Thresholds.defaults(config), path, sha,
                null, null);
    }

    private static DetectorAssembly assemble(NDManager manager, ClipWeights weights, ClipModel clip,
            PromptLearner learner, DetectorConfig config, BundleManifest.Thresholds thresholds, Path path,
            String sha, Tiling storedTiling, Bundle bundle) {
        check(config, weights);
        AnomalyDetector detector = AnomalyDetector.create(clip, learner, config, manager);
        return new DetectorAssembly(manager, weights, clip, learner, detector, thresholds, path, sha, storedTiling,
                bundle);
    }

    private static void check(DetectorConfig config, ClipWeights weights) {
        try {
            config.checkAgainst(weights.config());
        } catch (IllegalArgumentException e) {
            throw AdclipException.usage(e.getMessage(), e);
        }

    }

    static <T> T usage(Supplier<T> step) {
        try {
            return step.get();
        } catch (AdclipException e) {
            throw e.exitCode() == AdclipException.USAGE ? e : AdclipException.usage(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw AdclipException.usage(e.getMessage(), e);
        }
    }
}
