package com.adclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.adclip.image.PillowImage.Mode;
import java.awt.Point;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageLoaderTest {
    @TempDir
    Path tmp;

    /** A 16x16 4-component JPEG with constant stored values (10, 60, 120, 200), optionally with an Adobe marker. */
    private Path cmykJpeg(String name, boolean adobeMarker) throws Exception {
        WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, new Point());
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                r.setPixel(x, y, new int[] {10, 60, 120, 200});
            }
        }
        Path f = tmp.resolve(name);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(f.toFile())) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(r, null, null), writer.getDefaultWriteParam());
        } finally {
            writer.dispose();
        }
        if (adobeMarker) {
            // APP14 "Adobe", version 100, flags 0, 0, transform 0 (CMYK, no colour transform)
            byte[] adobe = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
            byte[] b = Files.readAllBytes(f);
            byte[] spliced = new byte[b.length + adobe.length];
            System.arraycopy(b, 0, spliced, 0, 2);
            System.arraycopy(adobe, 0, spliced, 2, adobe.length);
            System.arraycopy(b, 2, spliced, 2 + adobe.length, b.length - 2);
            Files.write(f, spliced);
        }
        return f;
    }

    @Test
    void cmykJpegIsInvertedLikePillowAndConvertedWithItsFormula() throws Exception {
        for (boolean adobe : new boolean[] {false, true}) {
            PillowImage image = ImageLoader.load(cmykJpeg("cmyk" + adobe + ".jpg", adobe));
            assertEquals(Mode.CMYK, image.mode());
            // Pillow opens every 4-component JPEG as CMYK;I: 255 - decoded value (JPEG noise: allow 1)
            int[] want = {245, 195, 135, 55};
            for (int b = 0; b < 4; b++) {
                assertEquals(want[b], image.data()[(5 * 16 + 5) * 4 + b] & 0xFF, 1.0, "band " + b);
            }
        }
        // cmyk2rgb: nk = 255 - K; v = nk - (C * nk) / 255 with Pillow's rounding
        PillowImage cmyk = new PillowImage(Mode.CMYK, 1, 1, new byte[] {(byte) 245, (byte) 195, (byte) 135, 55},
                null);
        assertArrayEquals(new byte[] {8, 47, 94}, cmyk.toRgb().data());
    }

    @Test
    void sixteenBitGreyKeepsTheHighByte() throws Exception {
        WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_USHORT, 2, 1, 1, new Point());
        r.setSample(0, 0, 0, 0x1234);
        r.setSample(1, 0, 0, 0xFFFF);
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(2, 1,
                java.awt.image.BufferedImage.TYPE_USHORT_GRAY);
        image.setData(r);
        Path f = tmp.resolve("grey16.png");
        ImageIO.write(image, "png", f.toFile());
        PillowImage loaded = ImageLoader.load(f);
        assertEquals(Mode.L, loaded.mode());
        assertArrayEquals(new byte[] {0x12, (byte) 0xFF}, loaded.data());
    }

    @Test
    void transposeFollowsExifOrientationLikePillow() {
        // stored 3x2: a b c / d e f
        PillowImage img = new PillowImage(Mode.L, 3, 2, new byte[] {'a', 'b', 'c', 'd', 'e', 'f'}, null);
        String[] want = {
            null, "abcdef", "cbafed", "fedcba", "defabc", // 1..4: identity, mirror, 180, flip vertical
            "adbecf", // 5 TRANSPOSE
            "daebfc", // 6 ROTATE_270 (clockwise): d a / e b / f c
            "fcebda", // 7 TRANSVERSE
            "cfbead", // 8 ROTATE_90 (counter-clockwise)
        };
        for (int o = 1; o <= 8; o++) {
            PillowImage t = img.transpose(o);
            assertEquals(want[o], new String(t.data(), java.nio.charset.StandardCharsets.ISO_8859_1),
                    "orientation " + o);
            assertEquals(o >= 5 ? 2 : 3, t.width(), "width for orientation " + o);
        }
    }

    @Test
    void packedBytesAreTheSamplesInOrderOrNothing() throws Exception {
        java.util.Random random = new java.util.Random(7);
        for (int bands : new int[] {1, 2, 3, 4}) {
            WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 5, 3, bands, new Point());
            for (int i = 0; i < 5 * 3 * bands; i++) {
                r.getDataBuffer().setElem(i, random.nextInt(256));
            }
            byte[] expected = new byte[5 * 3 * bands];
            int[] pixels = r.getPixels(0, 0, 5, 3, (int[]) null);
            for (int i = 0; i < pixels.length; i++) {
                expected[i] = (byte) pixels[i];
            }
            assertArrayEquals(expected, ImageLoader.packedBytes(r, 5, 3), bands + " bands");
        }
        for (int type : new int[] {java.awt.image.BufferedImage.TYPE_3BYTE_BGR,
                java.awt.image.BufferedImage.TYPE_4BYTE_ABGR}) {
            java.awt.image.BufferedImage stored = new java.awt.image.BufferedImage(4, 2, type);
            WritableRaster r = stored.getRaster();
            for (int i = 0; i < 4 * 2 * r.getNumBands(); i++) {
                r.getDataBuffer().setElem(i, random.nextInt(256));
            }
            int[] pixels = r.getPixels(0, 0, 4, 2, (int[]) null);
            byte[] expected = new byte[pixels.length];
            for (int i = 0; i < pixels.length; i++) {
                expected[i] = (byte) pixels[i];
            }
            assertArrayEquals(expected, ImageLoader.packedBytes(r, 4, 2), "bytes stored in reverse, type " + type);
        }
        WritableRaster wide = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 6, 4, 3, new Point());
        assertNull(ImageLoader.packedBytes(wide.createWritableChild(1, 1, 4, 2, 0, 0, null), 4, 2),
                "a window of a larger raster: rows are not back to back");
        java.awt.image.BufferedImage argb = new java.awt.image.BufferedImage(4, 2,
                java.awt.image.BufferedImage.TYPE_INT_ARGB);
        assertNull(ImageLoader.packedBytes(argb.getRaster(), 4, 2), "ints, not bytes");
    }

    @Test
    void anRgbPngLoadsToItsOwnSamples() throws Exception {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(7, 5,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(11);
        byte[] expected = new byte[7 * 5 * 3];
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                int rgb = random.nextInt(1 << 24);
                image.setRGB(x, y, rgb);
                int i = 3 * (y * 7 + x);
                expected[i] = (byte) (rgb >> 16);
                expected[i + 1] = (byte) (rgb >> 8);
                expected[i + 2] = (byte) rgb;
            }
        }
        Path f = tmp.resolve("rgb.png");
        ImageIO.write(image, "png", f.toFile());
        java.awt.image.BufferedImage read = ImageIO.read(f.toFile());
        assertArrayEquals(expected, ImageLoader.packedBytes(read.getRaster(), 7, 5),
                "the PNG reader's raster is read straight from its bytes");
        PillowImage loaded = ImageLoader.load(f);
        assertEquals(Mode.RGB, loaded.mode());
        assertArrayEquals(expected, loaded.data());
        PillowImage copy = loaded.toRgb();
        assertArrayEquals(expected, copy.data(), "RGB to RGB is the same pixels");
        copy.data()[0]++;
        assertEquals(expected[0], loaded.data()[0], "in a copy of their own");
    }
}
