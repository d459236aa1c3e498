package com.adclip.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.adclip.AdclipException;
import com.adclip.anomaly.DefectRegions.Region;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MapExport} and {@link JetColormap}: .npy files, mask PNGs, the JET overlay and its boxes. */
class MapExportTest {
    private static final int WHITE = 0xFFFFFF;

    @TempDir
    Path dir;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void npyHeaderFollowsTheSpec() {
        for (long[] shape : new long[][] {{33, 47}, {5}, {2, 3, 4}, {123456789, 987654321}}) {
            byte[] header = MapExport.npyHeader(shape);
            assertEquals(0, header.length % 64, "header padded to 64 bytes");
            assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0},
                    Arrays.copyOf(header, 8), "magic and version 1.0");
            int length = ByteBuffer.wrap(header, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF;
            assertEquals(header.length - 10, length, "HEADER_LEN counts the dict, padding and newline");
            String text = new String(header, 10, length, StandardCharsets.US_ASCII);
            assertTrue(text.endsWith("\n"), text);
            assertTrue(text.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': ("), text);
        }
        String one = new String(MapExport.npyHeader(5), StandardCharsets.US_ASCII);
        assertTrue(one.contains("'shape': (5,), }"), one);
        String two = new String(MapExport.npyHeader(33, 47), StandardCharsets.US_ASCII);
        assertTrue(two.contains("'shape': (33, 47), }"), two);
        assertEquals(128, two.length(), "10 + 62-character dict + newline = 73, padded to 128");
    }

    @Test
    void npyDataIsLittleEndianFloat32AfterTheHeader() throws IOException {
        float[] map = {0f, -1.5f, 3.25f, Float.MIN_VALUE, 1e30f, 0.1f};
        Path file = dir.resolve("map.npy");
        MapExport.writeNpy(file, map, 2, 3);
        byte[] bytes = Files.readAllBytes(file);
        int start = 10 + (ByteBuffer.wrap(bytes, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF);
        assertEquals(128, start, "10 + 61-character dict + newline = 72, padded to 128");
        assertEquals(start + 4 * map.length, bytes.length);
        float[] back = new float[map.length];
        ByteBuffer.wrap(bytes, start, 4 * map.length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(back);
        assertArrayEquals(map, back);
    }

    @Test
    void npyIsReadByNumpy() throws Exception {
        Assumptions.assumeTrue(python("import numpy") == 0, "python3 with numpy is not available");
        float[] map = new float[6 * 7];
        for (int i = 0; i < map.length; i++) {
            map[i] = (float) Math.sin(i) * 10 - i / 3f;
        }
        Path file = dir.resolve("map.npy");
        try (NDManager manager = NDManager.newBaseManager()) {
            MapExport.writeNpy(file, manager.create(map, new Shape(6, 7)));
        }
        List<String> out = new ArrayList<>();
        int code = python("import numpy as np, sys\n"
                + "a = np.load(sys.argv[1], allow_pickle=False)\n"
                + "print(a.dtype.str, a.shape, a.flags['C_CONTIGUOUS'])\n"
                + "print(' '.join(repr(float(v)) for v in a.ravel()))\n"
                + "import io\n"
                + "b = io.BytesIO(); np.save(b, a)\n"
                + "print(b.getvalue() == open(sys.argv[1], 'rb').read())\n", out, file.toString());
        assertEquals(0, code, String.join("\n", out));
        assertEquals("<f4 (6, 7) True", out.get(0));
        String[] values = out.get(1).split(" ");
        float[] read = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            read[i] = (float) Double.parseDouble(values[i]);
        }
        assertArrayEquals(map, read);
        assertEquals("True", out.get(2), "byte-identical to numpy.save of the same array");
    }

    @Test
    void npyRejectsAShapeThatDoesNotFit() {
        Path file = dir.resolve("x.npy");
        assertThrows(IllegalArgumentException.class, () -> MapExport.writeNpy(file, new float[5], 2, 3));
    }

    @Test
    void maskPngIsGray0And255() throws IOException {
        boolean[] mask = {true, false, false, false, true, true};
        Path file = dir.resolve("mask.png");
        MapExport.writeMaskPng(file, mask, 2, 3);
        BufferedImage png = ImageIO.read(file.toFile());
        assertEquals(3, png.getWidth());
        assertEquals(2, png.getHeight());
        assertEquals(1, png.getRaster().getNumBands(), "one gray channel");
        assertEquals(8, png.getColorModel().getComponentSize(0));
        int[] samples = png.getRaster().getSamples(0, 0, 3, 2, 0, (int[]) null);
        assertArrayEquals(new int[] {255, 0, 0, 0, 255, 255}, samples);
    }

    @Test
    void maskPngOfRegions() throws IOException {
        float[] map = {0.9f, 0, 0, 0.8f};
        Path file = dir.resolve("regions.png");
        MapExport.writeMaskPng(file, DefectRegions.find(map, 2, 2, 0.5f));
        int[] samples = ImageIO.read(file.toFile()).getRaster().getSamples(0, 0, 2, 2, 0, (int[]) null);
        assertArrayEquals(new int[] {255, 0, 0, 255}, samples);
    }

    @Test
    void jetEndpointsAndMiddle() {
        assertEquals(0x000080, JetColormap.rgb(0), "0 is dark blue (0, 0, 128)");
        assertEquals(0x800000, JetColormap.rgb(255), "1 is dark red (128, 0, 0)");
        int mid = JetColormap.rgb(JetColormap.index(0.5f, 0, 1));
        int r = mid >> 16;
        int g = (mid >> 8) & 0xFF;
        int b = mid & 0xFF;
        assertEquals(255, g, "0.5 is green-dominated");
        assertTrue(r < 160 && b < 160, "0.5 is greenish: " + Integer.toHexString(mid));
    }

    @Test
    void jetIndexIsTheReferenceTruncation() {
        assertEquals(0, JetColormap.index(2f, 2f, 6f));
        assertEquals(255, JetColormap.index(6f, 2f, 6f));
        assertEquals(127, JetColormap.index(4f, 2f, 6f)); // uint8(0.5 * 255 = 127.5) = 127
        assertEquals(63, JetColormap.index(3f, 2f, 6f)); // uint8(63.75)
        assertEquals(0, JetColormap.index(-9f, 2f, 6f), "below min clamps");
        assertEquals(255, JetColormap.index(99f, 2f, 6f), "above max clamps");
        assertEquals(0, JetColormap.index(Float.NaN, 2f, 6f));
        assertEquals(0, JetColormap.index(3f, 3f, 3f), "flat range");
    }

    @Test
    void jetTableIsOpenCvsAndFollowsTheJetFormula() throws IOException {
        List<int[]> opencv = new ArrayList<>();
        try (InputStream in = getClass().getResourceAsStream("jet-opencv.txt")) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.startsWith("#")) {
                    String[] f = line.split(" ");
                    opencv.add(new int[] {Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3])});
                }
            }
        }
        assertEquals(256, opencv.size());
        for (int i = 0; i < 256; i++) {
            int rgb = JetColormap.rgb(i);
            int[] got = {rgb >> 16, (rgb >> 8) & 0xFF, rgb & 0xFF};
            assertArrayEquals(opencv.get(i), got, "entry " + i + " differs from OpenCV's");
            // classic jet at x = i/255: red min(4x-1.5, 4.5-4x), green shifted by -1, blue by -2
            double[] formula = {jet(4.0 * i - 382.5, 1147.5 - 4.0 * i), jet(4.0 * i - 127.5, 892.5 - 4.0 * i),
                jet(4.0 * i + 127.5, 637.5 - 4.0 * i)};
            for (int c = 0; c < 3; c++) {
                assertTrue(Math.abs(got[c] - formula[c]) <= 0.5 + 1e-9, "entry " + i + " channel " + c);
            }
        }
    }

    private static double jet(double rising, double falling) {
        return Math.max(0, Math.min(255, Math.min(rising, falling)));
    }

    @Test
    void overlayBlendsHalfImageHalfJet() {
        BufferedImage image = filled(4, 3, 0x6432C8); // (100, 50, 200)
        float[] map = new float[12];
        map[5] = 1f; // (1, 1) at max
        map[6] = 0.5f; // (2, 1) at the middle
        BufferedImage out = MapExport.overlay(image, map, 0f, 1f, List.of());
        assertEquals(4, out.getWidth());
        assertEquals(3, out.getHeight());
        // min -> jet (0, 0, 128): ((100+0)/2, (50+0)/2, (200+128)/2) = (50, 25, 164)
        assertEquals(0x3219A4, out.getRGB(0, 0) & WHITE);
        // max -> jet (128, 0, 0): (114, 25, 100)
        assertEquals(0x721964, out.getRGB(1, 1) & WHITE);
        // 0.5 -> index 127 -> OpenCV (126, 255, 130): (113, 152, 165)
        assertEquals(0x7198A5, out.getRGB(2, 1) & WHITE);
    }

    @Test
    void overlayIsTheImageSizeAndDrawsBoxesInTheBoxColour() {
        int w = 60;
        int h = 50;
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY); // grey 0
        float[] map = new float[w * h];
        Region box = new Region(1, 20, 25, 15, 10, 40, 0.87f, 0.6f);
        BufferedImage out = MapExport.overlay(image, map, 0f, 1f, List.of(box));
        assertEquals(w, out.getWidth());
        assertEquals(h, out.getHeight());
        for (int y = box.y(); y < box.y() + box.height(); y++) {
            for (int x = box.x(); x < box.x() + box.width(); x++) {
                boolean edge = x < box.x() + 2 || x >= box.x() + box.width() - 2
                        || y < box.y() + 2 || y >= box.y() + box.height() - 2;
                int rgb = out.getRGB(x, y) & WHITE;
                if (edge) {
                    assertEquals(WHITE, rgb, "box pixel (" + x + ", " + y + ")");
                } else {
                    assertEquals(0x000040, rgb, "inside (" + x + ", " + y + "): (0 + jet 0) / 2");
                }
            }
        }
        assertEquals(0x000040, out.getRGB(box.x() + box.width(), box.y() + 5) & WHITE, "right of the box");
        assertEquals(0x000040, out.getRGB(box.x() + 5, box.y() + box.height()) & WHITE, "below the box");
        boolean labelled = false;
        for (int y = 0; y < box.y(); y++) {
            for (int x = box.x(); x < w; x++) {
                labelled |= (out.getRGB(x, y) & WHITE) == WHITE;
            }
        }
        assertTrue(labelled, "a number label is drawn above the box");
    }

    @Test
    void regionsAreLabelledOneTwoThreeNotByTheirMapValue() {
        assertEquals(List.of("1", "2", "3"), MapExport.regionLabels(3));
        assertEquals(List.of(), MapExport.regionLabels(0));
        int w = 240;
        int h = 240;
        BufferedImage image = filled(w, h, 0);
        float[] map = new float[w * h];
        Region a = new Region(1, 40, 60, 50, 40, 2000, 3.87f, 2f);
        Region b = new Region(2, 140, 150, 60, 50, 3000, 1.25f, 1f);
        BufferedImage first = MapExport.overlay(image, map, 0f, 4f, List.of(a, b));
        BufferedImage otherScores = MapExport.overlay(image, map, 0f, 4f, List.of(
                new Region(1, 40, 60, 50, 40, 2000, 0.12f, 0.1f), new Region(2, 140, 150, 60, 50, 3000, 9.5f, 9f)));
        assertArrayEquals(first.getRGB(0, 0, w, h, null, 0, w), otherScores.getRGB(0, 0, w, h, null, 0, w),
                "the labels do not depend on the regions' map values");
        BufferedImage swapped = MapExport.overlay(image, map, 0f, 4f, List.of(b, a));
        assertFalse(java.util.Arrays.equals(first.getRGB(0, 0, w, h, null, 0, w),
                swapped.getRGB(0, 0, w, h, null, 0, w)), "the labels follow the regions' order (1 then 2)");
    }

    @Test
    void labelsAreScaledToTheImage() {
        assertEquals(8, MapExport.labelFontSize(48, 48), "small images: a small label");
        assertEquals(10, MapExport.labelFontSize(320, 240));
        assertEquals(30, MapExport.labelFontSize(1024, 720));
        assertEquals(40, MapExport.labelFontSize(5000, 4000), "capped");
    }

    @Test
    void overlayRejectsAMapOfAnotherSize() {
        BufferedImage image = filled(4, 3, 0);
        assertThrows(IllegalArgumentException.class, () -> MapExport.overlay(image, new float[11], 0, 1, List.of()));
    }

    @Test
    void pngRoundTripAndUnwritableFolder() throws IOException {
        BufferedImage out = MapExport.overlay(filled(5, 4, 0x102030), new float[20], 0, 1, List.of());
        Path file = dir.resolve("overlay.png");
        MapExport.writePng(file, out);
        BufferedImage back = ImageIO.read(file.toFile());
        assertEquals(out.getRGB(3, 2), back.getRGB(3, 2));
        Path missing = dir.resolve("no-such-folder").resolve("overlay.png");
        AdclipException e = assertThrows(AdclipException.class, () -> MapExport.writePng(missing, out));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertNotEquals(-1, e.getMessage().indexOf("writable"));
    }

    @Test
    void overlayOfASubImageBlendsTheSubImagesOwnPixels() {
        // a sub-image shares its parent's buffer; reading that buffer as the picture took the parent's pixels
        BufferedImage parent = filled(6, 5, 0x000000);
        parent.setRGB(2, 1, 0xC86432); // (200, 100, 50): the sub-image's top-left pixel
        BufferedImage part = parent.getSubimage(2, 1, 3, 2);
        BufferedImage out = MapExport.overlay(part, new float[6], 0f, 1f, List.of());
        // jet(0) is (0, 0, 128): (200 + 0) / 2, (100 + 0) / 2, (50 + 128) / 2
        assertEquals(0x643259, out.getRGB(0, 0) & WHITE);
        assertEquals(0x000040, out.getRGB(1, 0) & WHITE, "black parent pixel: half of jet(0)");
    }

    @Test
    void writeAllWritesTheSameThreeFilesAsOneByOne() throws IOException {
        int w = 33;
        int h = 21;
        float[] map = new float[w * h];
        java.util.Random random = new java.util.Random(9);
        for (int i = 0; i < map.length; i++) {
            map[i] = random.nextFloat() * 4;
        }
        DefectRegions regions = DefectRegions.find(map, h, w, 3.5f);
        Prediction p = new Prediction(0.7, 0.3, com.adclip.Verdict.NG, map, w, h, regions.regions(), regions.mask());
        BufferedImage picture = filled(w, h, 0x336699);
        MapExport.writeAll(dir.resolve("a.npy"), dir.resolve("a_mask.png"), dir.resolve("a_overlay.png"), p, picture,
                4f);
        MapExport.writeNpy(dir.resolve("b.npy"), map, h, w);
        assertArrayEquals(Files.readAllBytes(dir.resolve("b.npy")), Files.readAllBytes(dir.resolve("a.npy")));
        BufferedImage mask = ImageIO.read(dir.resolve("a_mask.png").toFile());
        boolean[] expected = regions.mask();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(map[i] > 3.5f ? 255 : 0, mask.getRaster().getSample(i % w, i / w, 0), "mask pixel " + i);
            assertEquals(expected[i], map[i] > 3.5f);
        }
        BufferedImage overlay = ImageIO.read(dir.resolve("a_overlay.png").toFile());
        BufferedImage drawn = MapExport.overlay(picture, map, 0f, 4f, regions.regions());
        assertArrayEquals(drawn.getRGB(0, 0, w, h, null, 0, w), overlay.getRGB(0, 0, w, h, null, 0, w));
    }

    @Test
    void writeAllReportsAFileItCouldNotWrite() {
        Prediction p = new Prediction(0.1, 0.9, com.adclip.Verdict.OK, new float[4], 2, 2, List.of(), new boolean[4]);
        Path missing = dir.resolve("no-such-folder");
        AdclipException e = assertThrows(AdclipException.class, () -> MapExport.writeAll(missing.resolve("m.npy"),
                dir.resolve("m_mask.png"), dir.resolve("m_overlay.png"), p, filled(2, 2, 0), 4f));
        assertTrue(e.getMessage().contains(missing.resolve("m.npy").toString()), e.getMessage());
    }

    private static BufferedImage filled(int w, int h, int rgb) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    private static int python(String script) throws Exception {
        return python(script, new ArrayList<>());
    }

    private static int python(String script, List<String> out, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("python3", "-c", script));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return -1; // no python3 on PATH
        }
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            reader.lines().forEach(out::add);
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }
}
