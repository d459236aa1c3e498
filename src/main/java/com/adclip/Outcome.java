package com.adclip;

import com.adclip.anomaly.Prediction;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * One image of a batch ({@link Detector#inspectAll}): its inspection, or why it could not be inspected.
 *
 * @param image the input as given
 * @param inspection null when the image failed
 * @param error why the image failed (unreadable, corrupt, too large), else null
 */
public record Outcome(Path image, Inspection inspection, String error, Prediction promptOnly) {
    /** An outcome without a prompt-only prediction (no reference bank, or not asked for). */
    public Outcome(Path image, Inspection inspection, String error) {
        this(image, inspection, error, null);
    }

    public boolean failed() {
        return error != null;
    }

    /** The inspection's prediction (null when failed). */
    public Prediction prediction() {
        return inspection == null ? null : inspection.prediction();
    }

    /** The image as loaded, for overlays (null when failed). */
    public BufferedImage picture() {
        return inspection == null ? null : inspection.picture();
    }

    /** This image's share of the batch's wall time, preprocessing included. */
    public double millis() {
        return inspection == null ? 0 : inspection.millis();
    }
}
