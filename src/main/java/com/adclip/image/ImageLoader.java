package com.adclip.image;

import com.adclip.AdclipException;
import com.adclip.image.PillowImage.Mode;
import com.adclip.files.FileErrors;
import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import org.w3c.dom.Node;

/**
 * Decodes an image file into a {@link PillowImage} with the mode and 8-bit values Pillow 9.4 would give it,
 * using JDK ImageIO and the TwelveMonkeys plugins (JPEG, TIFF, BMP, WebP); PNG and GIF use the JDK readers.
 *
 * <p>JPEGs are read as raw decoded components (the decoder's IDCT and chroma upsampling, no colour
 * management) and converted as libjpeg and Pillow do, see {@link JpegColor}; TwelveMonkeys' own colour
 * conversion (which applies embedded ICC profiles and converts CMYK through a profile) is not used.
 *
 * <p>Modes follow Pillow: 8-bit grey is L, grey+alpha LA, palette images P (BMP palettes that are a grey
 * ramp are L, or 1 for two entries, as Pillow's BMP plugin decides), RGB, RGBA, and 4-channel JPEGs CMYK.
 * 16-bit colour samples keep their high byte, as Pillow's {@code ;16B} unpackers do. Pillow does not apply
 * embedded ICC profiles and neither do we: the stored values are used as they are.
 *
 * <p>Deliberate differences from the reference (which calls {@code Image.open} and nothing else):
 * <ul>
 *   <li><b>EXIF orientation is honoured</b>: JPEG (APP1 Exif) and TIFF orientation tags 2..8 are applied
 *       as {@code ImageOps.exif_transpose} would, before any resizing. The reference does not do this, so
 *       for rotated camera JPEGs our pixels are the upright image and the reference's are the stored one.
 *   <li><b>16-bit greyscale</b>: Pillow 9.4 opens a 16-bit grey PNG as mode I, whose conversion to RGB
 *       clips values above 255 (so most such images come out white), and opens a 16-bit grey TIFF as I;16,
 *       which it cannot resize with BICUBIC at all (ValueError). We keep the high byte, like Pillow does for
 *       16-bit colour, and continue as L.
 *   <li>Sample formats other than 1..16-bit integers (e.g. float TIFF) are converted to RGB by the colour
 *       model of the decoder.
 * </ul>
 */
final class ImageLoader {

    private ImageLoader() {}

    /** Decodes {@code file}, applying its EXIF orientation; failures become an {@link AdclipException}. */
    static PillowImage load(Path file) {
        return load(file, Long.MAX_VALUE);
    }

    /**
     * As {@link #load(Path)}, refusing images of more than {@code maxPixels} pixels before decoding them (the
     * size comes from the file's header).
     */
    static PillowImage load(Path file, long maxPixels) {
        return load(file, maxPixels, Integer.MAX_VALUE);
    }

    /**
     * As {@link #load(Path, long)}, decoding a large image at a reduced resolution: when both sides are at least
     * twice {@code minSide}, only every s-th pixel of every s-th row is decoded (ImageIO source subsampling), with
     * s the largest integer that keeps both sides at least {@code minSide}. The result then differs from Pillow's
     * (which decodes every pixel), but its cost is bounded by the subsampled size.
     *
     * <p>Metadata chunks (PNG text, zTXt, iCCP, ...) are never parsed: a zTXt that inflates to gigabytes costs
     * nothing. The PNG header and the chunks that decoding needs (PLTE, tRNS) are still read.
     */
    static PillowImage load(Path file, long maxPixels, int minSide) {
        return load(file, maxPixels, Long.MAX_VALUE, minSide);
    }

    /**
     * As {@link #load(Path, long, int)}, also refusing an image whose raw decode ({@link DecodeBudget}: width ×
     * height × channels × bytes per sample, from the header) exceeds {@code maxDecodedBytes}: readers decode every
     * raw row even when subsampling, so that is what the image costs.
     */
    static PillowImage load(Path file, long maxPixels, long maxDecodedBytes, int minSide) {
        return withReader(file, true, "cannot read image ", (reader, in) -> {
            requireAtMost(file, reader, maxPixels);
            DecodeBudget.Size size = DecodeBudget.of(reader);
            if (size.exceeds(maxDecodedBytes)) {
                throw new AdclipException("image " + file + " " + size.refusal(maxDecodedBytes));
            }
            return decode(file, reader, in, subsampling(reader.getWidth(0), reader.getHeight(0), minSide));
        });
    }

    /** The source subsampling for an image of {@code width × height}: 1 (none) unless both sides are ≥ 2 minSide. */
    static int subsampling(int width, int height, int minSide) {
        return (int) Math.max(1, Math.min(width, height) / Math.max(1L, minSide));
    }

    /** What to do with a file's image reader, once its input is set. */
    @FunctionalInterface
    interface ReaderAction<T> {
        T apply(ImageReader reader, ImageInputStream in) throws IOException;
    }

    /**
     * Opens {@code file}, finds a decoder for its content (not its extension), sets it on the stream and runs
     * {@code action}; every failure becomes one {@link AdclipException} starting with {@code failure}.
     */
    static <T> T withReader(Path file, boolean ignoreMetadata, String failure, ReaderAction<T> action) {
        if (!Files.isRegularFile(file)) {
            throw new AdclipException("image " + file + " does not exist or is not a regular file");
        }
        FileErrors.requireReadable(file, failure);
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new AdclipException("cannot read image " + file + ": not a supported image format"
                        + " (use PNG, JPEG, BMP, TIFF, WebP or GIF)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, ignoreMetadata);
                return action.apply(reader, in);
            } finally {
                reader.dispose();
            }
        } catch (AdclipException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new AdclipException(failure + file + ": " + describe(e) + " (is the file corrupt or truncated?)", e);
        }
    }

    private static void requireAtMost(Path file, ImageReader reader, long maxPixels) throws IOException {
        long width = reader.getWidth(0);
        long height = reader.getHeight(0);
        if (width * height > maxPixels) {
            throw new AdclipException(String.format(Locale.ROOT,
                    "image %s is %d x %d = %.1f megapixels, more than the limit of %.1f megapixels", file, width,
                    height, width * height / 1e6, maxPixels / 1e6));
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message.strip();
    }

    private static PillowImage decode(Path file, ImageReader reader, ImageInputStream in, int subsampling)
            throws IOException {
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        String format = reader.getFormatName().toLowerCase(Locale.ROOT);
        boolean jpeg = format.equals("jpeg") || format.equals("jpg");
        ImageReadParam param = reader.getDefaultReadParam();
        if (subsampling > 1) {
            param.setSourceSubsampling(subsampling, subsampling, 0, 0);
        }
        BufferedImage image = jpeg ? null : reader.read(0, param);
        Raster jpegRaster = jpeg ? reader.readRaster(0, param) : null;
        for (String warning : warnings) {
            String w = warning.toLowerCase(Locale.ROOT);
            if (w.contains("premature end") || w.contains("truncat")) {
                throw new AdclipException("cannot read image " + file + ": " + warning
                        + " (the file is truncated)");
            }
        }
        PillowImage decoded;
        if (jpeg) {
            decoded = JpegColor.toPillow(jpegRaster, JpegColor.markers(file), file);
        } else {
            IIOMetadata metadata = format.equals("png") ? reader.getImageMetadata(0) : null;
            decoded = toPillow(image, format, metadata);
        }
        return decoded.transpose(orientation(file, format));
    }

    private static PillowImage toPillow(BufferedImage image, String format, IIOMetadata pngMetadata) {
        int w = image.getWidth();
        int h = image.getHeight();
        Raster raster = image.getRaster();
        ColorModel cm = image.getColorModel();
        if (pngMetadata != null) {
            PillowImage png = pngSpecial(raster, w, h, pngMetadata);
            if (png != null) {
                return png;
            }
        }
        if (cm instanceof IndexColorModel icm) {
            return indexed(raster, w, h, icm, format.equals("bmp"));
        }
        int bands = raster.getNumBands();
        int bits = cm.getComponentSize(0);
        int type = raster.getTransferType();
        boolean integral = type == DataBuffer.TYPE_BYTE || type == DataBuffer.TYPE_USHORT
                || type == DataBuffer.TYPE_INT;
        Mode mode = modeOf(cm.getColorSpace().getType(), bands, cm.hasAlpha());
        if (mode == null || !integral || bits > 16) {
            return fallbackRgb(image);
        }
        if (cm.isAlphaPremultiplied()) {
            image.coerceData(false);
            raster = image.getRaster();
        }
        return new PillowImage(mode, w, h, samples(raster, w, h, bits), null);
    }

    private static Mode modeOf(int colorSpaceType, int bands, boolean alpha) {
        if (colorSpaceType == ColorSpace.TYPE_GRAY) {
            return bands == 1 ? Mode.L : bands == 2 && alpha ? Mode.LA : null;
        }
        if (colorSpaceType == ColorSpace.TYPE_RGB) {
            return bands == 3 ? Mode.RGB : bands == 4 && alpha ? Mode.RGBA : null;
        }
        if (colorSpaceType == ColorSpace.TYPE_CMYK) {
            return bands == 4 && !alpha ? Mode.CMYK : null;
        }
        return null;
    }

    /** Samples of every band, interleaved, scaled to 8 bits: 8-bit as is, 9..16-bit by their high byte. */
    private static byte[] samples(Raster raster, int w, int h, int bits) {
        byte[] packed = bits == 8 ? packedBytes(raster, w, h) : null;
        if (packed != null) {
            return packed;
        }
        int[] pixels = raster.getPixels(0, 0, w, h, (int[]) null);
        byte[] out = new byte[pixels.length];
        int shift = Math.max(bits - 8, 0);
        for (int i = 0; i < pixels.length; i++) {
            out[i] = (byte) (pixels[i] >> shift);
        }
        return out;
    }

    /**
     * The samples of an 8-bit pixel-interleaved raster (rows back to back, each pixel's bands side by side in any
     * order, e.g. the B, G, R bytes ImageIO's PNG reader fills), read straight from its bytes and put in band
     * order; null for any other layout. The same bytes as {@code getPixels}, without an int per sample: that copy
     * was a third of the station's decoding.
     */
    static byte[] packedBytes(Raster raster, int w, int h) {
        if (!(raster.getDataBuffer() instanceof DataBufferByte buffer) || buffer.getNumBanks() != 1
                || !(raster.getSampleModel() instanceof PixelInterleavedSampleModel model)
                || raster.getSampleModelTranslateX() != 0 || raster.getSampleModelTranslateY() != 0
                || raster.getMinX() != 0 || raster.getMinY() != 0) {
            return null;
        }
        int bands = raster.getNumBands();
        int[] offsets = model.getBandOffsets();
        boolean[] seen = new boolean[bands];
        for (int offset : offsets) {
            if (offset < 0 || offset >= bands || seen[offset]) {
                return null;
            }
            seen[offset] = true;
        }
        int length = w * h * bands;
        byte[] data = buffer.getData();
        if (model.getPixelStride() != bands || model.getScanlineStride() != w * bands || buffer.getOffset() != 0
                || data.length < length) {
            return null;
        }
        return reorder(data, length, offsets);
    }

    /** Interleaved samples with band b of each pixel taken from byte {@code offsets[b]} of its group. */
    private static byte[] reorder(byte[] data, int length, int[] offsets) {
        int bands = offsets.length;
        boolean inOrder = true;
        for (int b = 0; b < bands; b++) {
            inOrder &= offsets[b] == b;
        }
        if (inOrder) {
            return java.util.Arrays.copyOf(data, length);
        }
        byte[] out = new byte[length];
        if (bands == 3) {
            int o0 = offsets[0];
            int o1 = offsets[1];
            int o2 = offsets[2];
            for (int i = 0; i < length; i += 3) {
                out[i] = data[i + o0];
                out[i + 1] = data[i + o1];
                out[i + 2] = data[i + o2];
            }
            return out;
        }
        for (int i = 0; i < length; i += bands) {
            for (int b = 0; b < bands; b++) {
                out[i + b] = data[i + offsets[b]];
            }
        }
        return out;
    }

    private static PillowImage fallbackRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        boolean alpha = image.getColorModel().hasAlpha();
        int bands = alpha ? 4 : 3;
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        byte[] out = new byte[w * h * bands];
        for (int i = 0; i < argb.length; i++) {
            out[i * bands] = (byte) (argb[i] >> 16);
            out[i * bands + 1] = (byte) (argb[i] >> 8);
            out[i * bands + 2] = (byte) argb[i];
            if (alpha) {
                out[i * bands + 3] = (byte) (argb[i] >>> 24);
            }
        }
        return new PillowImage(alpha ? Mode.RGBA : Mode.RGB, w, h, out, null);
    }

    private static PillowImage indexed(Raster raster, int w, int h, IndexColorModel icm, boolean bmp) {
        int colors = Math.min(icm.getMapSize(), 256);
        byte[] palette = new byte[768];
        for (int i = 0; i < colors; i++) {
            palette[i * 3] = (byte) icm.getRed(i);
            palette[i * 3 + 1] = (byte) icm.getGreen(i);
            palette[i * 3 + 2] = (byte) icm.getBlue(i);
        }
        int[] indices = raster.getSamples(0, 0, w, h, 0, (int[]) null);
        byte[] data = new byte[indices.length];
        for (int i = 0; i < indices.length; i++) {
            data[i] = (byte) indices[i];
        }
        if (bmp && isGreyRamp(palette, colors)) {
            // Pillow's BmpImagePlugin: a palette of (v, v, v) for v = i * 255 // (colors - 1) loads as L or 1
            for (int i = 0; i < data.length; i++) {
                data[i] = palette[(data[i] & 0xFF) * 3];
            }
            return new PillowImage(colors == 2 ? Mode.ONE : Mode.L, w, h, data, null);
        }
        return new PillowImage(Mode.P, w, h, data, palette);
    }

    private static boolean isGreyRamp(byte[] palette, int colors) {
        for (int i = 0; i < colors; i++) {
            int v = colors == 2 ? i * 255 : i;
            for (int b = 0; b < 3; b++) {
                if ((palette[i * 3 + b] & 0xFF) != v) {
                    return false;
                }
            }
        }
        return colors >= 2;
    }

    /**
     * PNG cases the colour model alone gets wrong: grey below 8 bits (the JDK returns a palette; Pillow
     * gives mode 1, or L scaled by 255 / (2^bits - 1)), and grey/RGB with a tRNS colour (the JDK adds an
     * alpha band; Pillow keeps L/RGB and only records the transparent colour).
     */
    private static PillowImage pngSpecial(Raster raster, int w, int h, IIOMetadata metadata) {
        Node ihdr = child(metadata.getAsTree("javax_imageio_png_1.0"), "IHDR");
        if (ihdr == null) {
            return null;
        }
        String colorType = attribute(ihdr, "colorType");
        int bitDepth = Integer.parseInt(attribute(ihdr, "bitDepth"));
        boolean grey = "Grayscale".equals(colorType);
        if (grey && bitDepth < 8) {
            int max = (1 << bitDepth) - 1;
            int[] v = raster.getSamples(0, 0, w, h, 0, (int[]) null);
            byte[] data = new byte[v.length];
            for (int i = 0; i < v.length; i++) {
                data[i] = (byte) (v[i] * 255 / max);
            }
            return new PillowImage(bitDepth == 1 ? Mode.ONE : Mode.L, w, h, data, null);
        }
        int colorBands = grey ? 1 : "RGB".equals(colorType) ? 3 : 0;
        if (colorBands > 0 && raster.getNumBands() > colorBands) {
            Raster color = raster.createChild(0, 0, w, h, 0, 0, grey ? new int[] {0} : new int[] {0, 1, 2});
            return new PillowImage(grey ? Mode.L : Mode.RGB, w, h, samples(color, w, h, bitDepth), null);
        }
        return null;
    }

    private static Node child(Node node, String name) {
        for (Node c = node.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c.getNodeName().equals(name)) {
                return c;
            }
        }
        return null;
    }

    private static String attribute(Node node, String name) {
        Node a = node.getAttributes().getNamedItem(name);
        return a == null ? "" : a.getNodeValue();
    }

    /** The EXIF orientation (1..8) of a JPEG or TIFF file, 1 when absent or unreadable. */
    static int orientation(Path file, String format) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Directory exif = null;
            if (format.equals("jpeg") || format.equals("jpg")) {
                for (JPEGSegment segment : JPEGSegmentUtil.readSegments(in, JPEG.APP1, "Exif")) {
                    exif = readTiff(segment.data());
                    break;
                }
            } else if (format.equals("tif") || format.equals("tiff")) {
                exif = new TIFFReader().read(in);
            }
            Entry entry = exif == null ? null : exif.getEntryById(TIFF.TAG_ORIENTATION);
            return entry != null && entry.getValue() instanceof Number n ? n.intValue() : 1;
        } catch (IOException | RuntimeException e) {
            return 1; // unreadable metadata is ignored, as Pillow ignores a broken EXIF block
        }
    }

    private static Directory readTiff(InputStream data) throws IOException {
        byte[] bytes = data.readAllBytes();
        int start = bytes.length > 0 && bytes[0] == 0 ? 1 : 0; // "Exif\0\0": the identifier ends at one NUL
        try (ImageInputStream tiff = ImageIO.createImageInputStream(
                new ByteArrayInputStream(bytes, start, bytes.length - start))) {
            return new TIFFReader().read(tiff);
        }
    }
}
