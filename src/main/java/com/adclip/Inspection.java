package com.adclip;

import com.adclip.anomaly.DefectRegions;
import com.adclip.anomaly.Prediction;
import com.adclip.types.TypeDistribution;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The answer for one inspected image.
 *
 * @param prediction score, verdict, map at the image's size, defect mask and regions
 * @param picture the image as loaded (RGB, EXIF orientation applied), for overlays and thumbnails
 * @param millis time spent on this image: decoding, preprocessing, the model and post-processing
 * @param threshold the image threshold the verdict was decided at (the detector's when the model ran)
 */
public record Inspection(Prediction prediction, BufferedImage picture, double millis, double threshold) {

    /** The image's anomaly score in [0, 1], as in results.json. */
    public double score() {
        return prediction.score();
    }

    /** NG when {@link #score} is at or above {@link #threshold}: {@link Verdict#of}. */
    public Verdict verdict() {
        return prediction.verdict();
    }

    /**
     * The smoothed anomaly map at the image's own size, row-major {@code [height][width]}: the sum over the
     * feature layers of each layer's anomaly probability, so in {@code [0, number of layers]}.
     */
    public float[] anomalyMap() {
        return prediction.map();
    }

    /** Image width in pixels (after EXIF orientation); the map's row length. */
    public int width() {
        return prediction.width();
    }

    /** Image height in pixels; the map's row count. */
    public int height() {
        return prediction.height();
    }

    /**
     * Which defect type the image shows, as {name: probability} sorted descending (the area-weighted mixture of its
     * regions', see docs/defect-types.md), or null when the bundle has no defect types. Each region's own is
     * {@link DefectRegions.Region#types()}.
     */
    public TypeDistribution types() {
        return prediction.types();
    }

    /** Connected regions of map values above the map threshold: boxes in image pixels, peak and mean, strongest first. */
    public List<DefectRegions.Region> regions() {
        return prediction.regions();
    }
}
