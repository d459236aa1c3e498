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

    /** {@code --weights random:NAME}: random weights of a registry model's shape, for smoke tests and benchmarks. */
    static final String RANDOM_PREFIX = "random:";

    @Option(names = "--weights", paramLabel = "PATH",
            description = "CLIP weights: an OpenAI .pt archive, a safetensors file with OpenAI/open_clip names, or "
                    + "a Hugging Face CLIPModel directory. random:NAME gives random weights of a registry model's "
                    + "shape (a smoke test: its numbers are meaningless).")
    Path weights;

    @Option(names = "--model", paramLabel = "NAME",
            description = "A registry model already in the cache (see `adclip models`; default " + DEFAULT_MODEL
                    + ", or the bundle's own model).")
    String model;

    @Option(names = "--precision", paramLabel = "MODE", defaultValue = "auto",
            description = "Image tower precision: auto (default: bf16 where the CPU has native bf16, i.e. AVX-512 "
                    + "BF16 or AMX, else fp32), fp32, bf16, or eager (float32 one op at a time, the original path). "
                    + "bf16 keeps scores within 0.01 of fp32 (see docs/benchmarks.md).")
    String precision;

    @Option(names = "--cache", paramLabel = "DIR", description = "Model cache (default: $ADCLIP_CACHE, else "
            + "$XDG_CACHE_HOME/adclip, else ~/.cache/adclip).")
    Path cache;

    /** The weights file to use; {@code preferredModel} (e.g. from a bundle) is used when neither option is set. */
    Path resolve(String preferredModel) {
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

    /** The image tower precision; {@code auto} resolved for this CPU. */
    com.adclip.clip.Precision precision() {
        try {
            return com.adclip.clip.Precision.parse(precision == null ? "auto" : precision);
        } catch (IllegalArgumentException e) {
            throw AdclipException.usage("--precision: " + e.getMessage(), e);
        }
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

    static boolean isRandom(Path path) {
        return path.toString().startsWith(RANDOM_PREFIX);
    }

    /** The sha256 identifying the weights: of the file, or of the {@code random:NAME} text. */
    String sha256(Path path) {
        if (isRandom(path)) {
            try {
                byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                        .digest(path.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return java.util.HexFormat.of().formatHex(digest);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return new com.adclip.weights.FileHashes(cache().dir()).sha256(path);
    }

    /** Loads the weights; a file that cannot be used is a usage error (exit 2). */
    static ClipWeights load(Path path, NDManager manager) {
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
