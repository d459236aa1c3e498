package com.adclip.synth;

import com.adclip.AdclipException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * DRAEM-style synthetic anomalies for training without real defects: a region from thresholded Perlin noise
 * (random scale 2^0..2^5 lattice cells per axis, random rotation in [-90°, 90°), threshold 0.5, as DRAEM) is
 * blended with an anomaly source: a procedural texture (noise or stripes), a colour shift of the image itself,
 * or another area of the same image. Inside the region the result is {@code (1 - β) · source + β · image}
 * with β in [0, 0.8) as DRAEM's code draws it (so the anomaly's opacity is above 0.2); outside it the image
 * is unchanged, bit for bit. A source that hardly changes the region (mean change under 12 grey levels, e.g.
 * a patch of a flat image) is redrawn, up to 20 times. The mask is never empty and covers
 * {@value #MIN_AREA} to {@value #MAX_AREA} of the image (regions outside that range are redrawn).
 * Deterministic from the seed; thread-safe.
 */
public final class SyntheticAnomaly {

    /** Least fraction of the image the mask covers. */
    public static final double MIN_AREA = 0.005;
    /** Largest fraction of the image the mask covers. */
    public static final double MAX_AREA = 0.35;
    private static final int ATTEMPTS = 50;
    private static final int SOURCE_ATTEMPTS = 20;
    /** Least mean change (largest channel difference, grey levels) over the mask for a source to be used. */
    private static final double MIN_MEAN_CHANGE = 12;

    /**
     * An image with a pasted anomaly.
     *
     * @param image the new image ({@code TYPE_INT_RGB}, the size of the input)
     * @param mask {@code TYPE_BYTE_GRAY}, 255 where the anomaly is, else 0
     * @param kind {@code texture}, {@code colour} or {@code patch} (the anomaly source)
     */
    public record Result(BufferedImage image, BufferedImage mask, String kind) {
        public Result {
            Objects.requireNonNull(image, "image");
            Objects.requireNonNull(mask, "mask");
            Objects.requireNonNull(kind, "kind");
        }
    }

    private SyntheticAnomaly() {}

    /** Pastes an anomaly into {@code good} (any image type; read as RGB); the input is not modified. */
    public static Result apply(BufferedImage good, long seed) {
        int w = good.getWidth();
        int h = good.getHeight();
        if (w < 8 || h < 8) {
            throw new IllegalArgumentException("image too small for a synthetic anomaly: " + w + "x" + h);
        }
        Random r = new Random(seed);
        boolean[] region = region(w, h, r);
        int[] rgb = good.getRGB(0, 0, w, h, null, 0, w);
        int[] out = null;
        int kindIndex = 0;
        // redraw the source while it hardly shows (e.g. a patch of a flat image, a near-identity colour shift)
        for (int attempt = 0; attempt < SOURCE_ATTEMPTS && out == null; attempt++) {
            kindIndex = r.nextInt(3);
            int[] source = switch (kindIndex) {
                case 0 -> texture(w, h, r);
                case 1 -> colourShift(rgb, r);
                default -> patch(rgb, w, h, r);
            };
            double beta = 0.8 * r.nextDouble();
            int[] candidate = rgb.clone();
            long diff = 0;
            int area = 0;
            for (int i = 0; i < candidate.length; i++) {
                if (region[i]) {
                    candidate[i] = blend(source[i], rgb[i], beta);
                    diff += difference(candidate[i], rgb[i]);
                    area++;
                }
            }
            if (diff >= MIN_MEAN_CHANGE * area || attempt == SOURCE_ATTEMPTS - 1) {
                out = candidate;
            }
        }
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, w, h, out, 0, w);
        return new Result(image, Pixels.mask(region, w, h), new String[] {"texture", "colour", "patch"}[kindIndex]);
    }

    /** Writes {@code result} as {@code image} (PNG) and {@code mask} (0/255 grey PNG), creating folders. */
    public static void write(Result result, Path image, Path mask) {
        for (Object[] item : new Object[][] {{result.image(), image}, {result.mask(), mask}}) {
            Path file = ((Path) item[1]).toAbsolutePath();
            try {
                Files.createDirectories(file.getParent());
                if (!ImageIO.write((BufferedImage) item[0], "png", file.toFile())) {
                    throw new AdclipException("cannot write " + file + ": no PNG writer");
                }
            } catch (IOException e) {
                throw new AdclipException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** DRAEM's region: Perlin noise at scale 2^[0,6) per axis, rotated, above 0.5; redrawn until the area fits. */
    static boolean[] region(int w, int h, Random r) {
        double min = MIN_AREA * w * h;
        double max = MAX_AREA * w * h;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int sx = 1 << r.nextInt(6);
            int sy = 1 << r.nextInt(6);
            double angle = Math.toRadians(-90 + 180 * r.nextDouble());
            Perlin noise = new Perlin(r.nextLong());
            double cos = Math.cos(angle);
            double sin = Math.sin(angle);
            boolean[] mask = new boolean[w * h];
            int area = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    // rotate the sample point about the centre, then map the image onto sx × sy lattice cells
                    double u = x + 0.5 - w / 2.0;
                    double v = y + 0.5 - h / 2.0;
                    double ru = (u * cos - v * sin) / w + 0.5;
                    double rv = (u * sin + v * cos) / h + 0.5;
                    if (noise.noise(ru * sx, rv * sy) > 0.5) {
                        mask[y * w + x] = true;
                        area++;
                    }
                }
            }
            if (area >= min && area <= max) {
                return mask;
            }
        }
        return fallback(w, h, r, min);
    }

    /** After many draws out of range: an ellipse of about twice the least area (rare; keeps the mask non-empty). */
    private static boolean[] fallback(int w, int h, Random r, double min) {
        boolean[] mask = new boolean[w * h];
        double a = Math.sqrt(2 * min / Math.PI) * 1.3;
        double b = 2 * min / (Math.PI * a);
        double cx = w * (0.25 + 0.5 * r.nextDouble());
        double cy = h * (0.25 + 0.5 * r.nextDouble());
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double u = (x + 0.5 - cx) / a;
                double v = (y + 0.5 - cy) / b;
                mask[y * w + x] = u * u + v * v < 1;
            }
        }
        return mask;
    }

    /** A procedural texture: coloured fractal noise, or stripes of two colours with a noisy edge. */
    private static int[] texture(int w, int h, Random r) {
        Perlin noise = new Perlin(r.nextLong());
        int[] c1 = randomColour(r);
        int[] c2 = randomColour(r);
        boolean stripes = r.nextBoolean();
        double period = 4 + 20 * r.nextDouble();
        double angle = Math.PI * r.nextDouble();
        double cell = 4 + 28 * r.nextDouble();
        int[] out = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double t;
                if (stripes) {
                    double along = x * Math.cos(angle) + y * Math.sin(angle) + 3 * noise.noise(x / cell, y / cell);
                    t = 0.5 + 0.5 * Math.sin(2 * Math.PI * along / period);
                } else {
                    t = 0.5 + 0.5 * noise.fbm(x / cell, y / cell, 4);
                }
                t = Math.max(0, Math.min(1, t));
                out[y * w + x] = pack(c1[0] + t * (c2[0] - c1[0]), c1[1] + t * (c2[1] - c1[1]),
                        c1[2] + t * (c2[2] - c1[2]));
            }
        }
        return out;
    }

    private static int[] randomColour(Random r) {
        return new int[] {r.nextInt(256), r.nextInt(256), r.nextInt(256)};
    }

    /** The image with its colours changed: a channel mix, gain and offset (like DRAEM's colour augmentations). */
    private static int[] colourShift(int[] rgb, Random r) {
        int[] perm = {0, 1, 2};
        for (int i = 2; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        boolean invert = r.nextDouble() < 0.25;
        double gain = 0.5 + r.nextDouble();
        double[] offset = {r.nextInt(121) - 60, r.nextInt(121) - 60, r.nextInt(121) - 60};
        int[] out = new int[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            int[] c = {(rgb[i] >> 16) & 0xff, (rgb[i] >> 8) & 0xff, rgb[i] & 0xff};
            double[] v = new double[3];
            for (int k = 0; k < 3; k++) {
                double x = invert ? 255 - c[perm[k]] : c[perm[k]];
                v[k] = x * gain + offset[k];
            }
            out[i] = pack(v[0], v[1], v[2]);
        }
        return out;
    }

    /**
     * Another area of the image: the image shifted by a random offset (wrapping), maybe flipped, with a
     * brightness/contrast jitter as CutPaste's.
     */
    private static int[] patch(int[] rgb, int w, int h, Random r) {
        int dx = w / 8 + r.nextInt(Math.max(1, 3 * w / 4));
        int dy = h / 8 + r.nextInt(Math.max(1, 3 * h / 4));
        boolean flipX = r.nextBoolean();
        boolean flipY = r.nextBoolean();
        double gain = 0.75 + 0.5 * r.nextDouble();
        double offset = r.nextInt(61) - 30;
        int[] out = new int[rgb.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int sx = (x + dx) % w;
                int sy = (y + dy) % h;
                sx = flipX ? w - 1 - sx : sx;
                sy = flipY ? h - 1 - sy : sy;
                int c = rgb[sy * w + sx];
                out[y * w + x] = pack(((c >> 16) & 0xff) * gain + offset, ((c >> 8) & 0xff) * gain + offset,
                        (c & 0xff) * gain + offset);
            }
        }
        return out;
    }

    private static int difference(int a, int b) {
        int d = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
            d = Math.max(d, Math.abs(((a >> shift) & 0xff) - ((b >> shift) & 0xff)));
        }
        return d;
    }

    private static int blend(int source, int image, double beta) {
        double r = (1 - beta) * ((source >> 16) & 0xff) + beta * ((image >> 16) & 0xff);
        double g = (1 - beta) * ((source >> 8) & 0xff) + beta * ((image >> 8) & 0xff);
        double b = (1 - beta) * (source & 0xff) + beta * (image & 0xff);
        return pack(r, g, b);
    }

    private static int pack(double r, double g, double b) {
        return (q(r) << 16) | (q(g) << 8) | q(b);
    }

    private static int q(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
