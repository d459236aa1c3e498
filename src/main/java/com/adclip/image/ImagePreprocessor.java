package com.adclip.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.adclip.image.PillowImage.Mode;
import com.adclip.image.PillowResample.Filter;
import com.adclip.AdclipException;
import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns image and mask files into model input exactly as the reference does with Pillow 9.4 and
 * torchvision: {@code Resize((S,S), BICUBIC)}, {@code CenterCrop(S)}, convert to RGB, {@code ToTensor},
 * {@code Normalize(mean, std)} (or open_clip's letterbox instead of the resize and crop, see
 * {@link PreprocessConfig.ResizeMode}). Resizing is done in the image's own mode, with Pillow's integer
 * arithmetic, so the result matches the reference to the 8-bit level (see {@link ImageLoader} for decoding,
 * and the deliberate differences: EXIF orientation honoured, 16-bit grey kept as its high byte).
 *
 * <p>Letterbox padding is zero bytes in the image's mode before conversion to RGB, as torchvision's
 * {@code pad(fill=0)} does: black for L/RGB/LA/RGBA, palette entry 0 for P, white for CMYK. Unlike open_clip,
 * an image whose longest side already equals S is still padded to S×S, and a side that would round to 0
 * pixels is kept at 1.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ImagePreprocessor {

    private final PreprocessConfig config;

    public ImagePreprocessor(PreprocessConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("preprocess config is required");
        }
        this.config = config;
    }

    public PreprocessConfig config() {
        return config;
    }

    /**
     * A preprocessed image.
     *
     * @param pixels normalised values, [3,S,S] row-major (channel, row, column)
     * @param size S
     * @param originalWidth width of the image as loaded (after EXIF orientation), in pixels
     * @param originalHeight height of the image as loaded (after EXIF orientation), in pixels
     */
    public record Preprocessed(float[] pixels, int size, int originalWidth, int originalHeight) {}

    /**
     * Loads and preprocesses one image file.
     *
     * @throws com.adclip.AdclipException if the file cannot be read or decoded
     */
    public Preprocessed preprocess(Path image) {
        PillowImage loaded = ImageLoader.load(image);
        PillowImage rgb = fit(loaded, Filter.BICUBIC).toRgb();
        return new Preprocessed(normalise(rgb.data()), config.size(), loaded.width(), loaded.height());
    }

    /**
     * An image prepared for the model and for display.
     *
     * @param input the preprocessed pixels
     * @param rgb the image as loaded (after EXIF orientation), converted to RGB as Pillow would, for overlays
     */
    public record Prepared(Preprocessed input, BufferedImage rgb) {}

    /**
     * Images whose sides are both at least twice this many times the model input are decoded subsampled (see
     * {@link #prepare}).
     */
    public static final int SUBSAMPLE_ABOVE = 4;

    /**
     * Loads an image once and returns both the model input and an RGB picture of it. Images with more than
     * {@code maxPixels} pixels are refused from their header, before decoding. An image whose sides are both at
     * least {@code 2 × 4 × S} (S the model input, 518 at most) is decoded with ImageIO source subsampling by the
     * largest s that keeps both sides at least {@code 4 × S}, so a large image costs what a ~4 S image costs;
     * its model input then differs slightly from Pillow's, and the picture, the map and region boxes are in the
     * pixels of the decoded size ({@link Preprocessed#originalWidth()}). Smaller images are decoded in full,
     * exactly as Pillow does.
     */
    public Prepared prepare(Path image, long maxPixels) {
        return prepare(image, maxPixels, Long.MAX_VALUE);
    }

    /**
     * As {@link #prepare(Path, long)}, also refusing from the header an image whose raw decode (width × height ×
     * channels × bytes per sample, see {@link DecodeBudget}) is more than {@code maxDecodedBytes}.
     */
    public Prepared prepare(Path image, long maxPixels, long maxDecodedBytes) {
        PillowImage loaded = ImageLoader.load(image, maxPixels, maxDecodedBytes, SUBSAMPLE_ABOVE * config.size());
        PillowImage rgb = loaded.toRgb();
        Preprocessed input = new Preprocessed(
                normalise(fit(loaded, Filter.BICUBIC).toRgb().data()), config.size(), loaded.width(), loaded.height());
        return new Prepared(input, toBufferedImage(rgb));
    }

    /**
     * Loads an image once, at full resolution, to preprocess it whole or region by region (tiling). Images
     * with more than {@code maxPixels} pixels are refused from their header, before decoding.
     *
     * @throws AdclipException if the file cannot be read or decoded
     */
    public Source load(Path image, long maxPixels) {
        return new Source(ImageLoader.load(image, maxPixels));
    }

    /**
     * As {@link #load(Path, long)}, also refusing an image whose raw decode is more than {@code maxDecodedBytes}
     * ({@link DecodeBudget}) before decoding it.
     */
    public Source load(Path image, long maxPixels, long maxDecodedBytes) {
        return new Source(ImageLoader.load(image, maxPixels, maxDecodedBytes, Integer.MAX_VALUE));
    }

    /** An in-memory picture as a {@link Source}: its sRGB values ({@code getRGB}), as an RGB image. */
    public Source source(BufferedImage picture) {
        int w = picture.getWidth();
        int h = picture.getHeight();
        int[] argb = picture.getRGB(0, 0, w, h, null, 0, w);
        byte[] data = new byte[argb.length * 3];
        for (int i = 0; i < argb.length; i++) {
            data[3 * i] = (byte) (argb[i] >> 16);
            data[3 * i + 1] = (byte) (argb[i] >> 8);
            data[3 * i + 2] = (byte) argb[i];
        }
        return new Source(new PillowImage(Mode.RGB, w, h, data, null));
    }

    /**
     * An image held at full resolution in its own mode. {@link #whole()} is exactly what {@link #prepare}
     * feeds the model; {@link #region} preprocesses a rectangle of it the same way, as if it were a whole
     * image of its own (crop, then resize to S×S, convert to RGB, normalise).
     */
    public final class Source {
        private final PillowImage image;

        private Source(PillowImage image) {
            this.image = image;
        }

        public int width() {
            return image.width();
        }

        public int height() {
            return image.height();
        }

        /** The whole image as model input, identical to {@link #prepare}'s. */
        public Preprocessed whole() {
            return new Preprocessed(normalise(fit(image, Filter.BICUBIC).toRgb().data()), config.size(),
                    image.width(), image.height());
        }

        /**
         * The rectangle {@code [x, x + w) × [y, y + h)} as model input. A rectangle inside the image is cropped
         * in the image's own mode and preprocessed exactly like a whole image. Parts beyond the right or bottom
         * edge (tiling pads there, as anomalib does) are filled with the normalisation mean rounded to bytes,
         * which is about 0 once normalised: anomalib pads its normalised tensors with 0. Such a rectangle is
         * converted to RGB before the fill and the resize.
         */
        public Preprocessed region(int x, int y, int w, int h) {
            if (x < 0 || y < 0 || w <= 0 || h <= 0 || x >= image.width() || y >= image.height()) {
                throw new IllegalArgumentException("region " + w + "x" + h + " at (" + x + ", " + y
                        + ") does not start inside the " + image.width() + "x" + image.height() + " image");
            }
            PillowImage crop = image.crop(x, y, w, h);
            int insideW = Math.min(w, image.width() - x);
            int insideH = Math.min(h, image.height() - y);
            PillowImage rgb = insideW == w && insideH == h
                    ? fit(crop, Filter.BICUBIC).toRgb()
                    : fit(fillOutside(crop.toRgb(), insideW, insideH), Filter.BICUBIC);
            return new Preprocessed(normalise(rgb.data()), config.size(), w, h);
        }

        /** The image converted to RGB as Pillow would, for overlays. */
        public BufferedImage rgb() {
            return toBufferedImage(image.toRgb());
        }
    }

    /** An RGB image whose pixels at column ≥ insideW or row ≥ insideH become the mean colour. */
    private PillowImage fillOutside(PillowImage rgb, int insideW, int insideH) {
        float[] mean = config.mean();
        byte[] fill = new byte[3];
        for (int c = 0; c < 3; c++) {
            fill[c] = (byte) Math.round(mean[c] * 255f);
        }
        byte[] data = rgb.data();
        for (int y = 0; y < rgb.height(); y++) {
            for (int x = y < insideH ? insideW : 0; x < rgb.width(); x++) {
                System.arraycopy(fill, 0, data, 3 * (y * rgb.width() + x), 3);
            }
        }
        return rgb;
    }

    private static BufferedImage toBufferedImage(PillowImage rgb) {
        BufferedImage image = new BufferedImage(rgb.width(), rgb.height(), BufferedImage.TYPE_INT_RGB);
        byte[] data = rgb.data();
        int[] packed = ((java.awt.image.DataBufferInt) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < packed.length; i++) {
            packed[i] = (data[3 * i] & 0xFF) << 16 | (data[3 * i + 1] & 0xFF) << 8 | (data[3 * i + 2] & 0xFF);
        }
        return image;
    }

    /** The image file as a float32 [3,S,S] array in {@code manager}. */
    public NDArray pixels(NDManager manager, Path image) {
        int s = config.size();
        return manager.create(preprocess(image).pixels(), new Shape(3, s, s));
    }

    /** The image files as one float32 [B,3,S,S] array in {@code manager}, in order. */
    public NDArray pixels(NDManager manager, List<Path> images) {
        int s = config.size();
        int plane = 3 * s * s;
        float[] batch = new float[images.size() * plane];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(preprocess(images.get(i)).pixels(), 0, batch, i * plane, plane);
        }
        return manager.create(batch, new Shape(images.size(), 3, s, s));
    }

    /**
     * A ground-truth mask file as float32 [S,S] of 0 and 1, as the reference builds it: converted to L,
     * every non-zero pixel set to 255, resized with BILINEAR through the same geometry as the images,
     * divided by 255, then {@code > 0.5}.
     */
    public NDArray mask(NDManager manager, Path mask) {
        int s = config.size();
        return manager.create(maskValues(mask), new Shape(s, s));
    }

    /**
     * An in-memory ground-truth mask (one 8-bit band, e.g. {@code TYPE_BYTE_GRAY}) as float32 [S,S] of 0 and
     * 1, exactly as {@link #mask(NDManager, Path)} treats a decoded L mask file: non-zero is foreground.
     */
    public NDArray mask(NDManager manager, BufferedImage gray) {
        int s = config.size();
        return manager.create(maskValues(binaryMask(gray)), new Shape(s, s));
    }

    /**
     * A mask or image file decoded as the reference decodes masks, {@code Image.open(f).convert("L")}, as a
     * {@code TYPE_BYTE_GRAY} image (EXIF orientation applied, see {@link ImageLoader}).
     *
     * @throws AdclipException if the file cannot be read or decoded
     */
    public static BufferedImage loadGray(Path file) {
        PillowImage l = ImageLoader.load(file).toL();
        BufferedImage out = new BufferedImage(l.width(), l.height(), BufferedImage.TYPE_BYTE_GRAY);
        out.getRaster().setDataElements(0, 0, l.width(), l.height(), l.data());
        return out;
    }

    /**
     * The size an image file has once loaded (after its EXIF orientation), read from the file's header
     * without decoding the pixels.
     *
     * @throws AdclipException if the file is missing or its header cannot be read
     */
    public static Dimension loadedSize(Path file) {
        return ImageLoader.withReader(file, true, "cannot read the header of image ", (reader, in) -> {
            int w = reader.getWidth(0);
            int h = reader.getHeight(0);
            int orientation = ImageLoader.orientation(file, reader.getFormatName().toLowerCase(Locale.ROOT));
            return orientation >= 5 && orientation <= 8 ? new Dimension(h, w) : new Dimension(w, h);
        });
    }

    float[] maskValues(Path mask) {
        return maskValues(ImageLoader.load(mask).toL());
    }

    private float[] maskValues(PillowImage l) {
        PillowImage fitted = fit(binarised(l), Filter.BILINEAR);
        return threshold(fitted);
    }

    /** Every non-zero pixel of an L mask set to 255: the reference's binarisation before the resize. */
    static PillowImage binarised(PillowImage l) {
        byte[] binary = l.data().clone();
        for (int i = 0; i < binary.length; i++) {
            binary[i] = binary[i] != 0 ? (byte) 255 : 0;
        }
        return new PillowImage(Mode.L, l.width(), l.height(), binary, null);
    }

    /** An in-memory 8-bit one-band mask as Pillow L, {@link #binarised}. */
    static PillowImage binaryMask(BufferedImage gray) {
        Raster raster = gray.getRaster();
        if (raster.getNumBands() != 1 || raster.getTransferType() != DataBuffer.TYPE_BYTE) {
            throw new IllegalArgumentException("an in-memory mask must have one 8-bit band, got "
                    + raster.getNumBands() + " band(s) of transfer type " + raster.getTransferType());
        }
        int w = gray.getWidth();
        int h = gray.getHeight();
        int[] samples = raster.getSamples(0, 0, w, h, 0, (int[]) null);
        byte[] bytes = new byte[samples.length];
        for (int i = 0; i < samples.length; i++) {
            bytes[i] = (byte) samples[i];
        }
        return binarised(new PillowImage(Mode.L, w, h, bytes, null));
    }

    /**
     * Mask values (the 0/1 of {@link #mask}, or a transformed mask's values) as one byte per pixel, 1 above 0.5:
     * the one place a float mask becomes the trainer's binary mask.
     */
    public static byte[] maskBytes(float[] values) {
        byte[] mask = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            mask[i] = values[i] > 0.5f ? (byte) 1 : 0;
        }
        return mask;
    }

    /** {@link #maskBytes} as booleans, for pixel metrics. */
    public static boolean[] maskBooleans(float[] values) {
        boolean[] mask = new boolean[values.length];
        for (int i = 0; i < values.length; i++) {
            mask[i] = values[i] > 0.5f;
        }
        return mask;
    }

    /** A fitted L mask divided by 255, then {@code > 0.5}, as the reference binarises masks. */
    static float[] threshold(PillowImage fitted) {
        byte[] data = fitted.data();
        float[] out = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = (data[i] & 0xFF) / 255f > 0.5f ? 1f : 0f;
        }
        return out;
    }

    /** The configured geometry: S×S in the image's own mode. */
    PillowImage fit(PillowImage image, Filter filter) {
        int s = config.size();
        if (config.resizeMode() == PreprocessConfig.ResizeMode.SQUASH) {
            return centerCrop(image.resize(s, s, filter), s, s);
        }
        double scale = (double) s / Math.max(image.width(), image.height());
        int w = Math.max(1, (int) Math.rint(image.width() * scale));
        int h = Math.max(1, (int) Math.rint(image.height() * scale));
        PillowImage resized = scale != 1.0 ? image.resize(w, h, filter) : image;
        return resized.crop(-((s - w) / 2), -((s - h) / 2), s, s);
    }

    /** torchvision's {@code center_crop}: zero padding first when the crop is larger, then a rounded crop. */
    static PillowImage centerCrop(PillowImage image, int cropWidth, int cropHeight) {
        int w = image.width();
        int h = image.height();
        if (cropWidth > w || cropHeight > h) {
            int left = cropWidth > w ? (cropWidth - w) / 2 : 0;
            int top = cropHeight > h ? (cropHeight - h) / 2 : 0;
            int right = cropWidth > w ? (cropWidth - w + 1) / 2 : 0;
            int bottom = cropHeight > h ? (cropHeight - h + 1) / 2 : 0;
            image = image.crop(-left, -top, w + left + right, h + top + bottom);
            w = image.width();
            h = image.height();
        }
        if (w == cropWidth && h == cropHeight) {
            return image;
        }
        int top = (int) Math.rint((h - cropHeight) / 2.0);
        int left = (int) Math.rint((w - cropWidth) / 2.0);
        return image.crop(left, top, cropWidth, cropHeight);
    }

    /** {@code ToTensor} then {@code Normalize}, in float32 as torch computes them; RGB bytes in, CHW out. */
    float[] normalise(byte[] rgb) {
        int n = rgb.length / 3;
        float[] mean = config.mean();
        float[] std = config.std();
        float[] out = new float[rgb.length];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < n; i++) {
                out[c * n + i] = ((rgb[i * 3 + c] & 0xFF) / 255f - mean[c]) / std[c];
            }
        }
        return out;
    }
}
