package com.adclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
