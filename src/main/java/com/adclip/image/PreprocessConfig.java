package com.adclip.image;

import java.util.Arrays;

/**
 * How images become model input: the square side, the resize mode and the per-channel normalisation.
 *
 * @param size the side S of the [3,S,S] output
 * @param resizeMode how the image is fitted into S×S
 * @param mean per-channel (R, G, B) mean subtracted after scaling to [0,1]
 * @param std per-channel (R, G, B) standard deviation divided by
 */
public record PreprocessConfig(int size, ResizeMode resizeMode, float[] mean, float[] std) {

    /** OpenAI CLIP's channel means. */
    private static final float[] OPENAI_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    /** OpenAI CLIP's channel standard deviations. */
    private static final float[] OPENAI_STD = {0.26862954f, 0.26130258f, 0.27577711f};

    /** How an image of any aspect ratio is fitted into S×S. */
    public enum ResizeMode {
        /**
         * The reference: {@code Resize((S,S), BICUBIC)} then {@code CenterCrop(S)}, which stretches the image
         * to a square (the crop is then a no-op).
         */
        SQUASH,
        /**
         * open_clip's {@code ResizeMaxSize}: the longest side scaled to S (other side {@code round()}ed),
         * then padded to S×S, centred (left = pad_w // 2, top = pad_h // 2) with zero bytes.
         */
        LETTERBOX
    }

    public PreprocessConfig {
        if (size <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + size);
        }
        if (resizeMode == null) {
            throw new IllegalArgumentException("resize mode is required");
        }
        mean = checked("mean", mean);
        std = checked("std", std);
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std values must be positive, got " + Arrays.toString(std));
            }
        }
    }

    private static float[] checked(String name, float[] values) {
        if (values == null || values.length != 3) {
            throw new IllegalArgumentException(name + " needs 3 values (R, G, B), got "
                    + Arrays.toString(values));
        }
        for (float v : values) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(name + " values must be finite, got "
                        + Arrays.toString(values));
            }
        }
        return values.clone();
    }

    /** Size {@code size}, the given mode, OpenAI's mean and std. */
    public static PreprocessConfig of(int size, ResizeMode resizeMode) {
        return new PreprocessConfig(size, resizeMode, OPENAI_MEAN, OPENAI_STD);
    }

    /** The reference's preprocessing at size {@code size}: squash, OpenAI's mean and std. */
    public static PreprocessConfig reference(int size) {
        return of(size, ResizeMode.SQUASH);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PreprocessConfig c && size == c.size && resizeMode == c.resizeMode
                && Arrays.equals(mean, c.mean) && Arrays.equals(std, c.std);
    }

    @Override
    public int hashCode() {
        return (31 * size + resizeMode.hashCode()) * 961 + Arrays.hashCode(mean) * 31 + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "PreprocessConfig[size=" + size + ", resizeMode=" + resizeMode + ", mean=" + Arrays.toString(mean)
                + ", std=" + Arrays.toString(std) + "]";
    }
}
