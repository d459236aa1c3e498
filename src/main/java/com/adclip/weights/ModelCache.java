package com.adclip.weights;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The directory where downloaded checkpoints live, one file per model named like the URL's last segment
 * (e.g. {@code ViT-B-16.pt}).
 *
 * <p>Location: {@code --cache DIR} if given, else {@code $ADCLIP_CACHE}, else {@code $XDG_CACHE_HOME/adclip},
 * else {@code ~/.cache/adclip}.
 */
public final class ModelCache {

    /** Environment variable naming the cache directory. */
    public static final String CACHE_ENV = "ADCLIP_CACHE";
    /** Environment variable giving a download mirror (see {@link ModelSpec#downloadUrl(String)}). */
    public static final String MIRROR_ENV = "ADCLIP_MODEL_MIRROR";
    /** Suffix of an incomplete download next to its final file. */
    public static final String PART_SUFFIX = ".part";

    private final Path dir;

    public ModelCache(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
    }

    /** The cache at {@code override} if non-null, else where the process environment says. */
    public static ModelCache locate(Path override) {
        return new ModelCache(resolveDir(override, System::getenv, Path.of(System.getProperty("user.home"))));
    }

    /**
     * Where the cache is, given an explicit directory (or null), an environment lookup and the home directory.
     * Empty variables count as unset, and a relative {@code XDG_CACHE_HOME} is ignored, as the XDG spec says.
     */
    static Path resolveDir(Path override, Function<String, String> env, Path home) {
        if (override != null) {
            return override;
        }
        String explicit = env.apply(CACHE_ENV);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = env.apply("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "adclip");
        }
        return home.resolve(".cache").resolve("adclip");
    }

    /** The mirror to download from: {@code option} if given, else {@code $ADCLIP_MODEL_MIRROR}, else null. */
    public static String mirror(String option, Function<String, String> env) {
        if (option != null && !option.isBlank()) {
            return option;
        }
        String fromEnv = env.apply(MIRROR_ENV);
        return fromEnv == null || fromEnv.isBlank() ? null : fromEnv;
    }

    /** The cache directory (absolute; it may not exist yet). */
    public Path dir() {
        return dir;
    }

    /** Where the model's checkpoint is (or would be) cached. */
    public Path pathOf(ModelSpec model) {
        return dir.resolve(model.fileName());
    }

    /** The size in bytes of the cached checkpoint, if there is a regular file (not checked for integrity). */
    public OptionalLong cachedSize(ModelSpec model) {
        return sizeOf(pathOf(model));
    }

    /** The size in bytes of an interrupted download of the model, if there is one. */
    public OptionalLong partialSize(ModelSpec model) {
        return sizeOf(partOf(pathOf(model)));
    }

    /** What to download to fetch {@code model} into this cache, from the official URL or {@code mirror}. */
    public Download request(ModelSpec model, String mirror) {
        URI url = model.downloadUrl(mirror);
        return new Download(model.name(), url, model.sha256(), pathOf(model));
    }

    static Path partOf(Path target) {
        return target.resolveSibling(target.getFileName() + PART_SUFFIX);
    }

    private static OptionalLong sizeOf(Path file) {
        try {
            return Files.isRegularFile(file) ? OptionalLong.of(Files.size(file)) : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }
}
