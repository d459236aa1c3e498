package com.adclip.clip;

/**
 * The architecture of a CLIP ViT, as the reference's {@code build_model} derives it from the weights.
 *
 * @param embedDim the joint embedding width (columns of {@code visual.proj} and {@code text_projection})
 * @param vision the image tower
 * @param text the text tower
 */
public record ClipConfig(int embedDim, Vision vision, Text text) {

    /** Attention heads are width / 64 in every released OpenAI CLIP. */
    public static final int HEAD_WIDTH = 64;

    public ClipConfig {
        requirePositive("embedDim", embedDim);
        if (vision == null || text == null) {
            throw new IllegalArgumentException("vision and text configs are required");
        }
    }

    /**
     * The vision transformer.
     *
     * @param width token width
     * @param layers number of residual blocks
     * @param patchSize patch (and conv stride) size in pixels
     * @param imageResolution the resolution the positional embeddings were trained for
     */
    public record Vision(int width, int layers, int patchSize, int imageResolution) {
        public Vision {
            requirePositive("vision width", width);
            requirePositive("vision layers", layers);
            requirePositive("patch size", patchSize);
            requirePositive("image resolution", imageResolution);
            requireHeadMultiple("vision width", width);
            if (imageResolution % patchSize != 0) {
                throw new IllegalArgumentException(
                        "image resolution " + imageResolution + " is not a multiple of patch size " + patchSize);
            }
        }

        /** Patches per side at the trained resolution. */
        public int grid() {
            return imageResolution / patchSize;
        }

        public int heads() {
            return width / HEAD_WIDTH;
        }
    }

    /**
     * The text transformer.
     *
     * @param width token width
     * @param layers number of residual blocks
     * @param contextLength tokens per prompt (77 for OpenAI CLIP)
     * @param vocabSize rows of the token embedding
     */
    public record Text(int width, int layers, int contextLength, int vocabSize) {
        public Text {
            requirePositive("text width", width);
            requirePositive("text layers", layers);
            requirePositive("context length", contextLength);
            requirePositive("vocabulary size", vocabSize);
            requireHeadMultiple("text width", width);
        }

        public int heads() {
            return width / HEAD_WIDTH;
        }
    }

    private static void requirePositive(String what, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
    }

    private static void requireHeadMultiple(String what, int width) {
        if (width % HEAD_WIDTH != 0) {
            throw new IllegalArgumentException(what + " " + width + " is not a multiple of " + HEAD_WIDTH);
        }
    }
}
