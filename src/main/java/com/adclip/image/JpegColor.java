package com.adclip.image;

import com.adclip.AdclipException;
import com.adclip.image.PillowImage.Mode;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;

/**
 * What libjpeg and Pillow 9.4 make of a JPEG's decoded components: libjpeg's guess of the colour space
 * ({@code jdapimin.c default_decompress_parms}), its integer YCbCr→RGB and YCCK→CMYK conversion
 * ({@code jdcolor.c}), and Pillow's inversion of every 4-component JPEG ({@code CMYK;I}). No ICC profile is
 * applied, as in Pillow.
 */
final class JpegColor {

    private static final int SCALEBITS = 16;
    private static final int ONE_HALF = 1 << (SCALEBITS - 1);
    private static final int[] CR_R = new int[256];
    private static final int[] CB_B = new int[256];
    private static final int[] CR_G = new int[256];
    private static final int[] CB_G = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int x = i - 128;
            CR_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALEBITS;
            CB_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALEBITS;
            CR_G[i] = -fix(0.71414) * x;
            CB_G[i] = -fix(0.34414) * x + ONE_HALF;
        }
    }

    private JpegColor() {}

    private static int fix(double x) {
        return (int) (x * (1L << SCALEBITS) + 0.5);
    }

    /**
     * The markers libjpeg looks at.
     *
     * @param jfif an APP0 JFIF segment is present
     * @param adobeTransform the APP14 Adobe transform flag, or -1 without that segment
     * @param componentIds the component ids of the frame header (empty if none was found)
     */
    record Markers(boolean jfif, int adobeTransform, int[] componentIds) {}

    static Markers markers(Path file) throws IOException {
        Map<Integer, List<String>> wanted = new HashMap<>();
        wanted.put(JPEG.APP0, JPEGSegmentUtil.ALL_IDS);
        wanted.put(JPEG.APP14, JPEGSegmentUtil.ALL_IDS);
        for (int sof : new int[] {0xFFC0, 0xFFC1, 0xFFC2, 0xFFC3, 0xFFC5, 0xFFC6, 0xFFC7, 0xFFC9, 0xFFCA,
                0xFFCB, 0xFFCD, 0xFFCE, 0xFFCF}) {
            wanted.put(sof, JPEGSegmentUtil.ALL_IDS);
        }
        boolean jfif = false;
        int adobe = -1;
        int[] ids = new int[0];
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            for (JPEGSegment segment : JPEGSegmentUtil.readSegments(in, wanted)) {
                if (segment.marker() == JPEG.APP0 && "JFIF".equals(segment.identifier())) {
                    jfif = true;
                } else if (segment.marker() == JPEG.APP14) {
                    // "Adobe", version (2), flags0 (2), flags1 (2), transform (1)
                    byte[] d = readAll(segment.segmentData());
                    if (d.length >= 12 && new String(d, 0, 5, StandardCharsets.ISO_8859_1).equals("Adobe")) {
                        adobe = d[11] & 0xFF;
                    }
                } else if (segment.marker() >= 0xFFC0 && ids.length == 0) {
                    byte[] d = readAll(segment.segmentData());
                    int n = d.length > 5 ? d[5] & 0xFF : 0;
                    ids = new int[Math.min(n, (d.length - 6) / 3)];
                    for (int c = 0; c < ids.length; c++) {
                        ids[c] = d[6 + 3 * c] & 0xFF;
                    }
                }
            }
        }
        return new Markers(jfif, adobe, ids);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    /** Converts the raw decoded components of a JPEG into the image Pillow would have opened. */
    static PillowImage toPillow(Raster raw, Markers markers, Path file) {
        int w = raw.getWidth();
        int h = raw.getHeight();
        int bands = raw.getNumBands();
        int[] s = raw.getPixels(0, 0, w, h, (int[]) null);
        int n = w * h;
        switch (bands) {
            case 1 -> {
                return new PillowImage(Mode.L, w, h, bytes(s), null);
            }
            case 3 -> {
                byte[] out = bytes(s);
                if (isYCbCr(markers)) {
                    for (int i = 0; i < n; i++) {
                        ycc(s[3 * i], s[3 * i + 1], s[3 * i + 2], out, 3 * i);
                    }
                }
                return new PillowImage(Mode.RGB, w, h, out, null);
            }
            case 4 -> {
                byte[] out = new byte[s.length];
                boolean ycck = markers.adobeTransform() > 0;
                for (int i = 0; i < n; i++) {
                    if (ycck) {
                        // libjpeg: C,M,Y = 255 - RGB(Y,Cb,Cr), K as stored; then Pillow inverts all four
                        ycc(s[4 * i], s[4 * i + 1], s[4 * i + 2], out, 4 * i);
                    } else {
                        for (int b = 0; b < 3; b++) {
                            out[4 * i + b] = (byte) (255 - s[4 * i + b]);
                        }
                    }
                    out[4 * i + 3] = (byte) (255 - s[4 * i + 3]);
                }
                return new PillowImage(Mode.CMYK, w, h, out, null);
            }
            default -> throw new AdclipException("cannot read image " + file + ": a JPEG with " + bands
                    + " colour components is not supported (convert it to RGB or greyscale)");
        }
    }

    /** libjpeg's choice for 3 components: JFIF → YCbCr; Adobe transform 0 → RGB; ids 'R','G','B' → RGB. */
    private static boolean isYCbCr(Markers m) {
        if (m.jfif()) {
            return true;
        }
        if (m.adobeTransform() >= 0) {
            return m.adobeTransform() != 0;
        }
        int[] ids = m.componentIds();
        return !(ids.length == 3 && ids[0] == 'R' && ids[1] == 'G' && ids[2] == 'B');
    }

    private static void ycc(int y, int cb, int cr, byte[] out, int o) {
        out[o] = clamp(y + CR_R[cr]);
        out[o + 1] = clamp(y + ((CB_G[cb] + CR_G[cr]) >> SCALEBITS));
        out[o + 2] = clamp(y + CB_B[cb]);
    }

    private static byte clamp(int v) {
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    private static byte[] bytes(int[] samples) {
        byte[] out = new byte[samples.length];
        for (int i = 0; i < samples.length; i++) {
            out[i] = (byte) samples[i];
        }
        return out;
    }
}
