package com.adclip.cli;

import com.adclip.AdclipException;

import ai.djl.ndarray.NDManager;
import com.adclip.weights.ClipWeights;
import com.adclip.weights.ModelCache;
import com.adclip.weights.WeightsSource;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --weights PATH | --model NAME [--cache DIR]}: which CLIP to run, shared by every command that needs one. */
final class ModelOptions {
    static final String DEFAULT_MODEL = WeightsSource.DEFAULT_MODEL;

    /** {@code --weights random:NAME}: random weights of a registry model's shape, for smoke tests and benchmarks. */
    static final String RANDOM_PREFIX = WeightsSource.RANDOM_PREFIX;

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

    /** What the options name, for the library. */
    WeightsSource source() {
        return new WeightsSource(weights, model, cache);
    }

    /** The weights file to use; {@code preferredModel} (e.g. from a bundle) is used when neither option is set. */
    Path resolve(String preferredModel) {
        if (preferredModel == null) {
            announceOnlyCached();
        }
        return source().resolve(preferredModel);
    }

    /**
     * Says so on stderr when nothing names a model, the default is not cached and the only cached registry model
     * will be used instead (as {@link WeightsSource#onlyCachedInsteadOfDefault}).
     */
    void announceOnlyCached() {
        if (mixee == null) {
            return;
        }
        source().onlyCachedInsteadOfDefault().ifPresent(only -> {
            mixee.commandLine().getErr().println("using " + only.name() + ", the only CLIP model in the cache ("
                    + DEFAULT_MODEL + " is the default; --model NAME chooses)");
            mixee.commandLine().getErr().flush();
        });
    }

    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec mixee;

    /** The image tower precision; {@code auto} resolved for this CPU. */
    com.adclip.clip.Precision precision() {
        try {
            return com.adclip.clip.Precision.parse(precision == null ? "auto" : precision);
        } catch (IllegalArgumentException e) {
            throw AdclipException.usage("--precision: " + e.getMessage(), e);
        }
    }

    ModelCache cache() {
        return source().cache();
    }

    /** The registry name of the weights in use, when they are a registry model's file. */
    Optional<String> registryName(Path resolved) {
        return source().registryName(resolved);
    }

    static boolean isRandom(Path path) {
        return WeightsSource.isRandom(path);
    }

    /** The sha256 identifying the weights: of the file, or of the {@code random:NAME} text. */
    String sha256(Path path) {
        return source().sha256(path);
    }

    /** Loads the weights; a file that cannot be used is a usage error (exit 2). */
    static ClipWeights load(Path path, NDManager manager) {
        return WeightsSource.load(path, manager);
    }
}
