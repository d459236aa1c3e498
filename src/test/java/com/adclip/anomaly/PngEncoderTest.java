package com.adclip.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PngEncoder}: what it writes must decode, with the JDK's own PNG reader and zlib, to exactly the pixels it
 * was given, whatever the size, kind of picture and number of bands; every chunk's CRC and the zlib Adler-32 must
 * hold (checked here, not trusted to the reader).
 */
class PngEncoderTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void rgbPicturesDecodePixelForPixelWhateverTheBands() throws Exception {
        Random random = new Random(7);
        int[][] sizes = {{1, 1}, {1, 9}, {9, 1}, {3, 2}, {64, 48}, {37, 101}, {640, 480}};
        for (int[] size : sizes) {
            BufferedImage image = noisyRgb(size[0], size[1], random);
            for (int bands : new int[] {1, 2, 3, 4, 7}) {
                byte[] png = encode(image, bands);
                assertValidStructure(png, size[0], size[1], 2);
                BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
                assertArrayEquals(rgb(image), rgb(back), size[0] + "x" + size[1] + " in " + bands + " bands");
            }
        }
    }

    @Test
    void grayPicturesDecodeSampleForSample() throws Exception {
        Random random = new Random(11);
        for (int[] size : new int[][] {{1, 1}, {5, 3}, {200, 150}, {1280, 17}}) {
            BufferedImage gray = new BufferedImage(size[0], size[1], BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < size[1]; y++) {
                for (int x = 0; x < size[0]; x++) {
                    gray.getRaster().setSample(x, y, 0, random.nextBoolean() ? 255 : random.nextInt(256));
                }
            }
            for (int bands : new int[] {1, 2, 4}) {
                byte[] png = encode(gray, bands);
                assertValidStructure(png, size[0], size[1], 0);
                BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
                assertEquals(1, back.getRaster().getNumBands(), "stays one gray channel");
                assertArrayEquals(samples(gray), samples(back), size[0] + "x" + size[1] + " in " + bands + " bands");
            }
        }
    }

    @Test
    void aSubImageIsWrittenAsItsOwnPixels() throws Exception {
        BufferedImage whole = noisyRgb(50, 40, new Random(3));
        BufferedImage part = whole.getSubimage(7, 5, 20, 30); // shares the parent's buffer, offset and stride
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(encode(part, 2)));
        assertArrayEquals(rgb(part), rgb(back));

        BufferedImage gray = new BufferedImage(30, 20, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 600; i++) {
            gray.getRaster().setSample(i % 30, i / 30, 0, i % 251);
        }
        BufferedImage grayPart = gray.getSubimage(4, 3, 11, 9);
        BufferedImage grayBack = ImageIO.read(new ByteArrayInputStream(encode(grayPart, 2)));
        assertArrayEquals(samples(grayPart), samples(grayBack));
    }

    @Test
    void otherPictureKindsAreNotTakenAndStillWriteThroughMapExport() throws IOException {
        BufferedImage argb = new BufferedImage(4, 3, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(1, 2, 0x80FF0000);
        assertFalse(PngEncoder.supports(argb));
        assertThrows(IllegalArgumentException.class, () -> PngEncoder.write(argb, new ByteArrayOutputStream(), 1));
        Path file = dir.resolve("argb.png");
        MapExport.writePng(file, argb);
        assertEquals(0x80FF0000, ImageIO.read(file.toFile()).getRGB(1, 2), "the JDK writer keeps alpha");
        assertTrue(PngEncoder.supports(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB)));
        assertTrue(PngEncoder.supports(new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY)));
    }

    @Test
    void writePngUsesItForOverlaysAndMasks() throws IOException {
        // the JDK writer tries five filters per row; ours writes Sub for every RGB row and None for gray ones
        Path overlay = dir.resolve("overlay.png");
        MapExport.writePng(overlay, noisyRgb(30, 20, new Random(5)));
        assertEquals(List.of(1), filterTypes(Files.readAllBytes(overlay), 30, 3));
        Path mask = dir.resolve("mask.png");
        boolean[] m = new boolean[30 * 20];
        m[31] = true;
        MapExport.writeMaskPng(mask, m, 20, 30);
        assertEquals(List.of(0), filterTypes(Files.readAllBytes(mask), 30, 1));
    }

    @Test
    void pngBytesForAnswersAreEncodedTheSameWay() throws IOException {
        BufferedImage image = noisyRgb(40, 30, new Random(13));
        byte[] png = MapExport.png(image);
        assertEquals(List.of(1), filterTypes(png, 40, 3), "our encoder, not the JDK's five-filter search");
        assertArrayEquals(rgb(image), rgb(ImageIO.read(new ByteArrayInputStream(png))));
        BufferedImage argb = new BufferedImage(3, 2, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(2, 1, 0x40123456);
        assertEquals(0x40123456, ImageIO.read(new ByteArrayInputStream(MapExport.png(argb))).getRGB(2, 1));
    }

    private static byte[] encode(BufferedImage image, int bands) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PngEncoder.write(image, out, bands);
        return out.toByteArray();
    }

    /** Signature, IHDR as given, chunk CRCs, and an IDAT stream that zlib inflates with its Adler-32 checked. */
    private static void assertValidStructure(byte[] png, int width, int height, int colorType)
            throws DataFormatException {
        byte[] inflated = inflatedIdat(png);
        int channels = colorType == 2 ? 3 : 1;
        assertEquals((long) height * (1 + width * channels), inflated.length, "one filter byte + samples per row");
        ByteBuffer ihdr = ByteBuffer.wrap(png, 16, 13);
        assertEquals(width, ihdr.getInt());
        assertEquals(height, ihdr.getInt());
        assertEquals(8, ihdr.get(), "bit depth");
        assertEquals(colorType, ihdr.get(), "colour type");
    }

    /** The concatenated IDAT data inflated; every chunk's CRC is checked on the way. */
    private static byte[] inflatedIdat(byte[] png) throws DataFormatException {
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, Arrays.copyOf(png, 8));
        ByteBuffer in = ByteBuffer.wrap(png, 8, png.length - 8);
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        List<String> names = new ArrayList<>();
        while (in.hasRemaining()) {
            int length = in.getInt();
            byte[] typeAndData = new byte[4 + length];
            in.get(typeAndData);
            CRC32 crc = new CRC32();
            crc.update(typeAndData);
            String name = new String(typeAndData, 0, 4, StandardCharsets.US_ASCII);
            assertEquals((int) crc.getValue(), in.getInt(), "CRC of " + name);
            names.add(name);
            if (name.equals("IDAT")) {
                idat.write(typeAndData, 4, length);
            }
        }
        assertEquals("IHDR", names.get(0));
        assertEquals("IEND", names.get(names.size() - 1));
        Inflater inflater = new Inflater(); // zlib wrapper: the Adler-32 is verified at the end
        try {
            inflater.setInput(idat.toByteArray());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new DataFormatException("truncated zlib stream");
                }
                out.write(buffer, 0, n);
            }
            assertEquals(0, inflater.getRemaining(), "nothing after the zlib stream");
            return out.toByteArray();
        } finally {
            inflater.end();
        }
    }

    /** The distinct filter types of the rows. */
    private static List<Integer> filterTypes(byte[] png, int width, int channels) {
        try {
            byte[] rows = inflatedIdat(png);
            int stride = 1 + width * channels;
            List<Integer> types = new ArrayList<>();
            for (int at = 0; at < rows.length; at += stride) {
                if (!types.contains((int) rows[at])) {
                    types.add((int) rows[at]);
                }
            }
            return types;
        } catch (DataFormatException e) {
            throw new AssertionError(e);
        }
    }

    private static BufferedImage noisyRgb(int w, int h, Random random) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int base = (x * 7 + y * 3) & 0xFF;
                image.setRGB(x, y, random.nextInt(4) == 0 ? random.nextInt(1 << 24)
                        : (base << 16) | ((base ^ 0x5A) << 8) | (255 - base));
            }
        }
        return image;
    }

    private static int[] rgb(BufferedImage image) {
        int[] values = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        for (int i = 0; i < values.length; i++) {
            values[i] &= 0xFFFFFF;
        }
        return values;
    }

    private static int[] samples(BufferedImage gray) {
        return gray.getRaster().getSamples(0, 0, gray.getWidth(), gray.getHeight(), 0, (int[]) null);
    }
}
