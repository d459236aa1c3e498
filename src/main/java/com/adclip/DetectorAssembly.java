package com.adclip;

import ai.djl.ndarray.NDManager;
import com.adclip.anomaly.AnomalyDetector;
import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.BundleManifest;
import com.adclip.anomaly.ConfigOverrides;
import com.adclip.anomaly.DetectorConfig;
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
 * Builds the parts of a detector: CLIP weights, prompts from a bundle or a reference checkpoint, the
 * hyper-parameters (overrides over the bundle's over the model card's) and the tiling the bundle stores (null for
 * whole images and for reference checkpoints). Problems with what was given (missing files, checkpoints that do
 * not fit) are usage errors, exit code 2.
 */
record DetectorAssembly(NDManager manager, ClipWeights weights, ClipModel clip, PromptLearner learner,
        AnomalyDetector detector, BundleManifest.Thresholds thresholds, Path weightsPath, String weightsSha256,
        Tiling storedTiling, Bundle bundle) {

    static DetectorAssembly create(Path bundle, Path checkpoint, WeightsSource source, ConfigOverrides overrides,
            boolean force, Precision precision) {
        if ((bundle == null) == (checkpoint == null)) {
            throw AdclipException.usage("give exactly one of --bundle FILE or --checkpoint FILE", null);
        }
        NDManager manager = NDManager.newBaseManager();
        try {
            return bundle != null ? fromBundle(bundle, source, overrides, force, precision, manager)
                    : fromCheckpoint(checkpoint, source, overrides, precision, manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
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
        ClipModel clip = ClipModel.create(weights.config(), weights::get, manager, precision);
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
        ClipModel clip = ClipModel.create(weights.config(), weights::get, manager, precision);
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
        try {
            config.checkAgainst(weights.config());
        } catch (IllegalArgumentException e) {
            throw AdclipException.usage(e.getMessage(), e);
        }
        AnomalyDetector detector = AnomalyDetector.create(clip, learner, config, manager);
        return new DetectorAssembly(manager, weights, clip, learner, detector, thresholds, path, sha, storedTiling,
                bundle);
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
