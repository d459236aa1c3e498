package com.adclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.AdclipException;
import com.adclip.image.PillowImage.Mode;
import com.adclip.image.PreprocessConfig.ResizeMode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Letterbox geometry, EXIF orientation, crop semantics, bad input. */
class ImagePreprocessorGeometryTest {
    private static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    private static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

    @TempDir
    Path tmp;

    private static float norm(int level, int c) {
        return (level / 255f - MEAN[c]) / STD[c];
    }

    private Path solid(String name, int w, int h, int rgb) throws Exception {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        Path f = tmp.resolve(name);
        ImageIO.write(image, "png", f.toFile());
        return f;
    }

    @Test
    void letterboxScalesTheLongestSideAndPadsCentred() throws Exception {
        int[] colour = {200, 100, 50};
        ImagePreprocessor pre = new ImagePreprocessor(PreprocessConfig.of(32, ResizeMode.LETTERBOX));
        // 40x20 -> 32x16, pad_h = 16: rows 0..7 and 24..31 are padding
        ImagePreprocessor.Preprocessed wide = pre.preprocess(solid("wide.png", 40, 20, 0xC86432));
        assertEquals(40, wide.originalWidth());
        assertEquals(20, wide.originalHeight());
        // 20x40 -> 16x32 (left 8), 30x20 -> 32x21 (round(21.33)), pad_h = 11: top 5, bottom 6
        ImagePreprocessor.Preprocessed tall = pre.preprocess(solid("tall.png", 20, 40, 0xC86432));
        ImagePreprocessor.Preprocessed odd = pre.preprocess(solid("odd.png", 30, 20, 0xC86432));
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    int i = c * 32 * 32 + y * 32 + x;
                    assertEquals(norm(y >= 8 && y < 24 ? colour[c] : 0, c), wide.pixels()[i], "wide " + c + "," + y + "," + x);
                    assertEquals(norm(x >= 8 && x < 24 ? colour[c] : 0, c), tall.pixels()[i], "tall " + c + "," + y + "," + x);
                    assertEquals(norm(y >= 5 && y < 26 ? colour[c] : 0, c), odd.pixels()[i], "odd " + c + "," + y + "," + x);
                }
            }
        }
    }

    @Test
    void squashIgnoresAspectRatio() throws Exception {
        ImagePreprocessor pre = new ImagePreprocessor(PreprocessConfig.reference(32));
        float[] p = pre.preprocess(solid("wide.png", 40, 20, 0xC86432)).pixels();
        assertEquals(norm(200, 0), p[0]);
        assertEquals(norm(50, 2), p[3 * 32 * 32 - 1]);
    }

    @Test
    void centerCropPadsThenCropsLikeTorchvision() {
        byte[] data = new byte[5 * 3];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i + 1);
        }
        PillowImage img = new PillowImage(Mode.L, 5, 3, data, null);
        // 5x3 -> 3x3: left = round(1.0) = 1
        assertArrayEquals(new byte[] {2, 3, 4, 7, 8, 9, 12, 13, 14}, ImagePreprocessor.centerCrop(img, 3, 3).data());
        // 5x3 -> 5x6: pad top (6-3)//2 = 1, bottom 2
        byte[] padded = ImagePreprocessor.centerCrop(img, 5, 6).data();
        byte[] want = new byte[30];
        System.arraycopy(data, 0, want, 5, 15);
        assertArrayEquals(want, padded);
    }

    @Test
    void exifOrientationIsAppliedBeforeResizing() throws Exception {
        // stored 16x8: left half white, right half black; orientation 6 = rotate 90 degrees clockwise
        BufferedImage image = new BufferedImage(16, 8, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 16; x++) {
                image.setRGB(x, y, x < 8 ? 0xFFFFFF : 0);
            }
        }
        Path plain = tmp.resolve("plain.jpg");
        ImageIO.write(image, "jpeg", plain.toFile());
        byte[] exif = {(byte) 0xFF, (byte) 0xE1, 0, 34, 'E', 'x', 'i', 'f', 0, 0,
            'I', 'I', 42, 0, 8, 0, 0, 0, // TIFF header, IFD0 at 8
            1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, // one entry: Orientation (SHORT) = 6
            0, 0, 0, 0};
        byte[] b = Files.readAllBytes(plain);
        byte[] out = new byte[b.length + exif.length];
        System.arraycopy(b, 0, out, 0, 2);
        System.arraycopy(exif, 0, out, 2, exif.length);
        System.arraycopy(b, 2, out, 2 + exif.length, b.length - 2);
        Path rotated = tmp.resolve("rotated.jpg");
        Files.write(rotated, out);
        assertEquals(6, ImageLoader.orientation(rotated, "jpeg"));
        assertEquals(1, ImageLoader.orientation(plain, "jpeg"));

        ImagePreprocessor pre = new ImagePreprocessor(PreprocessConfig.of(16, ResizeMode.LETTERBOX));
        ImagePreprocessor.Preprocessed p = pre.preprocess(rotated);
        assertEquals(8, p.originalWidth());
        assertEquals(16, p.originalHeight());
        // upright 8x16 in 16x16: content in columns 4..11, white on top, black below
        float[] px = p.pixels();
        assertEquals(norm(0, 0), px[5 * 16 + 1], "padding");
        assertEquals(norm(255, 0), px[2 * 16 + 7], norm(3, 0) - norm(0, 0), "top is white");
        assertEquals(norm(0, 0), px[13 * 16 + 7], norm(3, 0) - norm(0, 0), "bottom is black");
        ImagePreprocessor.Preprocessed unrotated = pre.preprocess(plain);
        assertEquals(16, unrotated.originalWidth());
    }

    @Test
    void maskIsBinarisedResizedBilinearAndThresholded() throws Exception {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setSample(2, 2, 0, 1); // any non-zero value counts as defect, as in the reference
        image.getRaster().setSample(3, 2, 0, 255);
        Path f = tmp.resolve("mask.png");
        ImageIO.write(image, "png", f.toFile());
        float[] m = new ImagePreprocessor(PreprocessConfig.reference(8)).maskValues(f);
        float[] want = new float[64];
        want[2 * 8 + 2] = 1;
        want[2 * 8 + 3] = 1;
        assertArrayEquals(want, m);
    }

    @Test
    void badFilesFailWithTheirNameAndReason() throws Exception {
        ImagePreprocessor pre = new ImagePreprocessor(PreprocessConfig.reference(16));
        Path garbage = tmp.resolve("garbage.png");
        Files.writeString(garbage, "this is not an image");
        AdclipException e = assertThrows(AdclipException.class, () -> pre.preprocess(garbage));
        assertTrue(e.getMessage().contains(garbage.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not a supported image format"), e.getMessage());

        BufferedImage noise = new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR);
        Random random = new Random(1);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                noise.setRGB(x, y, random.nextInt());
            }
        }
        Path whole = tmp.resolve("whole.png");
        ImageIO.write(noise, "png", whole.toFile());
        byte[] bytes = Files.readAllBytes(whole);
        Path truncated = tmp.resolve("truncated.png");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        e = assertThrows(AdclipException.class, () -> pre.preprocess(truncated));
        assertTrue(e.getMessage().startsWith("cannot read image " + truncated + ": "), e.getMessage());

        Path jpeg = tmp.resolve("whole.jpg");
        ImageIO.write(noise, "jpeg", jpeg.toFile());
        bytes = Files.readAllBytes(jpeg);
        Path truncatedJpeg = tmp.resolve("truncated.jpg");
        Files.write(truncatedJpeg, Arrays.copyOf(bytes, bytes.length / 2));
        e = assertThrows(AdclipException.class, () -> pre.preprocess(truncatedJpeg));
        assertTrue(e.getMessage().contains(truncatedJpeg.toString()), e.getMessage());

        Path missing = tmp.resolve("missing.png");
        e = assertThrows(AdclipException.class, () -> pre.preprocess(missing));
        assertTrue(e.getMessage().contains(missing + " does not exist"), e.getMessage());
    }

    @Test
    void configIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> PreprocessConfig.reference(0));
        assertThrows(IllegalArgumentException.class,
                () -> new PreprocessConfig(8, ResizeMode.SQUASH, new float[] {0, 0}, new float[] {1, 1, 1}));
        assertThrows(IllegalArgumentException.class,
                () -> new PreprocessConfig(8, ResizeMode.SQUASH, new float[] {0, 0, 0}, new float[] {1, 0, 1}));
        assertEquals(PreprocessConfig.reference(8), PreprocessConfig.of(8, ResizeMode.SQUASH));
        assertArrayEquals(MEAN, PreprocessConfig.reference(8).mean());
    }
}
