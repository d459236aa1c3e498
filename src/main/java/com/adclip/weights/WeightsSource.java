package com.adclip.weights;

import ai.djl.ndarray.NDManager;
import com.adclip.AdclipException;
import com.adclip.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
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
        String name = model != null ? model : Optional.ofNullable(preferredModel).orElse(DEFAULT_MODEL);
        ModelSpec spec = ModelRegistry.lookup(name).orElseThrow(() -> AdclipException.usage(
                "unknown model '" + name + "'; known models: " + String.join(", ", ModelRegistry.names()), null));
        Path path = cache().pathOf(spec);
        if (!Files.isRegularFile(path)) {
            throw AdclipException.usage(spec.name() + " is not in the model cache (" + path + "); run `adclip "
                    + "fetch-model " + spec.name() + "` or pass --weights PATH", null);
        }
        return path;
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
