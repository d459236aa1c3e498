package com.adclip.eval;

import com.adclip.AdclipException;
import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.BundleManifest;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.tile.Tiling;
import java.time.Instant;
import java.util.List;

/**
 * The thresholds {@code adclip calibrate} chooses from an evaluation pass: the image threshold by one strategy over
 * the image scores, the map threshold by another over the pooled pixel curve (kept as it was when no image has a
 * defect mask, or the strategy cannot choose), and the bundle that records them.
 *
 * @param image the image threshold chosen, with its expected precision and recall
 * @param pixel the map threshold chosen, or null when the old one is kept
 * @param pixelNote why the map threshold was kept, or null
 * @param thresholds what the bundle records
 */
public record Calibration(ThresholdStrategy.Choice image, ThresholdStrategy.Choice pixel, String pixelNote,
        BundleManifest.Thresholds thresholds) {

    /**
     * Chooses both thresholds.
     *
     * @param old the thresholds in force (the map threshold is kept from them when it cannot be chosen)
     * @param source what the thresholds were calibrated on, as the bundle records it
     */
    public static Calibration choose(EvaluationPass pass, ThresholdStrategy image, ThresholdStrategy pixel,
            BundleManifest.Thresholds old, String source) {
        ThresholdStrategy.Choice imageChoice = imageChoice(pass.all(), image);
        CurvePoints pixels = pass.pooledPixels().curve(Integer.MAX_VALUE);
        ThresholdStrategy.Choice pixelChoice = null;
        String pixelNote;
        if (pixels == null || (pixel.needsDefects() && pixels.positives() == 0)) {
            pixelNote = "no image with a defect mask: kept the map threshold " + old.pixel();
        } else {
            try {
                pixelChoice = pixel.choose(pixels);
                pixelNote = null;
            } catch (AdclipException e) {
                pixelNote = "map threshold: " + e.getMessage() + "; kept the map threshold " + old.pixel();
            }
        }
        // DefectRegions marks map > threshold; the strategy's cut is value >= t, so store the float below t.
        BundleManifest.Thresholds thresholds = new BundleManifest.Thresholds(imageChoice.threshold(),
                imageChoice.strategy(),
                pixelChoice == null ? old.pixel() : Math.nextDown((float) pixelChoice.threshold()),
                pixelChoice == null ? old.pixelStrategy() : "pixel " + pixelChoice.strategy(), source);
        return new Calibration(imageChoice, pixelChoice, pixelNote, thresholds);
    }

    private static ThresholdStrategy.Choice imageChoice(List<EvaluationPass.Scored> all, ThresholdStrategy image) {
        boolean[] labels = new boolean[all.size()];
        double[] scores = new double[all.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = all.get(i).sample().anomaly();
            scores[i] = all.get(i).score();
        }
        return image.choose(scores, labels);
    }

    /**
     * The calibrated bundle. With the reference bank in use ({@code fused}) the thresholds are the fused ones and go
     * to the bank's section, the prompt-only ones stay as they were (and the other way round without it); the bank
     * itself is kept.
     */
    public Bundle applyTo(Bundle input, boolean fused, DetectorConfig config, Tiling tiling) {
        BundleManifest m = input.manifest();
        BundleManifest.Reference reference = m.reference() == null || !fused ? m.reference()
                : m.reference().withThresholds(thresholds);
        BundleManifest manifest = new BundleManifest(m.formatVersion(), m.clip(), BundleManifest.Detector.of(config),
                fused ? m.thresholds() : thresholds, m.training(), Instant.now().toString(),
                com.adclip.Version.software(), m.name(), tiling == null ? null : tiling.toManifest(), reference,
                m.types());
        // the defect types (vocabulary, prototypes) are kept as they are
        return new Bundle(manifest, input.prompts(), input.optimizer(), input.reference(), input.types());
    }
}
