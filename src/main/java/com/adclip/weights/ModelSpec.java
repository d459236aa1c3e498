package com.adclip.weights;

import com.adclip.AdclipException;
import com.adclip.clip.ClipConfig;
import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One released OpenAI CLIP checkpoint: where to get it, how to check it, what it is and how it wants its input.
 *
 * <p>As in the reference's {@code clip._download}, the expected SHA-256 is the second-to-last path segment of
 * the URL and the cached file is named after the last one.
 *
 * @param name the name OpenAI's {@code clip.available_models()} uses, e.g. {@code ViT-B/16}
 * @param url the official download URL (on {@code openaipublic.azureedge.net})
 * @param config the architecture stored in the checkpoint
 * @param preprocessing how images are prepared for this model
 */
public record ModelSpec(String name, URI url, ClipConfig config, Preprocessing preprocessing) {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public ModelSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("model name is required");
        }
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(preprocessing, "preprocessing");
        if (!"https".equals(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("model URL must be an absolute https URL: " + url);
        }
        String[] segments = segments(url);
        if (segments.length < 2 || !SHA256.matcher(segments[segments.length - 2]).matches()) {
            throw new IllegalArgumentException("model URL must end in /<sha256>/<file>: " + url);
        }
        if (preprocessing.resolution() != config.vision().imageResolution()) {
            throw new IllegalArgumentException("preprocessing resolution " + preprocessing.resolution()
                    + " differs from the model's input resolution " + config.vision().imageResolution());
        }
    }

    /** The expected SHA-256 of the checkpoint file (lower-case hex), taken from the URL. */
    public String sha256() {
        String[] segments = segments(url);
        return segments[segments.length - 2];
    }

    /** The checkpoint's file name, e.g. {@code ViT-B-16.pt}: the URL's last segment. */
    public String fileName() {
        String[] segments = segments(url);
        return segments[segments.length - 1];
    }

    /** Input image side in pixels (224 or 336). */
    public int inputResolution() {
        return config.vision().imageResolution();
    }

    /**
     * The URL to download from: the official one, or the same path under {@code mirror}, a base URL that
     * replaces {@code https://openaipublic.azureedge.net} (e.g. {@code https://mirror.example.com/openai}).
     *
     * @param mirror a base http(s) URL, or null/blank for the official location
     * @throws AdclipException if the mirror is not an http(s) URL
     */
    public URI downloadUrl(String mirror) {
        if (mirror == null || mirror.isBlank()) {
            return url;
        }
        String base = mirror.strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        try {
            URI mirrored = URI.create(base + url.getRawPath());
            String scheme = mirrored.getScheme();
            if (!("http".equals(scheme) || "https".equals(scheme)) || mirrored.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
            return mirrored;
        } catch (IllegalArgumentException e) {
            throw AdclipException.usage("invalid model mirror '" + mirror + "': give a base URL such as "
                    + "https://mirror.example.com that serves the path " + url.getRawPath(), e);
        }
    }

    private static String[] segments(URI url) {
        String path = url.getPath() == null ? "" : url.getPath();
        return path.replaceAll("^/+", "").split("/");
    }

    /**
     * Image preprocessing as in the reference's {@code clip._transform}: resize the shorter side to
     * {@code resolution} with {@code resize} interpolation, center-crop to a square, scale to [0, 1] and
     * normalize each channel with {@code mean} and {@code std}.
     *
     * @param resolution output side in pixels
     * @param resize interpolation used for resizing
     * @param centerCrop whether to center-crop to a square after resizing
     * @param mean per-channel mean subtracted after scaling to [0, 1]
     * @param std per-channel standard deviation divided by
     */
    public record Preprocessing(int resolution, Interpolation resize, boolean centerCrop, Rgb mean, Rgb std) {

        /** OpenAI's CLIP normalization mean (RGB). */
        public static final Rgb OPENAI_MEAN = new Rgb(0.48145466, 0.4578275, 0.40821073);
        /** OpenAI's CLIP normalization standard deviation (RGB). */
        public static final Rgb OPENAI_STD = new Rgb(0.26862954, 0.26130258, 0.27577711);

        public Preprocessing {
            if (resolution <= 0) {
                throw new IllegalArgumentException("resolution must be positive, got " + resolution);
            }
            Objects.requireNonNull(resize, "resize");
            Objects.requireNonNull(mean, "mean");
            Objects.requireNonNull(std, "std");
            if (std.red() <= 0 || std.green() <= 0 || std.blue() <= 0) {
                throw new IllegalArgumentException("std must be positive, got " + std);
            }
        }

        /** The reference's defaults: bicubic resize to {@code resolution}, center crop, OpenAI mean/std. */
        public static Preprocessing openAi(int resolution) {
            return new Preprocessing(resolution, Interpolation.BICUBIC, true, OPENAI_MEAN, OPENAI_STD);
        }
    }

    /** Resize interpolation. */
    public enum Interpolation {
        /** PIL's {@code Image.BICUBIC}, as torchvision's {@code InterpolationMode.BICUBIC} uses for PIL images. */
        BICUBIC
    }

    /**
     * A per-channel triple.
     *
     * @param red red channel
     * @param green green channel
     * @param blue blue channel
     */
    public record Rgb(double red, double green, double blue) {
        public Rgb {
            if (!Double.isFinite(red) || !Double.isFinite(green) || !Double.isFinite(blue)) {
                throw new IllegalArgumentException("channel values must be finite");
            }
        }
    }
}
