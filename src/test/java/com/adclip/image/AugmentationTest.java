package com.adclip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.adclip.image.Augmentation.Box;
import com.adclip.image.Augmentation.View;
import com.adclip.image.PreprocessConfig.ResizeMode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AugmentationTest {

    private static final int S = 32;
    private static final int BRIGHT = 250;

    @TempDir
    Path dir;

    // ---- synthetic images ----

    /** Noisy RGB image (values 0..149 per channel) with a bright square [x0, x0+w) × [y0, y0+h). */
    private static BufferedImage image(int width, int height, int x0, int y0, int w, int h, long seed) {
        Random random = new Random(seed);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                boolean in = x >= x0 && x < x0 + w && y >= y0 && y < y0 + h;
                int r = in ? BRIGHT : random.nextInt(150);
                int g = in ? BRIGHT : random.nextInt(150);
                int b = in ? BRIGHT : random.nextInt(150);
                img.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return img;
    }

    /** Mask (255 inside, 0 outside) of the same square. */
    private static BufferedImage mask(int width, int height, int x0, int y0, int w, int h) {
        BufferedImage m = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                m.getRaster().setSample(x, y, 0, 255);
            }
        }
        return m;
    }

    private Path png(BufferedImage image, String name) throws IOException {
        Path file = dir.resolve(name);
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    private static Augmentation augmentation(AugmentationConfig config, int size, ResizeMode mode) {
        return new Augmentation(config, new ImagePreprocessor(PreprocessConfig.of(size, mode)));
    }

    /** The red channel of pixel (x, y) back in 8-bit levels. */
    private static double red(View view, int x, int y) {
        PreprocessConfig c = PreprocessConfig.reference(view.size());
        return (view.pixels()[y * view.size() + x] * c.std()[0] + c.mean()[0]) * 255.0;
    }

    // ---- reproducibility ----

    @Test
    void sameSeedGivesTheSameViewBitForBit() throws IOException {
        Path file = png(image(80, 60, 10, 12, 20, 15, 1), "a.png");
        BufferedImage m = mask(80, 60, 10, 12, 20, 15);
        Augmentation aug = augmentation(AugmentationConfig.defaults(), S, ResizeMode.SQUASH);
        for (long seed : new long[] {0, 7, -123456789L}) {
            View a = aug.apply(file, m, seed);
            View b = aug.apply(aug.load(file, m), seed);
            assertArrayEquals(a.pixels(), b.pixels(), "pixels, seed " + seed);
            assertArrayEquals(a.mask(), b.mask(), "mask, seed " + seed);
            assertEquals(3 * S * S, a.pixels().length);
            assertEquals(S * S, a.mask().length);
        }
    }

    @Test
    void differentSeedsGiveDifferentViews() throws IOException {
        Path file = png(image(80, 60, 10, 12, 20, 15, 2), "b.png");
        Augmentation aug = augmentation(AugmentationConfig.defaults(), S, ResizeMode.SQUASH);
        Augmentation.Source source = aug.load(file, mask(80, 60, 10, 12, 20, 15));
        float[][] views = new float[6][];
        for (int i = 0; i < views.length; i++) {
            views[i] = aug.apply(source, Augmentation.seed(42, 0, i)).pixels();
            for (int j = 0; j < i; j++) {
                assertFalse(Arrays.equals(views[i], views[j]), "views " + j + " and " + i + " are equal");
            }
        }
    }

    @Test
    void derivedSeedsAreDeterministicAndDistinct() {
        assertEquals(Augmentation.seed(1, 2, 3), Augmentation.seed(1, 2, 3));
        Set<Long> seen = new HashSet<>();
        for (long run = 0; run < 3; run++) {
            for (long epoch = 0; epoch < 10; epoch++) {
                for (long index = 0; index < 10; index++) {
                    assertTrue(seen.add(Augmentation.seed(run, epoch, index)), run + "/" + epoch + "/" + index);
                }
            }
        }
        assertNotEquals(Augmentation.seed(0, 1, 2), Augmentation.seed(0, 2, 1));
    }

    // ---- identity ----

    @Test
    void identityConfigEqualsThePlainPreprocessing() throws IOException {
        Path rgb = png(image(70, 50, 5, 6, 30, 20, 3), "rgb.png");
        BufferedImage rgbMask = mask(70, 50, 5, 6, 30, 20);
        BufferedImage grey = new BufferedImage(45, 61, BufferedImage.TYPE_BYTE_GRAY);
        Random random = new Random(4);
        for (int y = 0; y < 61; y++) {
            for (int x = 0; x < 45; x++) {
                grey.getRaster().setSample(x, y, 0, random.nextInt(256));
            }
        }
        Path l = png(grey, "grey.png");
        BufferedImage lMask = mask(45, 61, 3, 40, 9, 7);
        assertTrue(AugmentationConfig.none().isIdentity());
        try (NDManager manager = NDManager.newBaseManager()) {
            for (ResizeMode mode : ResizeMode.values()) {
                for (int size : new int[] {S, 50}) {
                    ImagePreprocessor plain = new ImagePreprocessor(PreprocessConfig.of(size, mode));
                    Augmentation aug = new Augmentation(AugmentationConfig.none(), plain);
                    for (Object[] c : new Object[][] {{rgb, rgbMask}, {l, lMask}}) {
                        Path file = (Path) c[0];
                        BufferedImage m = (BufferedImage) c[1];
                        View view = aug.apply(file, m, 99);
                        String what = file.getFileName() + " " + mode + " " + size;
                        assertArrayEquals(plain.preprocess(file).pixels(), view.pixels(), what);
                        assertArrayEquals(plain.mask(manager, m).toFloatArray(), view.mask(), what);
                        assertNull(aug.apply(file, null, 99).mask());
                    }
                }
            }
        }
    }

    // ---- geometry keeps the mask aligned ----

    /** Image and mask S×S (no resampling), square at (3..8, 5..12): every flip/turn is a pure permutation. */
    private void assertAligned(AugmentationConfig config, long seed, int turnsCcw, boolean flipH, boolean flipV)
            throws IOException {
        int x0 = 3;
        int y0 = 5;
        int w = 6;
        int h = 8;
        Path file = png(image(S, S, x0, y0, w, h, 5), "sq.png");
        View view = augmentation(config, S, ResizeMode.SQUASH).apply(file, mask(S, S, x0, y0, w, h), seed);
        int ones = 0;
        for (int y = 0; y < S; y++) {
            for (int x = 0; x < S; x++) {
                // where (x, y) of the output came from: undo the turns (counter-clockwise), then the flips
                int sx = x;
                int sy = y;
                for (int k = 0; k < turnsCcw; k++) { // inverse of (x, y) -> (y, S-1-x) is (x, y) -> (S-1-y, x)
                    int t = sx;
                    sx = S - 1 - sy;
                    sy = t;
                }
                if (flipV) {
                    sy = S - 1 - sy;
                }
                if (flipH) {
                    sx = S - 1 - sx;
                }
                boolean expected = sx >= x0 && sx < x0 + w && sy >= y0 && sy < y0 + h;
                float m = view.mask()[y * S + x];
                assertEquals(expected ? 1f : 0f, m, "mask at (" + x + "," + y + ")");
                assertEquals(expected, red(view, x, y) > 200, "bright pixel at (" + x + "," + y + ")");
                ones += (int) m;
            }
        }
        assertEquals(w * h, ones);
    }

    @Test
    void flipsKeepTheMaskAligned() throws IOException {
        AugmentationConfig none = AugmentationConfig.none();
        assertAligned(none.withFlips(1, 0), 1, 0, true, false);
        assertAligned(none.withFlips(0, 1), 2, 0, false, true);
        assertAligned(none.withFlips(1, 1), 3, 0, true, true);
    }

    @Test
    void rotationsKeepTheMaskAlignedAndAllFourOccur() throws IOException {
        Augmentation aug = augmentation(AugmentationConfig.none().withRotate90(true), S, ResizeMode.SQUASH);
        Set<Integer> turns = new HashSet<>();
        for (long seed = 0; seed < 40 && turns.size() < 4; seed++) {
            int k = aug.plan(seed, S, S).quarterTurns();
            turns.add(k);
            assertAligned(aug.config(), seed, k, false, false);
        }
        assertEquals(Set.of(0, 1, 2, 3), turns);
    }

    @Test
    void flipProbabilityIsRespected() {
        Augmentation aug = augmentation(AugmentationConfig.none().withFlips(0.5, 0), S, ResizeMode.SQUASH);
        int flipped = 0;
        for (long seed = 0; seed < 400; seed++) {
            flipped += aug.plan(seed, 10, 10).horizontalFlip() ? 1 : 0;
        }
        assertTrue(flipped > 140 && flipped < 260, "flips in 400 draws: " + flipped);
    }

    @Test
    void cropMatchesPreprocessingTheCroppedImageAndKeepsTheMaskAligned() throws IOException {
        int width = 120;
        int height = 90;
        BufferedImage img = image(width, height, 40, 30, 36, 28, 6);
        BufferedImage m = mask(width, height, 40, 30, 36, 28);
        Path file = png(img, "crop.png");
        ImagePreprocessor plain = new ImagePreprocessor(PreprocessConfig.reference(S));
        Augmentation aug = new Augmentation(AugmentationConfig.none().withRandomCrop(true), plain);
        Set<Box> boxes = new HashSet<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            for (long seed = 0; seed < 6; seed++) {
                Box box = aug.plan(seed, width, height).crop();
                assertNotNull(box);
                boxes.add(box);
                double area = (double) box.width() * box.height() / (width * height);
                double aspect = (double) box.width() / box.height();
                assertTrue(area > 0.55 && area <= 1.0, "area fraction " + area);
                assertTrue(aspect > 0.74 && aspect < 1.35, "aspect " + aspect);
                View view = aug.apply(file, m, seed);
                Path cropped = png(img.getSubimage(box.left(), box.top(), box.width(), box.height()),
                        "c" + seed + ".png");
                BufferedImage croppedMask = m.getSubimage(box.left(), box.top(), box.width(), box.height());
                assertArrayEquals(plain.preprocess(cropped).pixels(), view.pixels(), "pixels, seed " + seed);
                assertArrayEquals(plain.mask(manager, croppedMask).toFloatArray(), view.mask(), "mask, seed " + seed);
                assertMaskOnBrightPixels(view, "seed " + seed + " " + box);
            }
        }
        assertTrue(boxes.size() > 1, "the crop box never changes: " + boxes);
    }

    @Test
    void cropOfALargerMaskUsesTheProportionalBox() throws IOException {
        Path file = png(image(60, 40, 20, 10, 20, 16, 7), "small.png");
        BufferedImage big = mask(120, 80, 40, 20, 40, 32);
        Augmentation aug = augmentation(AugmentationConfig.none().withRandomCrop(true), S, ResizeMode.SQUASH);
        for (long seed = 0; seed < 4; seed++) {
            View view = aug.apply(file, big, seed);
            assertMaskOnBrightPixels(view, "seed " + seed);
        }
    }

    /**
     * After resampling, edge pixels mix square and background (the image by BICUBIC, the mask by BILINEAR),
     * so alignment is checked statistically: the mask's 1s sit on bright pixels (square 250, background
     * 0..149, mean 75) and its 0s mostly on dark ones; a shift by even one output pixel breaks the means.
     */
    private static void assertMaskOnBrightPixels(View view, String what) {
        double onSum = 0;
        double offSum = 0;
        int on = 0;
        for (int i = 0; i < S * S; i++) {
            double r = red(view, i % S, i / S);
            if (view.mask()[i] == 1f) {
                on++;
                onSum += r;
                assertTrue(r > 120, "defect pixel " + i + " dark (" + r + "), " + what);
            } else {
                offSum += r;
            }
        }
        assertTrue(on > 20, "mask ones " + on + ", " + what);
        assertTrue(onSum / on > 215, "mean under the mask " + onSum / on + ", " + what);
        assertTrue(offSum / (S * S - on) < 100, "mean outside the mask " + offSum / (S * S - on) + ", " + what);
    }

    @Test
    void cropFallsBackToTorchvisionsCentralCrop() {
        // scale (1, 1), ratio (4/3, 4/3) on 100x100: w = round(sqrt(10000 * 4/3)) = 115 > 100 on every attempt;
        // in_ratio 1 < 4/3, so w = 100, h = round(100 / (4/3)) = 75, top = (100 - 75) // 2 = 12, left = 0
        AugmentationConfig square =
                AugmentationConfig.none().withRandomCrop(true).withCropRanges(1, 1, 4 / 3.0, 4 / 3.0);
        assertEquals(new Box(0, 12, 100, 75), augmentation(square, S, ResizeMode.SQUASH).plan(5, 100, 100).crop());
        // scale (1, 1), ratio (3/4, 4/3) on 200x100: h = sqrt(20000 / r) >= 122 > 100 always; in_ratio 2 > 4/3,
        // so h = 100, w = round(100 * 4/3) = 133, left = (200 - 133) // 2 = 33
        AugmentationConfig wide = AugmentationConfig.none().withRandomCrop(true).withCropRanges(1, 1, 0.75, 4 / 3.0);
        assertEquals(new Box(33, 0, 133, 100), augmentation(wide, S, ResizeMode.SQUASH).plan(5, 200, 100).crop());
    }

    // ---- colour jitter ----

    @Test
    void jitterChangesPixelsButNotTheMask() throws IOException {
        Path file = png(image(50, 40, 10, 10, 12, 9, 8), "j.png");
        BufferedImage m = mask(50, 40, 10, 10, 12, 9);
        ImagePreprocessor plain = new ImagePreprocessor(PreprocessConfig.reference(S));
        Augmentation aug = new Augmentation(AugmentationConfig.none().withJitter(0.2, 0.2, 0.2), plain);
        float[] plainPixels = plain.preprocess(file).pixels();
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] plainMask = plain.mask(manager, m).toFloatArray();
            for (long seed = 0; seed < 4; seed++) {
                View view = aug.apply(file, m, seed);
                assertArrayEquals(plainMask, view.mask(), "mask, seed " + seed);
                assertFalse(Arrays.equals(plainPixels, view.pixels()), "pixels unchanged, seed " + seed);
                assertEquals(3, aug.plan(seed, 50, 40).jitters().size());
            }
        }
        Set<String> orders = new HashSet<>();
        for (long seed = 0; seed < 60; seed++) {
            orders.add(aug.plan(seed, 50, 40).jitters().stream().map(j -> j.kind().name()).toList().toString());
        }
        assertEquals(6, orders.size(), "jitter orders seen: " + orders);
        for (long seed = 0; seed < 60; seed++) {
            for (Augmentation.Jitter j : aug.plan(seed, 50, 40).jitters()) {
                assertTrue(j.factor() >= 0.8f && j.factor() <= 1.2f, j.toString());
            }
        }
    }

    @Test
    void jitterArithmeticIsPillows() {
        byte[] blackWhite = bytes(0, 0, 0, 255, 255, 255);
        // Contrast: L mean (0 + 255) / 2 = 127.5 -> int(128.0) = 128; 128 + 0.5 (0 - 128) = 64,
        // 128 + 0.5 (255 - 128) = 191.5 -> 191
        assertArrayEquals(bytes(64, 64, 64, 191, 191, 191), Augmentation.contrast(blackWhite, 0.5f));
        // Color: L of (255, 0, 0) = (255 * 19595 + 32768) >> 16 = 76; 76 + 0.5 (255 - 76) = 165.5 -> 165,
        // 76 + 0.5 (0 - 76) = 38
        assertArrayEquals(bytes(165, 38, 38), Augmentation.saturation(bytes(255, 0, 0), 0.5f));
        assertArrayEquals(bytes(76, 76, 76), Augmentation.saturation(bytes(255, 0, 0), 0f));
        // Brightness: 0 + f (v - 0), clipped to [0, 255] and truncated
        assertArrayEquals(bytes(255, 150, 0), Augmentation.brightness(bytes(200, 100, 0), 1.5f));
        // 0.8f = 0.800000011920929: 80.80000 -> 80, 8.8000001 -> 8, 204.0000030 -> 204
        assertArrayEquals(bytes(80, 8, 204), Augmentation.brightness(bytes(101, 11, 255), 0.8f));
        assertArrayEquals(bytes(1, 2, 3), Augmentation.brightness(bytes(1, 2, 3), 1f));
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    // ---- config ----

    @Test
    void configDefaultsAndValidation() {
        AugmentationConfig d = AugmentationConfig.defaults();
        assertEquals(0.6, d.minScale());
        assertEquals(1.0, d.maxScale());
        assertEquals(0.75, d.minAspect());
        assertEquals(4 / 3.0, d.maxAspect());
        assertEquals(0.5, d.horizontalFlip());
        assertEquals(0.5, d.verticalFlip());
        assertTrue(d.randomCrop() && d.rotate90());
        assertEquals(0.2, d.brightness());
        assertEquals(0.2, d.contrast());
        assertEquals(0.2, d.saturation());
        assertFalse(d.isIdentity());

        AugmentationConfig n = AugmentationConfig.none();
        for (Supplier<AugmentationConfig> bad : java.util.List.<Supplier<AugmentationConfig>>of(
                () -> n.withCropRanges(0, 1, 0.75, 4 / 3.0),
                () -> n.withCropRanges(0.8, 0.6, 0.75, 4 / 3.0),
                () -> n.withCropRanges(0.6, 1.1, 0.75, 4 / 3.0),
                () -> n.withCropRanges(Double.NaN, 1, 0.75, 4 / 3.0),
                () -> n.withCropRanges(0.6, 1, 0, 4 / 3.0),
                () -> n.withCropRanges(0.6, 1, 1.5, 1.2),
                () -> n.withCropRanges(0.6, 1, 0.75, Double.POSITIVE_INFINITY),
                () -> n.withFlips(1.5, 0),
                () -> n.withFlips(0, -0.1),
                () -> n.withFlips(Double.NaN, 0),
                () -> n.withJitter(-0.1, 0, 0),
                () -> n.withJitter(0, Double.NaN, 0),
                () -> n.withJitter(0, 0, Double.POSITIVE_INFINITY))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::get);
            assertTrue(e.getMessage().startsWith("augmentation "), e.getMessage());
        }
        assertThrows(NullPointerException.class, () -> new Augmentation(n, null));
        assertThrows(NullPointerException.class,
                () -> new Augmentation(null, new ImagePreprocessor(PreprocessConfig.reference(S))));
    }

    @Test
    void masksMustBeOneByteBand() throws IOException {
        Path file = png(image(20, 20, 2, 2, 4, 4, 9), "m.png");
        Augmentation aug = augmentation(AugmentationConfig.defaults(), S, ResizeMode.SQUASH);
        BufferedImage rgbMask = new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB);
        assertThrows(IllegalArgumentException.class, () -> aug.apply(file, rgbMask, 1));
    }
}
