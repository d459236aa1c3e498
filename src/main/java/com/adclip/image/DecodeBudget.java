package com.adclip.image;

import java.awt.image.SampleModel;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;

/**
 * What decoding an image costs before it is decoded, from its header: width × height × channels × bytes per
 * sample, the raw rows a decoder produces. Readers such as the JDK's PNG reader inflate and unfilter every raw row
 * even when asked for a subsampled result, so this, not the subsampled size, is what an image costs in time.
 * A 308 KB 16-bit RGBA PNG of 6300 × 6300 is 317.5 MB of raw rows; an 8-bit RGB image of 40 megapixels 120 MB.
 */
public final class DecodeBudget {
    /** The default budget, 160 MB (10^6 bytes): an 8-bit RGB image at the 40 megapixel limit fits. */
    public static final double DEFAULT_MAX_MB = 160;

    private DecodeBudget() {}

    /**
     * The decoded size of image 0 of {@code reader}, whose input is set: its header's width, height, channels and
     * bits per sample (rounded up to whole bytes). A reader that names no sample layout counts 4 bytes a pixel.
     */
    public static Size of(ImageReader reader) throws IOException {
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        ImageTypeSpecifier type = reader.getRawImageType(0);
        if (type == null) {
            Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
            type = types != null && types.hasNext() ? types.next() : null;
        }
        if (type == null) {
            return new Size(width, height, 4, 8);
        }
        SampleModel samples = type.getSampleModel();
        int bits = 0;
        for (int size : samples.getSampleSize()) {
            bits = Math.max(bits, size);
        }
        return new Size(width, height, samples.getNumBands(), bits);
    }

    /**
     * An image's decoded size.
     *
     * @param channels samples per pixel
     * @param bitsPerSample the widest sample's bits
     */
    public record Size(int width, int height, int channels, int bitsPerSample) {
        /** Raw decoded bytes: width × height × channels × whole bytes per sample. */
        public long bytes() {
            return (long) width * height * channels * Math.max(1, (bitsPerSample + 7) / 8);
        }

        /** True when the decoded bytes exceed {@code maxBytes}. */
        public boolean exceeds(long maxBytes) {
            return bytes() > maxBytes;
        }

        /** Why such an image is refused, e.g. "decodes to 317.5 MB (6300 x 6300, 4 channels of 16 bits), ...". */
        public String refusal(long maxBytes) {
            return String.format(Locale.ROOT, "decodes to %.1f MB (%d x %d, %d channel%s of %d bits), more than the "
                    + "limit of %.1f MB (--max-decoded-mb)", bytes() / 1e6, width, height, channels,
                    channels == 1 ? "" : "s", bitsPerSample, maxBytes / 1e6);
        }
    }
}
