package com.adclip.cli;

import ai.djl.ndarray.NDManager;
import com.adclip.AdclipException;
import com.adclip.weights.ClipWeights;
import com.adclip.weights.ModelCache;
import com.adclip.weights.ModelRegistry;
import com.adclip.weights.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --weights PATH | --model NAME [--cache DIR]}: which CLIP to run, shared by every command that needs one. */
final class ModelOptions {
    static final String DEFAULT_MODEL = "ViT-L/14@336px";

    @Option(names = "--weights", paramLabel = "PATH",
            description = "CLIP weights: an OpenAI .pt archive, a safetensors file with OpenAI/open_clip names, or "
                    + "a Hugging Face CLIPModel directory.")
    Path weights;

    @Option(names = "--model", paramLabel = "NAME",
            description = "A registry model already in the cache (see `adclip models`; default " + DEFAULT_MODEL
                    + ", or the bundle's own model).")
    String model;

    @Option(names = "--cache", paramLabel = "DIR", description = "Model cache (default: $ADCLIP_CACHE, else "
            + "$XDG_CACHE_HOME/adclip, else ~/.cache/adclip).")
    Path cache;

    /** The weights file to use; {@code preferredModel} (e.g. from a bundle) is used when neither option is set. */
    Path resolve(String preferredModel) {
        if (weights != null && model != null) {
            throw AdclipException.usage("give either --weights or --model, not both", null);
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

    ModelCache cache() {
        return ModelCache.locate(cache);
    }

    /** The registry name of the weights in use, when they are a registry model's file. */
    Optional<String> registryName(Path resolved) {
        if (model != null) {
            return ModelRegistry.lookup(model).map(ModelSpec::name);
        }
        String file = resolved.getFileName().toString();
        return ModelRegistry.all().stream().filter(s -> s.fileName().equals(file)).map(ModelSpec::name).findFirst();
    }

    /** Loads the weights; a file that cannot be used is a usage error (exit 2). */
    static ClipWeights load(Path path, NDManager manager) {
        try {
            return ClipWeights.load(path, manager);
        } catch (AdclipException e) {
            throw AdclipException.usage(e.getMessage(), e);
        }
    }
}
