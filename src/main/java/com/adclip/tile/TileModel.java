package com.adclip.tile;

import ai.djl.ndarray.NDArray;
import com.adclip.anomaly.AnomalyDetector;
import com.adclip.anomaly.Detection;

/** What tiling needs from a detector: raw maps and probabilities for a batch of preprocessed tiles. */
public interface TileModel {
    /** The model input side S. */
    int inputSize();

    /** Runs normalised pixels [B, 3, S, S]; the results live in the pixels' manager. */
    Output run(NDArray pixels);

    /**
     * @param rawMaps fused anomaly maps [B, S, S], before smoothing
     * @param probabilities [B, 2] (normal, anomaly)
     */
    record Output(NDArray rawMaps, NDArray probabilities) {}

    /** The AnomalyCLIP detector as a tile model. */
    static TileModel of(AnomalyDetector detector) {
        return new TileModel() {
            @Override
            public int inputSize() {
                return detector.config().imageSize();
            }

            @Override
            public Output run(NDArray pixels) {
                Detection detection = detector.detect(pixels);
                return new Output(detection.rawMap(), detection.probabilities());
            }
        };
    }
}
