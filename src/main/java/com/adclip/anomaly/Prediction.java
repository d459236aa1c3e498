package com.adclip.anomaly;

import com.adclip.Verdict;
import com.adclip.types.TypeDistribution;
import java.util.List;

/**
 * The product's answer for one image.
 *
 * @param score anomaly probability of the image, in [0, 1]
 * @param normal probability of the normal prompt ({@code 1 - score})
 * @param verdict NG when {@code score ≥} the image threshold
 * @param map the smoothed anomaly map at the image's own size, row-major [height, width]; the sum over feature
 *     layers of each layer's anomaly probability, so in [0, number of layers]
 * @param width image width in pixels (after EXIF orientation)
 * @param height image height in pixels
 * @param regions connected defect regions of {@code map > } the map threshold, boxes in image pixels,
 *     strongest first
 * @param mask {@code map >} the map threshold, row-major
 * @param grid the smoothed map at the model's input size S × S, row-major (the reference's {@code anomaly_map},
 *     what pixel metrics are computed on); empty when not given
 * @param gridSize S, or 0 when {@code grid} is empty
 * @param types the image's defect-type distribution (its regions' distributions weighted by area; see
 *     {@code docs/defect-types.md}), given for OK images too (which type it would be); null when the bundle has
 *     no defect types
 */
public record Prediction(double score, double normal, Verdict verdict, float[] map, int width, int height,
        List<DefectRegions.Region> regions, boolean[] mask, float[] grid, int gridSize, TypeDistribution types) {
    public Prediction {
        regions = List.copyOf(regions);
        if (map.length != (long) width * height || mask.length != map.length) {
            throw new IllegalArgumentException("map and mask must be width × height");
        }
        if (gridSize < 0 || grid.length != (long) gridSize * gridSize) {
            throw new IllegalArgumentException("grid must be gridSize × gridSize");
        }
    }

    /** An answer without defect types. */
    public Prediction(double score, double normal, Verdict verdict, float[] map, int width, int height,
            List<DefectRegions.Region> regions, boolean[] mask, float[] grid, int gridSize) {
        this(score, normal, verdict, map, width, height, regions, mask, grid, gridSize, null);
    }

    /** This answer with defect types: the regions' (same regions, in order) and the image's. */
    public Prediction withTypes(List<DefectRegions.Region> typedRegions, TypeDistribution image) {
        if (typedRegions.size() != regions.size()) {
            throw new IllegalArgumentException(typedRegions.size() + " typed regions for " + regions.size());
        }
        return new Prediction(score, normal, verdict, map, width, height, typedRegions, mask, grid, gridSize, image);
    }

    /** An answer without the S × S map. */
    public Prediction(double score, double normal, Verdict verdict, float[] map, int width, int height,
            List<DefectRegions.Region> regions, boolean[] mask) {
        this(score, normal, verdict, map, width, height, regions, mask, new float[0], 0);
    }

    /** The two class probabilities; {@code anomaly} is the score. */
    public record Probabilities(double normal, double anomaly) {}

    /** {@code normal} and {@code anomaly} (the score), as results.json and the station's answer write them. */
    public Probabilities probabilities() {
        return new Probabilities(normal, score);
    }
}
