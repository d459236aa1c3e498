package com.adclip.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticAnomalyTest {

    private static List<BufferedImage> goods() {
        BufferedImage flat = new BufferedImage(96, 80, BufferedImage.TYPE_INT_RGB);
        BufferedImage ramp = new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 80; y++) {
            for (int x = 0; x < 96; x++) {
                flat.setRGB(x, y, 0x808080);
                if (x < 64 && y < 64) {
                    ramp.setRGB(x, y, (x * 4 << 16) | (y * 4 << 8) | 90);
                }
            }
        }
        BufferedImage product = SampleRenderer.render(SynthGenerator.PRODUCTS.get(2), 128, 3, null).image();
        return List.of(flat, ramp, product);
    }

    @Test
    void maskIsNonEmptyInRangeAndTheImageChangesOnlyInsideIt() {
        Set<String> kinds = new HashSet<>();
        for (BufferedImage good : goods()) {
            int[] before = good.getRGB(0, 0, good.getWidth(), good.getHeight(), null, 0, good.getWidth());
            for (long seed = 0; seed < 12; seed++) {
                SyntheticAnomaly.Result r = SyntheticAnomaly.apply(good, seed);
                kinds.add(r.kind());
                int w = good.getWidth();
                int h = good.getHeight();
                assertEquals(w, r.image().getWidth());
                assertEquals(h, r.mask().getHeight());
                assertEquals(BufferedImage.TYPE_BYTE_GRAY, r.mask().getType());
                int area = 0;
                int changedInside = 0;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int m = r.mask().getRaster().getSample(x, y, 0);
                        assertTrue(m == 0 || m == 255);
                        boolean changed = r.image().getRGB(x, y) != good.getRGB(x, y);
                        if (m == 255) {
                            area++;
                            changedInside += changed ? 1 : 0;
                        } else {
                            assertFalse(changed, "seed " + seed + ": " + x + "," + y + " changed outside the mask");
                        }
                    }
                }
                double fraction = area / (double) (w * h);
                assertTrue(fraction >= SyntheticAnomaly.MIN_AREA && fraction <= SyntheticAnomaly.MAX_AREA,
                        "seed " + seed + ": area " + fraction);
                // a colour shift of a flat grey image can leave a few pixels equal; most must change
                assertTrue(changedInside >= 0.5 * area, "seed " + seed + ": " + changedInside + " of " + area
                        + " mask pixels changed (" + r.kind() + ")");
            }
            assertArrayEquals(before, good.getRGB(0, 0, good.getWidth(), good.getHeight(), null, 0, good.getWidth()),
                    "the input is not modified");
        }
        assertEquals(Set.of("texture", "colour", "patch"), kinds);
    }

    @Test
    void sameSeedSameResultOtherSeedOtherResult() {
        BufferedImage good = goods().get(2);
        SyntheticAnomaly.Result a = SyntheticAnomaly.apply(good, 42);
        SyntheticAnomaly.Result b = SyntheticAnomaly.apply(good, 42);
        SyntheticAnomaly.Result c = SyntheticAnomaly.apply(good, 43);
        assertArrayEquals(pixels(a.image()), pixels(b.image()));
        assertArrayEquals(pixels(a.mask()), pixels(b.mask()));
        assertEquals(a.kind(), b.kind());
        assertFalse(java.util.Arrays.equals(pixels(a.mask()), pixels(c.mask())));
    }

    @Test
    void writesImageAndMaskPngs(@TempDir Path tmp) throws Exception {
        SyntheticAnomaly.Result r = SyntheticAnomaly.apply(goods().get(0), 1);
        SyntheticAnomaly.write(r, tmp.resolve("a/img.png"), tmp.resolve("a/img_mask.png"));
        assertArrayEquals(pixels(r.image()), pixels(ImageIO.read(tmp.resolve("a/img.png").toFile())));
        BufferedImage mask = ImageIO.read(tmp.resolve("a/img_mask.png").toFile());
        assertArrayEquals(pixels(r.mask()), pixels(mask));
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }
}
