package com.adclip.weights;

import ai.djl.ndarray.NDManager;
import com.adclip.AdclipException;
import com.adclip.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Which CLIP weights to run: a file given by path, {@code random:NAME} (random weights of a registry model's
 * shape), or a registry model from the cache. Problems with what was given are usage errors (exit code 2).
 *
 * @param weights a weights path or {@code random:NAME}, or null
 * @param model a registry model name, or null
 * @param cacheDir the model cache folder, or null for the default location
 */
public record WeightsSource(Path weights, String model, Path cacheDir) {
    /** The model used when neither weights nor a model are given, and no bundle names one. */
    public static final String DEFAULT_MODEL = "ViT-L/14@336px";

    /** {@code random:NAME}: random weights of a registry model's shape, for smoke tests and benchmarks. */
    public static final String RANDOM_PREFIX = "random:";

    /** The spelling of random weights of {@code model}'s shape, as {@code --weights} takes it. */
    public static Path random(String model) {
        return Path.of(RANDOM_PREFIX + model);
    }

    /** The weights file to use; {@code preferredModel} (e.g. from a bundle) is used when neither is set. */
    public Path resolve(String preferredModel) {
        if (weights != null && model != null) {
            throw AdclipException.usage("give either --weights or --model, not both", null);
        }
        if (weights != null && isRandom(weights)) {
            ModelRegistry.lookup(weights.toString().substring(RANDOM_PREFIX.length())).orElseThrow(() ->
                    AdclipException.usage("unknown model in " + weights + "; known models: "
                            + String.join(", ", ModelRegistry.names()), null));
            return weights;
        }
        if (weights != null) {
            if (!Files.exists(weights)) {
                throw AdclipException.usage("weights not found: " + weights, null);
            }
            return weights;
        }
        if (model == null && preferredModel == null) {
            Optional<ModelSpec> only = onlyCachedInsteadOfDefault();
            if (only.isPresent()) {
                return cache().pathOf(only.get());
            }
        }
        String name = model != null ? model : Optional.ofNullable(preferredModel).orElse(DEFAULT_MODEL);
        ModelSpec spec = ModelRegistry.lookup(name).orElseThrow(() -> AdclipException.usage(
                "unknown model '" + name + "'; known models: " + String.join(", ", ModelRegistry.names()), null));
        Path path = cache().pathOf(spec);
        if (!Files.isRegularFile(path)) {
            List<String> cached = cachedModels();
            throw AdclipException.usage(spec.name() + " is not in the model cache (" + path + "); run `adclip "
                    + "fetch-model " + spec.name() + "` or pass --weights PATH" + (cached.isEmpty() ? ""
                    : "; cached: " + String.join(", ", cached) + " (choose one with --model NAME)"), null);
        }
        return path;
    }

    /**
     * The weights a resumed training run was trained with, by their path, when they are still there unchanged: a
     * resumed run goes on with the same weights unless told otherwise ({@link #resolve} then).
     *
     * @param trainedWith the run's weights file, or {@code random:NAME}
     * @param trainedSha256 the sha256 of the weights the run was trained with (from its bundle), or null if unknown
     */
    public Path trainedWeights(Path trainedWith, String trainedSha256) {
        if (isRandom(trainedWith)) {
            return new WeightsSource(trainedWith, null, cacheDir).resolve(null);
        }
        if (!Files.isRegularFile(trainedWith)) {
            throw AdclipException.usage("cannot resume: the run was trained with the weights " + trainedWith
                    + ", which are gone; pass --weights PATH to resume with a copy of them", null);
        }
        String sha = sha256(trainedWith);
        if (!sha.equals(trainedSha256)) {
            throw AdclipException.usage("cannot resume: the weights " + trainedWith + " changed since the run was "
                    + "trained (sha256 " + sha.substring(0, 12) + "…, was " + abbreviate(trainedSha256) + "); pass "
                    + "--weights PATH to resume with other weights", null);
        }
        return trainedWith;
    }

    private static String abbreviate(String sha) {
        return sha == null ? "unknown" : sha.substring(0, Math.min(12, sha.length())) + "…";
    }

    /**
     * When nothing names a model and the default is not cached but exactly one registry model is, that one
     * (a user who fetched ViT-B/16 means it).
     */
    public Optional<ModelSpec> onlyCachedInsteadOfDefault() {
        if (weights != null || model != null) {
            return Optional.empty();
        }
        ModelCache c = cache();
        if (Files.isRegularFile(c.pathOf(ModelRegistry.find(DEFAULT_MODEL)))) {
            return Optional.empty();
        }
        List<ModelSpec> cached = ModelRegistry.all().stream().filter(m -> Files.isRegularFile(c.pathOf(m))).toList();
        return cached.size() == 1 ? Optional.of(cached.get(0)) : Optional.empty();
    }

    private List<String> cachedModels() {
        ModelCache c = cache();
        return ModelRegistry.all().stream().filter(m -> Files.isRegularFile(c.pathOf(m))).map(ModelSpec::name)
                .toList();
    }

    /** Whether neither weights nor a model were given (the default or a bundle's model is used). */
    public boolean unspecified() {
        return weights == null && model == null;
    }

    public ModelCache cache() {
        return ModelCache.locate(cacheDir);
    }

    /** The registry name of the weights in use, when they are a registry model's file. */
    public Optional<String> registryName(Path resolved) {
        if (model != null) {
            return ModelRegistry.lookup(model).map(ModelSpec::name);
        }
        String file = resolved.getFileName().toString();
        return ModelRegistry.all().stream().filter(s -> s.fileName().equals(file)).map(ModelSpec::name).findFirst();
    }

    public static boolean isRandom(Path path) {
        return path.toString().startsWith(RANDOM_PREFIX);
    }

    /** The sha256 identifying the weights: of the file (remembered in the cache), or of the {@code random:NAME} text. */
    public String sha256(Path path) {
        if (isRandom(path)) {
            return Sha256.of(path.toString());
        }
        return new FileHashes(cache().dir()).sha256(path);
    }

    /** Loads the weights; a file that cannot be used is a usage error (exit 2). */
    public static ClipWeights load(Path path, NDManager manager) {
        if (isRandom(path)) {
            ModelSpec spec = ModelRegistry.find(path.toString().substring(RANDOM_PREFIX.length()));
            return ClipWeights.random(spec.config(), manager, 0);
        }
        try {
            return ClipWeights.load(path, manager);
        } catch (AdclipException e) {
            throw AdclipException.usage(e.getMessage(), e);
        }
    }
}
