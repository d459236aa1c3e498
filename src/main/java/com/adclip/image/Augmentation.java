package com.adclip.image;

import com.adclip.image.PillowImage.Mode;
import com.adclip.image.PillowResample.Filter;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Random training views of an image and its ground-truth mask, transformed alike (see
 * {@link AugmentationConfig} for the transforms and docs/augmentation.md for their cost).
 *
 * <p>The pipeline of one view, in order:
 * <ol>
 *   <li>decode the image as {@link ImagePreprocessor} does (Pillow-exact, in the image's own mode);</li>
 *   <li>random resized crop: the box is sampled as torchvision's {@code RandomResizedCrop.get_params} does
 *       (up to 10 attempts with area fraction uniform in the scale range and log-uniform aspect ratio, then the
 *       central-crop fallback), and the image is cropped to it;</li>
 *   <li>left-right flip, then top-bottom flip, then a counter-clockwise rotation by k·90°;</li>
 *   <li>the configured geometry to S×S ({@link ImagePreprocessor#fit}, Pillow BICUBIC), conversion to RGB;</li>
 *   <li>colour jitter on the S×S 8-bit RGB picture, as torchvision's {@code ColorJitter} on a PIL image
 *       (Pillow's {@code ImageEnhance} Brightness/Contrast/Color, i.e. {@code Image.blend} with a float factor,
 *       truncated and clipped to 8 bits), brightness, contrast and saturation in a random order;</li>
 *   <li>{@code ToTensor} and {@code Normalize} exactly as {@link ImagePreprocessor}.</li>
 * </ol>
 * The mask (non-zero = defect) gets steps 2-3 with the same parameters (a crop box scaled proportionally when
 * the mask's size differs from the image's), then the mask geometry of {@link ImagePreprocessor} (Pillow
 * BILINEAR, {@code > 0.5}); jitter never touches it. With {@link AugmentationConfig#none()} a view equals
 * {@link ImagePreprocessor#preprocess} and {@link ImagePreprocessor#mask} bit for bit.
 *
 * <p>Every random choice comes from a {@link Random} seeded from the caller's seed (through SplitMix64's
 * finaliser, because {@code java.util.Random}'s first draws are nearly equal for neighbouring seeds), so a view
 * is reproducible bit for bit; {@link #seed(long, long, long)} derives well-mixed seeds from (run seed, epoch or
 * view, image index). Instances are immutable and thread-safe.
 */
public final class Augmentation {

    private final AugmentationConfig config;
    private final ImagePreprocessor preprocessor;

    /**
     * @param config which transforms to apply
     * @param preprocessor the un-augmented preprocessing (size S, resize mode, mean and std) the views end with
     */
    public Augmentation(AugmentationConfig config, ImagePreprocessor preprocessor) {
        this.config = Objects.requireNonNull(config, "augmentation config");
        this.preprocessor = Objects.requireNonNull(preprocessor, "preprocessor");
    }

    public AugmentationConfig config() {
        return config;
    }

    public ImagePreprocessor preprocessor() {
        return preprocessor;
    }

    /**
     * One augmented view.
     *
     * @param pixels normalised values, [3,S,S] row-major, as {@link ImagePreprocessor.Preprocessed#pixels()}
     * @param mask [S,S] of 0 and 1, or null when no mask was given
     * @param size S
     */
    public record View(float[] pixels, float[] mask, int size) {}

    /**
     * An image (and mask) decoded once, from which many views can be drawn with {@link #apply(Source, long)}.
     * Holds the decoded pixels in memory (width × height × bands bytes, plus width × height for a mask).
     */
    public static final class Source {
        private final PillowImage image;
        private final PillowImage mask;

        Source(PillowImage image, PillowImage mask) {
            this.image = image;
            this.mask = mask;
        }

        /** Width of the image as loaded (after EXIF orientation). */
        public int width() {
            return image.width();
        }

        /** Height of the image as loaded (after EXIF orientation). */
        public int height() {
            return image.height();
        }

        public boolean hasMask() {
            return mask != null;
        }
    }

    /**
     * Decodes an image file and takes a mask for it.
     *
     * @param image the image file
     * @param mask its ground truth as one 8-bit band (e.g. {@code TYPE_BYTE_GRAY}, as
     *     {@code MaskSource.toGray()} gives it; non-zero is defect), or null
     * @throws com.adclip.AdclipException if the image cannot be read or decoded
     * @throws IllegalArgumentException if the mask is not one 8-bit band
     */
    public Source load(Path image, BufferedImage mask) {
        return new Source(ImageLoader.load(image), mask == null ? null : ImagePreprocessor.binaryMask(mask));
    }

    /** {@link #load} then {@link #apply(Source, long)}. */
    public View apply(Path image, BufferedImage mask, long seed) {
        return apply(load(image, mask), seed);
    }

    /** The view of {@code source} for {@code seed}: the same seed always gives the same view. */
    public View apply(Source source, long seed) {
        Plan plan = plan(seed, source.width(), source.height());
        PillowImage image = geometry(source.image, plan, plan.crop());
        byte[] rgb = preprocessor.fit(image, Filter.BICUBIC).toRgb().data();
        for (Jitter jitter : plan.jitters()) {
            rgb = jitter.apply(rgb);
        }
        float[] mask = null;
        if (source.mask != null) {
            Box box = plan.crop() == null ? null : plan.crop().scaled(source.image, source.mask);
            mask = ImagePreprocessor.threshold(preprocessor.fit(geometry(source.mask, plan, box), Filter.BILINEAR));
        }
        return new View(preprocessor.normalise(rgb), mask, preprocessor.config().size());
    }

    /**
     * A seed for one view, mixed from the run's seed, the epoch (or view number) and the image's index, so that
     * neighbouring arguments give unrelated random streams.
     */
    public static long seed(long runSeed, long view, long imageIndex) {
        long z = mix(runSeed);
        z = mix(z ^ mix(view + 0x9E3779B97F4A7C15L));
        return mix(z ^ mix(imageIndex + 0x632BE59BD9B4E019L));
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    // ---- the random choices ----

    /** A crop box in pixels of the image it was drawn for. */
    record Box(int left, int top, int width, int height) {
        /** This box (drawn on {@code from}) in the pixel grid of {@code to}: proportional, rounded. */
        Box scaled(PillowImage from, PillowImage to) {
            if (from.width() == to.width() && from.height() == to.height()) {
                return this;
            }
            double sx = (double) to.width() / from.width();
            double sy = (double) to.height() / from.height();
            int x0 = (int) Math.rint(left * sx);
            int y0 = (int) Math.rint(top * sy);
            int x1 = Math.max(x0 + 1, (int) Math.rint((left + width) * sx));
            int y1 = Math.max(y0 + 1, (int) Math.rint((top + height) * sy));
            return new Box(x0, y0, x1 - x0, y1 - y0);
        }
    }

    /** The colour adjustments, as Pillow's {@code ImageEnhance} classes. */
    enum JitterKind { BRIGHTNESS, CONTRAST, SATURATION }

    /** One colour adjustment with its factor (a C float, as Pillow's {@code ImagingBlend} takes it). */
    record Jitter(JitterKind kind, float factor) {
        byte[] apply(byte[] rgb) {
            return switch (kind) {
                case BRIGHTNESS -> brightness(rgb, factor);
                case CONTRAST -> contrast(rgb, factor);
                case SATURATION -> saturation(rgb, factor);
            };
        }
    }

    /** Everything random about one view. */
    record Plan(Box crop, boolean horizontalFlip, boolean verticalFlip, int quarterTurns, List<Jitter> jitters) {}

    /** The random choices for {@code seed} on an image of {@code width × height}, drawn in a fixed order. */
    Plan plan(long seed, int width, int height) {
        Random random = new Random(mix(seed)); // java.util.Random's first draws are alike for nearby seeds
        Box crop = config.randomCrop() ? cropBox(random, width, height) : null;
        boolean h = config.horizontalFlip() > 0 && random.nextDouble() < config.horizontalFlip();
        boolean v = config.verticalFlip() > 0 && random.nextDouble() < config.verticalFlip();
        int turns = config.rotate90() ? random.nextInt(4) : 0;
        return new Plan(crop, h, v, turns, config.jitters() ? jitters(random) : List.of());
    }

    /** torchvision's {@code RandomResizedCrop.get_params}, with {@code random} for torch's generator. */
    Box cropBox(Random random, int width, int height) {
        double area = (double) width * height;
        double logMin = Math.log(config.minAspect());
        double logMax = Math.log(config.maxAspect());
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * uniform(random, config.minScale(), config.maxScale());
            double aspect = Math.exp(uniform(random, logMin, logMax));
            int w = (int) Math.rint(Math.sqrt(target * aspect));
            int h = (int) Math.rint(Math.sqrt(target / aspect));
            if (0 < w && w <= width && 0 < h && h <= height) {
                int top = random.nextInt(height - h + 1);
                int left = random.nextInt(width - w + 1);
                return new Box(left, top, w, h);
            }
        }
        double ratio = (double) width / height;
        int w = width;
        int h = height;
        if (ratio < config.minAspect()) {
            h = Math.max(1, (int) Math.rint(width / config.minAspect()));
        } else if (ratio > config.maxAspect()) {
            w = Math.max(1, (int) Math.rint(height * config.maxAspect()));
        }
        return new Box((width - w) / 2, (height - h) / 2, w, h);
    }

    /** torchvision's {@code ColorJitter.get_params}: a random order, then the factors b, c, s. */
    private List<Jitter> jitters(Random random) {
        List<JitterKind> order = new ArrayList<>(List.of(JitterKind.values()));
        Collections.shuffle(order, random);
        float b = factor(random, config.brightness());
        float c = factor(random, config.contrast());
        float s = factor(random, config.saturation());
        List<Jitter> out = new ArrayList<>(3);
        for (JitterKind kind : order) {
            float f = switch (kind) {
                case BRIGHTNESS -> b;
                case CONTRAST -> c;
                case SATURATION -> s;
            };
            if (!Float.isNaN(f)) {
                out.add(new Jitter(kind, f));
            }
        }
        return List.copyOf(out);
    }

    /** A factor uniform in [max(0, 1 - strength), 1 + strength], or NaN (and nothing drawn) when off. */
    private static float factor(Random random, double strength) {
        return strength > 0 ? (float) uniform(random, Math.max(0, 1 - strength), 1 + strength) : Float.NaN;
    }

    private static double uniform(Random random, double low, double high) {
        return low + (high - low) * random.nextDouble();
    }

    // ---- geometry ----

    /** Crop (when {@code box} is set), flips, then the counter-clockwise quarter turns, in Pillow's terms. */
    static PillowImage geometry(PillowImage image, Plan plan, Box box) {
        PillowImage out = box == null ? image : image.crop(box.left(), box.top(), box.width(), box.height());
        if (plan.horizontalFlip()) {
            out = out.transpose(2); // FLIP_LEFT_RIGHT
        }
        if (plan.verticalFlip()) {
            out = out.transpose(4); // FLIP_TOP_BOTTOM
        }
        return switch (plan.quarterTurns()) {
            case 1 -> out.transpose(8); // ROTATE_90
            case 2 -> out.transpose(3); // ROTATE_180
            case 3 -> out.transpose(6); // ROTATE_270
            default -> out;
        };
    }

    // ---- colour jitter: Pillow's ImageEnhance on RGB ----

    /** {@code ImageEnhance.Brightness}: blend with black. */
    static byte[] brightness(byte[] rgb, float factor) {
        return blend(new byte[rgb.length], rgb, factor);
    }

    /**
     * {@code ImageEnhance.Contrast}: blend with a grey image at the mean of the picture's L conversion, rounded
     * half up ({@code int(mean + 0.5)}).
     */
    static byte[] contrast(byte[] rgb, float factor) {
        byte[] l = luma(rgb);
        long sum = 0;
        for (byte v : l) {
            sum += v & 0xFF;
        }
        byte mean = (byte) (int) ((double) sum / l.length + 0.5);
        byte[] degenerate = new byte[rgb.length];
        Arrays.fill(degenerate, mean);
        return blend(degenerate, rgb, factor);
    }

    /** {@code ImageEnhance.Color}: blend with the picture's {@code convert("L").convert("RGB")}. */
    static byte[] saturation(byte[] rgb, float factor) {
        byte[] l = luma(rgb);
        byte[] degenerate = new byte[rgb.length];
        for (int i = 0; i < l.length; i++) {
            degenerate[3 * i] = l[i];
            degenerate[3 * i + 1] = l[i];
            degenerate[3 * i + 2] = l[i];
        }
        return blend(degenerate, rgb, factor);
    }

    private static byte[] luma(byte[] rgb) {
        return new PillowImage(Mode.RGB, rgb.length / 3, 1, rgb, null).toL().data();
    }

    /**
     * {@code Image.blend(a, b, alpha)} ({@code ImagingBlend}): {@code a + alpha * (b - a)} in single precision,
     * clipped to [0, 255] and truncated.
     */
    static byte[] blend(byte[] a, byte[] b, float alpha) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < out.length; i++) {
            int x = a[i] & 0xFF;
            float t = x + alpha * ((b[i] & 0xFF) - x);
            out[i] = t <= 0f ? 0 : t >= 255f ? (byte) 255 : (byte) (int) t;
        }
        return out;
    }

}
