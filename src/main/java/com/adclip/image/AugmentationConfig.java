package com.adclip.image;

/**
 * Which training augmentations {@link Augmentation} applies, and how strongly.
 *
 * <p>The defaults ({@link #defaults()}) follow torchvision: {@code RandomResizedCrop} with scale (0.6, 1.0) and
 * aspect ratio (3/4, 4/3), horizontal and vertical flips with p = 0.5 each, a rotation by 0, 90, 180 or 270
 * degrees (uniform), and {@code ColorJitter(brightness=0.2, contrast=0.2, saturation=0.2)}.
 * {@link #none()} turns everything off, which makes an augmented view equal the plain preprocessing.
 *
 * @param randomCrop whether to take a random resized crop
 * @param minScale smallest crop area as a fraction of the image area, in (0, 1]
 * @param maxScale largest crop area as a fraction of the image area, in [minScale, 1]
 * @param minAspect smallest crop aspect ratio (width / height), positive
 * @param maxAspect largest crop aspect ratio, at least minAspect
 * @param horizontalFlip probability of a left-right flip, in [0, 1]
 * @param verticalFlip probability of a top-bottom flip, in [0, 1]
 * @param rotate90 whether to rotate by a uniformly chosen multiple of 90 degrees (counter-clockwise)
 * @param brightness brightness factor drawn from [max(0, 1 - b), 1 + b]; 0 disables it
 * @param contrast contrast factor drawn from [max(0, 1 - c), 1 + c]; 0 disables it
 * @param saturation saturation factor drawn from [max(0, 1 - s), 1 + s]; 0 disables it
 */
public record AugmentationConfig(
        boolean randomCrop,
        double minScale,
        double maxScale,
        double minAspect,
        double maxAspect,
        double horizontalFlip,
        double verticalFlip,
        boolean rotate90,
        double brightness,
        double contrast,
        double saturation) {

    /** Default crop area range, as a fraction of the image. */
    public static final double DEFAULT_MIN_SCALE = 0.6;
    /** Default largest crop area. */
    public static final double DEFAULT_MAX_SCALE = 1.0;
    /** Default flip probability. */
    public static final double DEFAULT_FLIP = 0.5;
    /** Default colour jitter strength (brightness, contrast and saturation alike). */
    public static final double DEFAULT_JITTER = 0.2;

    public AugmentationConfig {
        if (!(minScale > 0 && minScale <= maxScale && maxScale <= 1)) {
            throw new IllegalArgumentException("augmentation crop scale must satisfy 0 < min <= max <= 1, got ("
                    + minScale + ", " + maxScale + ")");
        }
        if (!(minAspect > 0 && minAspect <= maxAspect && Double.isFinite(maxAspect))) {
            throw new IllegalArgumentException("augmentation crop aspect ratio must satisfy 0 < min <= max"
                    + " (finite), got (" + minAspect + ", " + maxAspect + ")");
        }
        probability("horizontal flip", horizontalFlip);
        probability("vertical flip", verticalFlip);
        strength("brightness", brightness);
        strength("contrast", contrast);
        strength("saturation", saturation);
    }

    private static void probability(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("augmentation " + name + " probability must be in [0, 1], got " + p);
        }
    }

    private static void strength(String name, double v) {
        if (!(v >= 0 && Double.isFinite(v))) {
            throw new IllegalArgumentException("augmentation " + name
                    + " jitter must be a finite number >= 0 (0 turns it off), got " + v);
        }
    }

    /** Everything on, with the defaults described above. */
    public static AugmentationConfig defaults() {
        return new AugmentationConfig(true, DEFAULT_MIN_SCALE, DEFAULT_MAX_SCALE, 3.0 / 4.0, 4.0 / 3.0,
                DEFAULT_FLIP, DEFAULT_FLIP, true, DEFAULT_JITTER, DEFAULT_JITTER, DEFAULT_JITTER);
    }

    /** Everything off: views equal the plain preprocessing. The crop ranges keep their defaults. */
    public static AugmentationConfig none() {
        return new AugmentationConfig(false, DEFAULT_MIN_SCALE, DEFAULT_MAX_SCALE, 3.0 / 4.0, 4.0 / 3.0,
                0, 0, false, 0, 0, 0);
    }

    /** This config with the random resized crop on or off. */
    public AugmentationConfig withRandomCrop(boolean on) {
        return new AugmentationConfig(on, minScale, maxScale, minAspect, maxAspect, horizontalFlip, verticalFlip,
                rotate90, brightness, contrast, saturation);
    }

    /** This config with the crop's area and aspect-ratio ranges replaced (the crop's on/off unchanged). */
    public AugmentationConfig withCropRanges(double minScale, double maxScale, double minAspect, double maxAspect) {
        return new AugmentationConfig(randomCrop, minScale, maxScale, minAspect, maxAspect, horizontalFlip,
                verticalFlip, rotate90, brightness, contrast, saturation);
    }

    /** This config with the given flip probabilities. */
    public AugmentationConfig withFlips(double horizontal, double vertical) {
        return new AugmentationConfig(randomCrop, minScale, maxScale, minAspect, maxAspect, horizontal, vertical,
                rotate90, brightness, contrast, saturation);
    }

    /** This config with the 90-degree rotations on or off. */
    public AugmentationConfig withRotate90(boolean on) {
        return new AugmentationConfig(randomCrop, minScale, maxScale, minAspect, maxAspect, horizontalFlip,
                verticalFlip, on, brightness, contrast, saturation);
    }

    /** This config with the given colour jitter strengths. */
    public AugmentationConfig withJitter(double brightness, double contrast, double saturation) {
        return new AugmentationConfig(randomCrop, minScale, maxScale, minAspect, maxAspect, horizontalFlip,
                verticalFlip, rotate90, brightness, contrast, saturation);
    }

    /** Whether no transform can ever change a view (the views then equal the plain preprocessing). */
    public boolean isIdentity() {
        return !randomCrop && horizontalFlip == 0 && verticalFlip == 0 && !rotate90 && !jitters();
    }

    /** Whether any colour jitter is on. */
    boolean jitters() {
        return brightness > 0 || contrast > 0 || saturation > 0;
    }
}
