package com.adclip.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.adclip.AdclipException;
import com.adclip.clip.ClipModel;
import com.adclip.clip.VisionFeatures;
import com.adclip.clip.VisionRequest;
import com.adclip.files.AtomicFiles;
import com.adclip.files.FileErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The frozen-encoder feature cache: the vision tower's outputs for a training image are computed once and
 * reused every epoch. Entries are keyed by the image's content, the preprocessing and the model (weights,
 * DPAM, feature blocks), so an edited image is encoded again. They live in native memory (fp32 or fp16), or
 * on disk (one file per entry, memory-mapped when read) for sets that do not fit.
 */
public final class FeatureCache implements AutoCloseable {
    /** Storage precision of cached features. */
    public enum Precision { FP32, FP16 }

    private final ClipModel clip;
    private final VisionRequest request;
    private final String contextKey;
    private final Precision precision;
    private final Path directory;
    private final NDManager manager;
    private final Map<String, NDArray> memory = new HashMap<>();
    private int computed;
    private int reused;
    private long storedBytes;

    /**
     * @param contextKey everything besides the image that determines the features: weights sha256,
     *     preprocessing, DPAM and feature blocks
     * @param directory null to keep entries in memory
     */
    public FeatureCache(ClipModel clip, VisionRequest request, String contextKey, Precision precision, Path directory,
            NDManager parent) {
        this.clip = clip;
        this.request = request;
        // the tower's precision made the features: entries of another mode are never reused
        this.contextKey = contextKey + "|" + request + "|" + precision + "|tower=" + clip.precision().label();
        this.precision = precision;
        this.directory = directory;
        this.manager = parent.newSubManager();
        if (directory != null) {
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new AdclipException("cannot create feature cache folder " + directory + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * The features of one image (or one augmented view of it), packed as [1 + L·T, E]: row 0 the global
     * feature, then the patch tokens of each of the L feature layers (T = 1 + G² tokens each).
     *
     * @param contentKey identifies the pixels: the image's sha256 (plus the view, for augmentation)
     * @param pixels computes the model input [3, S, S] when the entry is missing
     * @param scope where an entry read from disk is created; in-memory entries belong to the cache and must not
     *     be closed by the caller
     */
    public NDArray get(String contentKey, Supplier<NDArray> pixels, NDManager scope) {
        String key = sha256(contextKey + "|" + contentKey);
        NDArray cached = memory.get(key);
        if (cached != null) {
            reused++;
            return cached;
        }
        if (directory != null && Files.isRegularFile(file(key))) {
            reused++;
            return readEntry(key, scope);
        }
        computed++;
        NDArray packed = encode(pixels.get());
        store(key, packed);
        return directory == null ? packed : readEntry(key, scope);
    }

    /**
     * Makes sure each of {@code contentKeys} has an entry: the missing ones are encoded {@code batch} at a time (one
     * forward pass of the tower per batch, so memory holds at most {@code batch} inputs and their activations).
     *
     * @param pixels the model input [3, S, S] of key i, in the given manager; asked only for missing keys
     */
    public void fill(List<String> contentKeys, java.util.function.BiFunction<Integer, NDManager, NDArray> pixels,
            int batch, NDManager parent) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < contentKeys.size(); i++) {
            String key = sha256(contextKey + "|" + contentKeys.get(i));
            if (memory.containsKey(key) || directory != null && Files.isRegularFile(file(key))) {
                continue;
            }
            missing.add(i);
        }
        for (int from = 0; from < missing.size(); from += batch) {
            List<Integer> part = missing.subList(from, Math.min(missing.size(), from + batch));
            try (NDManager scope = parent.newSubManager()) {
                NDList inputs = new NDList();
                part.forEach(i -> inputs.add(pixels.apply(i, scope)));
                List<NDArray> packed = encodeBatch(NDArrays.stack(inputs)); // B × [1 + L·T, E]
                for (int j = 0; j < part.size(); j++) {
                    computed++;
                    store(sha256(contextKey + "|" + contentKeys.get(part.get(j))), packed.get(j));
                }
            }
        }
    }

    /**
     * Encodes pixels [3, S, S] without storing them (augmented views that are never reused), packed like
     * {@link #get}, in {@code scope}.
     */
    public NDArray encodeUncached(NDArray pixels, NDManager scope) {
        computed++;
        NDArray packed = encode(pixels);
        packed.attach(scope);
        return packed;
    }

    private NDArray encode(NDArray pixels) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray input = pixels.duplicate();
            input.attach(scope);
            VisionFeatures features = clip.encodeVision(input.expandDims(0), request);
            NDList rows = new NDList();
            rows.add(features.global()); // [1, E]
            features.patches().forEach(p -> rows.add(p.tokens().squeeze(0))); // [T, E] each
            NDArray packed = NDArrays.concat(rows, 0);
            NDArray stored = precision == Precision.FP16 ? packed.toType(DataType.FLOAT16, true) : packed.duplicate();
            stored.attach(manager);
            return stored;
        }
    }

    /** Encodes a batch [B, 3, S, S] → B packed entries [1 + L·T, E] in the cache's manager. */
    private List<NDArray> encodeBatch(NDArray pixels) {
        List<NDArray> entries = new ArrayList<>();
        try (NDManager scope = manager.newSubManager()) {
            NDArray input = pixels.duplicate();
            input.attach(scope);
            VisionFeatures features = clip.encodeVision(input, request);
            long count = input.getShape().get(0);
            for (long b = 0; b < count; b++) {
                NDList rows = new NDList();
                rows.add(features.global().get(new NDIndex("{}:{}", b, b + 1))); // [1, E]
                for (VisionFeatures.PatchFeatures p : features.patches()) {
                    rows.add(p.tokens().get(new NDIndex("{}", b))); // [T, E]
                }
                NDArray packed = NDArrays.concat(rows, 0); // [1 + L·T, E]
                NDArray stored = precision == Precision.FP16 ? packed.toType(DataType.FLOAT16, true)
                        : packed.duplicate();
                stored.attach(manager);
                entries.add(stored);
            }
        }
        return entries;
    }

    private void store(String key, NDArray packed) {
        storedBytes += packed.size() * packed.getDataType().getNumOfBytes();
        if (directory == null) {
            memory.put(key, packed);
            return;
        }
        try {
            AtomicFiles.write(file(key), packed.toByteArray());
            packed.close();
        } catch (IOException e) {
            throw new AdclipException("cannot write to the feature cache " + directory + ": " + e.getMessage(), e);
        }
    }

    private NDArray readEntry(String key, NDManager scope) {
        Path file = file(key);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()).order(ByteOrder.nativeOrder());
            DataType type = precision == Precision.FP16 ? DataType.FLOAT16 : DataType.FLOAT32;
            long rows = channel.size() / type.getNumOfBytes() / width();
            return scope.create(mapped, new Shape(rows, width()), type);
        } catch (IOException e) {
            throw new AdclipException("cannot read the feature cache entry " + file + ": " + e.getMessage(), e);
        }
    }

    private long width() {
        return clip.config().embedDim();
    }

    private Path file(String key) {
        return directory.resolve(key + (precision == Precision.FP16 ? ".f16" : ".f32"));
    }

    /** Splits a packed entry batch [B, 1 + L·T, E] into the global features and per-layer tokens, as fp32. */
    static List<NDArray> unpack(NDArray batch, int layers) {
        NDArray full = batch.toType(DataType.FLOAT32, false);
        long tokens = (full.getShape().get(1) - 1) / layers;
        List<NDArray> parts = new ArrayList<>();
        parts.add(full.get(":, 0, :"));
        for (int l = 0; l < layers; l++) {
            long start = 1 + l * tokens;
            parts.add(full.get(":, " + start + ":" + (start + tokens) + ", :"));
        }
        return parts;
    }

    /** Images encoded by the vision tower so far. */
    public int computed() {
        return computed;
    }

    /** Lookups answered from the cache. */
    public int reused() {
        return reused;
    }

    /** Bytes of features stored (in memory or on disk) by this run. */
    public long storedBytes() {
        return storedBytes;
    }

    public Precision precision() {
        return precision;
    }

    /** Frees the in-memory entries (disk entries stay for the next run). */
    @Override
    public void close() {
        memory.clear();
        manager.close();
    }

    static String sha256(String text) {
        return com.adclip.Sha256.of(text);
    }

    /** sha256 of a file's bytes: the content part of a cache key. */
    public static String contentHash(Path file) {
        try {
            return com.adclip.weights.FileHashes.hash(file);
        } catch (IOException e) {
            throw new AdclipException("cannot read " + file + ": " + FileErrors.reason(e), e);
        }
    }
}
