package com.adclip.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import com.adclip.AdclipException;
import com.adclip.clip.ClipConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** The checks every format goes through, each failing with one message naming the file and the key. */
final class WeightsChecks {

    private WeightsChecks() {}

    static AdclipException error(Object source, String problem) {
        return new AdclipException(source + ": " + problem);
    }

    static AdclipException error(Object source, String problem, Throwable cause) {
        return new AdclipException(source + ": " + problem, cause);
    }

    /**
     * Every expected key present, no unknown key (except {@code ignorable} ones), every shape as expected.
     *
     * @param source the file, as named in messages
     * @param config the architecture derived from the file, described in messages
     */
    static void keysAndShapes(Object source, Map<String, Shape> actual, Map<String, Shape> expected,
            Predicate<String> ignorable, ClipConfig config) {
        List<String> missing = new ArrayList<>();
        expected.keySet().forEach(k -> {
            if (!actual.containsKey(k)) {
                missing.add(k);
            }
        });
        if (!missing.isEmpty()) {
            throw error(source, "missing key '" + missing.get(0) + "'" + more(missing) + " for " + describe(config)
                    + " (derived from the tensor shapes); the file is incomplete or damaged, download it again");
        }
        List<String> unexpected = new ArrayList<>();
        actual.keySet().forEach(k -> {
            if (!expected.containsKey(k) && !ignorable.test(k)) {
                unexpected.add(k);
            }
        });
        if (!unexpected.isEmpty()) {
            throw error(source, "unexpected key '" + unexpected.get(0) + "'" + more(unexpected)
                    + ", not part of " + describe(config) + "; only plain CLIP ViT checkpoints are supported");
        }
        for (Map.Entry<String, Shape> e : expected.entrySet()) {
            Shape found = actual.get(e.getKey());
            if (!found.equals(e.getValue())) {
                throw error(source, "key '" + e.getKey() + "' has shape " + found + ", expected " + e.getValue()
                        + " for " + describe(config) + " (derived from the tensor shapes); the file is damaged"
                        + " or mixes tensors of different models");
            }
        }
    }

    /** Rejects NaN and infinite values, naming the tensor. */
    static void finite(Object source, String name, NDArray array) {
        if (array.getShape().size() == 0) {
            return;
        }
        float max;
        try (NDArray abs = array.abs(); NDArray top = abs.max()) {
            max = top.getFloat();
        }
        if (Float.isNaN(max)) {
            throw error(source, "tensor '" + name + "' contains NaN values; the weights are corrupt (a diverged"
                    + " training run or a damaged file), use another copy");
        }
        if (Float.isInfinite(max)) {
            throw error(source, "tensor '" + name + "' contains infinite values; the weights are corrupt (a"
                    + " diverged training run or a damaged file), use another copy");
        }
    }

    /** A one-phrase summary of an architecture, for messages. */
    static String describe(ClipConfig c) {
        return "a CLIP ViT with vision width " + c.vision().width() + ", " + c.vision().layers() + " layers, patch "
                + c.vision().patchSize() + ", resolution " + c.vision().imageResolution() + "; text width "
                + c.text().width() + ", " + c.text().layers() + " layers, context " + c.text().contextLength()
                + ", vocabulary " + c.text().vocabSize() + "; embedding " + c.embedDim();
    }

    private static String more(List<String> keys) {
        return keys.size() > 1 ? " (and " + (keys.size() - 1) + " more)" : "";
    }
}
