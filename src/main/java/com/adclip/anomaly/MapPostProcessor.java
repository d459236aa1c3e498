package com.adclip.anomaly;

import com.adclip.Verdict;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * Everything after the network: Gaussian smoothing of the S×S map, the map brought back to the image's own
 * size, the verdict from the image threshold, and the defect mask and regions from the map threshold.
 *
 * @param smoothing null for none (sigma 0)
 * @param mapThreshold map values above it are defective pixels
 */
public record MapPostProcessor(GaussianSmoothing smoothing, double mapThreshold) {
    public MapPostProcessor {
        if (!Double.isFinite(mapThreshold)) {
            throw new IllegalArgumentException("the map threshold must be finite");
        }
    }

    /** Smoothing from a sigma: none when sigma is 0. */
    public static GaussianSmoothing smoothing(double sigma) {
        return sigma > 0 ? new GaussianSmoothing(sigma) : null;
    }

    /** The smoothed maps [B, S, S] of a detection (the reference's {@code anomaly_map}). */
    public NDArray smoothed(Detection detection) {
        return smoothing == null ? detection.rawMap().duplicate() : smoothing.apply(detection.rawMap());
    }

    /**
     * The answer for image {@code index} of a batch.
     *
     * @param smoothedMaps {@link #smoothed} of the batch
     * @param imageThreshold NG when the score is at or above it
     */
    public Prediction apply(Detection detection, NDArray smoothedMaps, int index, int width, int height,
            double imageThreshold) {
        return apply(detection, smoothedMaps, index, width, height, imageThreshold, null);
    }

    /**
     * As {@link #apply(Detection, NDArray, int, int, int, double)}, the regions then given their defect types by
     * {@code typing} (null for none).
     */
    public Prediction apply(Detection detection, NDArray smoothedMaps, int index, int width, int height,
            double imageThreshold, RegionTyping typing) {
        try (NDManager scope = smoothedMaps.getManager().newSubManager()) {
            NDArray map = smoothedMaps.get(index);
            map.attach(scope);
            NDArray resized = MapResize.toImageSize(map, width, height); // [H0, W0]
            resized.attach(scope);
            float[] values = resized.toFloatArray();
            float[] grid = map.toFloatArray();
            NDArray probs = detection.probabilities().get(new NDIndex("{}, :", index));
            probs.attach(scope);
            float[] p = probs.toFloatArray();
            Verdict verdict = Verdict.of(p[1], imageThreshold);
            DefectRegions regions = DefectRegions.find(values, height, width, (float) mapThreshold);
            Prediction prediction = new Prediction(p[1], p[0], verdict, values, width, height, regions.regions(),
                    regions.mask(), grid, (int) map.getShape().get(0));
            return typing == null ? prediction : typing.type(prediction, regions);
        }
    }
}
