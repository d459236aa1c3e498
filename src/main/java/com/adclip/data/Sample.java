package com.adclip.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.adclip.image.ImagePreprocessor;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One labelled image.
 *
 * <p>Good images never carry a mask (their ground truth is all background, as in the reference, which ignores
 * a good image's mask). A defective image without a mask ({@link #hasMask()} false) is labelled only at image
 * level: training uses only the image-level loss for it, and pixel metrics skip it.
 *
 * @param image the image file (absolute, normalised)
 * @param mask where the ground-truth mask comes from, if any
 * @param className the object class (e.g. {@code bottle})
 * @param defectType {@code good} for good images, else the defect type ({@code anomaly} when the layout has
 *     no types, as VisA)
 * @param anomaly whether the image is defective
 */
public record Sample(Path image, Optional<MaskSource> mask, String className, String defectType, boolean anomaly) {

    /** The defect type of good images. */
    public static final String GOOD = "good";

    public Sample {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(mask, "mask");
        if (className == null || className.isBlank()) {
            throw new IllegalArgumentException("class name must not be blank (image " + image + ")");
        }
        if (defectType == null || defectType.isBlank()) {
            throw new IllegalArgumentException("defect type must not be blank (image " + image + ")");
        }
    }

    /** Whether a mask file or annotation shapes are known for this image. */
    public boolean hasMask() {
        return mask.isPresent();
    }

    /**
     * Refuses a mask file whose size differs from the image's (see {@link MaskSource.File#requireSizeOf}); drawn
     * shapes always have their image's size.
     *
     * @throws com.adclip.AdclipException naming both files
     */
    public void requireMaskFits() {
        if (mask.orElse(null) instanceof MaskSource.File file) {
            file.requireSizeOf(image);
        }
    }

    /** The mask as the model's [S,S] 0/1 target, once {@link #requireMaskFits()} holds. */
    public NDArray maskTarget(NDManager manager, ImagePreprocessor preprocessor) {
        requireMaskFits();
        return mask.orElseThrow(() -> new IllegalStateException(image + " has no mask")).target(manager,
                preprocessor);
    }

    /** The mask as an 8-bit grey image, once {@link #requireMaskFits()} holds. */
    public BufferedImage maskGray() {
        requireMaskFits();
        return mask.orElseThrow(() -> new IllegalStateException(image + " has no mask")).toGray();
    }

    /** Whether the pixel-level ground truth is known: good images (all background) and masked defects. */
    public boolean pixelLabelled() {
        return !anomaly || mask.isPresent();
    }
}
