package com.adclip.synth;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Renders one image of a product from a seed: the scene (pose, lighting) and then, for a defective image,
 * one defect (sometimes two, apart) of the given type. The good image of a seed is exactly the defective
 * image of the same seed without its defects.
 *
 * <p>Ground truth: a pixel is in the mask when the defect covers at least half of it. Each covered pixel is
 * changed by at least {@value #MIN_CHANGE}/2 grey levels in some channel (a defect colour too close to the
 * product is pushed away), and faint antialiased coverage that is not next to a mask pixel is dropped, so the
 * image differs from the good one exactly on the mask plus a one-pixel antialiased rim.
 */
final class SampleRenderer {

    /** Least difference, in grey levels, between a defect's colour and the product under a mask pixel. */
    static final float MIN_CHANGE = 16f;
    private static final int ATTEMPTS = 30;

    /** An image, its 0/255 mask ({@code BYTE_GRAY}, empty for good images) and the boxes of the mask's parts. */
    record Rendered(BufferedImage image, BufferedImage mask, List<Boxes.Box> boxes) {}

    private SampleRenderer() {}

    /** Renders {@code product} at {@code size} px from {@code seed}, with defects of {@code type} unless null. */
    static Rendered render(Product product, int size, long seed, DefectType type) {
        Random master = new Random(seed);
        Scene scene = new Scene(product, size, master.nextLong());
        Random r = new Random(master.nextLong());
        Scene.Shot clean = scene.render(Set.of());
        boolean[] mask = new boolean[size * size];
        if (type == null) {
            return new Rendered(Pixels.image(clean.rgb(), size), Pixels.mask(mask, size, size), List.of());
        }
        float[] surface = Pixels.fill(size, scene.pose, clean.layout().surface());
        float[] current = clean.rgb().clone();
        float[] used = new float[size * size];
        int count = r.nextDouble() < 0.25 ? 2 : 1;
        int minArea = Math.max(6, size * size / 8000);
        for (int d = 0; d < count; d++) {
            boolean placed = false;
            for (int attempt = 0; attempt < ATTEMPTS && !placed; attempt++) {
                Defects.Defect defect = Defects.make(type, scene, clean, current, surface, r);
                float[] alpha = defect.alpha();
                trim(alpha, size);
                if (area(alpha) < minArea || (d > 0 && near(alpha, used, size))) {
                    continue;
                }
                apply(defect, current, mask, used);
                placed = true;
            }
            if (!placed && d == 0) {
                throw new IllegalStateException(product.name() + "/" + type.folder() + ": no visible defect after "
                        + ATTEMPTS + " attempts (seed " + seed + ")");
            }
        }
        return new Rendered(Pixels.image(current, size), Pixels.mask(mask, size, size),
                Boxes.of(mask, size, size, type.folder()));
    }

    private static void apply(Defects.Defect defect, float[] current, boolean[] mask, float[] used) {
        float[] alpha = defect.alpha();
        float[] target = defect.target();
        for (int i = 0; i < alpha.length; i++) {
            float a = alpha[i];
            if (a == 0) {
                continue;
            }
            if (a >= 0.5f) {
                separate(target, current, i);
                mask[i] = true;
            }
            for (int c = 0; c < 3; c++) {
                int j = 3 * i + c;
                current[j] = Pixels.clamp(current[j] + a * (target[j] - current[j]));
            }
            used[i] = Math.max(used[i], a);
        }
    }

    /** Makes the target of pixel {@code i} differ from the current colour by at least {@link #MIN_CHANGE}. */
    private static void separate(float[] target, float[] current, int i) {
        float diff = 0;
        for (int c = 0; c < 3; c++) {
            target[3 * i + c] = Pixels.clamp(target[3 * i + c]);
            diff = Math.max(diff, Math.abs(target[3 * i + c] - current[3 * i + c]));
        }
        if (diff >= MIN_CHANGE) {
            return;
        }
        float sign = Pixels.luma(current, i) > 127.5f ? -1 : 1;
        for (int c = 0; c < 3; c++) {
            target[3 * i + c] = Pixels.clamp(current[3 * i + c] + sign * MIN_CHANGE);
        }
    }

    /** Drops faint coverage (below one half) that has no mask pixel among its 8 neighbours. */
    static void trim(float[] alpha, int size) {
        float[] copy = alpha.clone();
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int i = y * size + x;
                if (copy[i] > 0 && copy[i] < 0.5f && !maskNeighbour(copy, x, y, size)) {
                    alpha[i] = 0;
                }
            }
        }
    }

    private static boolean maskNeighbour(float[] alpha, int x, int y, int size) {
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                int nx = x + dx;
                int ny = y + dy;
                if (nx >= 0 && ny >= 0 && nx < size && ny < size && alpha[ny * size + nx] >= 0.5f) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int area(float[] alpha) {
        int n = 0;
        for (float a : alpha) {
            if (a >= 0.5f) {
                n++;
            }
        }
        return n;
    }

    /** Whether {@code alpha} touches or comes within 3 px of what is already drawn. */
    private static boolean near(float[] alpha, float[] used, int size) {
        int gap = 3;
        for (int i = 0; i < alpha.length; i++) {
            if (alpha[i] == 0) {
                continue;
            }
            int x = i % size;
            int y = i / size;
            for (int ny = Math.max(0, y - gap); ny <= Math.min(size - 1, y + gap); ny++) {
                for (int nx = Math.max(0, x - gap); nx <= Math.min(size - 1, x + gap); nx++) {
                    if (used[ny * size + nx] > 0) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
