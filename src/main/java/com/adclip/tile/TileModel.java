package com.adclip.tile;

import ai.djl.ndarray.NDArray;
import com.adclip.anomaly.AnomalyDetector;
import com.adclip.anomaly.Detection;
import com.adclip.anomaly.MapFusion;
import com.adclip.clip.VisionFeatures;
import com.adclip.types.DefectTypes;
import com.adclip.types.PatchTypes;
import java.util.List;

/** What tiling needs from a detector: raw maps and probabilities for a batch of preprocessed tiles. */
public interface TileModel {
    /** The model input side S. */
    int inputSize();

    /** Runs normalised pixels [B, 3, S, S]; the results live in the pixels' manager. */
    Output run(NDArray pixels);

    /** The global pass: the whole image as one input [1, 3, S, S] (by default as a tile is run). */
    default Output runWhole(NDArray pixels) {
        return run(pixels);
    }

    /**
     * @param rawMaps fused anomaly maps [B, S, S], before smoothing
     * @param probabilities [B, 2] (normal, anomaly)
     * @param promptOnly with a fusion (a reference bank), the prompt-only maps and probabilities of the same tiles
     *     when asked for ({@link #fused}), else null
     * @param types with defect types, each tile's patch types (see {@link DefectTypes#patchTypes}), else null
     */
    record Output(NDArray rawMaps, NDArray probabilities, Output promptOnly, List<PatchTypes> types) {
        public Output(NDArray rawMaps, NDArray probabilities) {
            this(rawMaps, probabilities, null, null);
        }

        public Output(NDArray rawMaps, NDArray probabilities, Output promptOnly) {
            this(rawMaps, probabilities, promptOnly, null);
        }
    }

    /** The patch types of a batch's features, or null without {@code types}. */
    private static List<PatchTypes> typesOf(DefectTypes types, VisionFeatures features) {
        return types == null ? null : types.patchTypes(features);
    }

    /** The AnomalyCLIP detector as a tile model. */
    static TileModel of(AnomalyDetector detector) {
        return of(detector, null);
    }

    /** The AnomalyCLIP detector as a tile model, each tile's outputs with its patch types ({@code types} not null). */
    static TileModel of(AnomalyDetector detector, DefectTypes types) {
        return new TileModel() {
            @Override
            public int inputSize() {
                return detector.config().imageSize();
            }

            @Override
            public Output run(NDArray pixels) {
                VisionFeatures features = detector.encode(pixels);
                Detection detection = detector.detect(features);
                return new Output(detection.rawMap(), detection.probabilities(), null, typesOf(types, features));
            }
        };
    }

    /**
     * The detector with {@code fusion} (a reference bank) fused into each tile's detection, exactly as into a whole
     * image's: each tile's patches are compared with the bank, and the tile's score is the fused score of the tile.
     * The global pass ({@link Tiling#global()}) is the prompt's alone.
     *
     * @param promptOnly whether each output also carries the prompt-only detection ({@link Output#promptOnly})
     */
    static TileModel fused(AnomalyDetector detector, MapFusion fusion, boolean promptOnly) {
        return fused(detector, fusion, promptOnly, null);
    }

    /** As {@link #fused(AnomalyDetector, MapFusion, boolean)}, each tile with its patch types ({@code types}). */
    static TileModel fused(AnomalyDetector detector, MapFusion fusion, boolean promptOnly, DefectTypes types) {
        return new TileModel() {
            @Override
            public int inputSize() {
                return detector.config().imageSize();
            }

            @Override
            public Output run(NDArray pixels) {
                VisionFeatures features = detector.encode(pixels);
                Detection prompt = detector.detect(features);
                Detection detection = fusion.fuse(prompt, features, inputSize());
                Output plain = promptOnly ? new Output(prompt.rawMap(), prompt.probabilities()) : null;
                return new Output(detection.rawMap(), detection.probabilities(), plain, typesOf(types, features));
            }

            /** The prompt alone: the bank holds tile patches, which a whole image's patches do not compare with. */
            @Override
            public Output runWhole(NDArray pixels) {
                Detection prompt = detector.detect(pixels);
                Output plain = new Output(prompt.rawMap(), prompt.probabilities());
                return new Output(prompt.rawMap(), prompt.probabilities(), promptOnly ? plain : null);
            }
        };
    }
}
