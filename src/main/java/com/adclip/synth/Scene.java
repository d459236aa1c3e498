package com.adclip.synth;

import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.Set;

/**
 * One shot of a product: a seeded pose (rotation, shift, scale) and lighting (brightness, a light gradient,
 * low-frequency shading and near-Gaussian sensor noise). Rendering the same scene with different omitted
 * parts gives images that differ only where those parts were.
 */
final class Scene {

    /** A rendered shot: float RGB (0..255) and the product's layout in design coordinates. */
    record Shot(float[] rgb, Product.Layout layout) {}

    final Product product;
    final int size;
    final AffineTransform pose;
    private final long paintSeed;
    private final float[] gain;
    private final float[] noise;

    Scene(Product product, int size, long seed) {
        this.product = product;
        this.size = size;
        Random r = new Random(seed);
        double angle = Math.toRadians(Product.uniform(r, -product.maxRotation(), product.maxRotation()));
        double shift = 0.03 * size;
        double dx = Product.uniform(r, -shift, shift);
        double dy = Product.uniform(r, -shift, shift);
        double scale = Product.uniform(r, 0.96, 1.04);
        pose = new AffineTransform();
        pose.translate(size / 2.0 + dx, size / 2.0 + dy);
        pose.rotate(angle);
        pose.scale(scale, scale);
        pose.translate(-size / 2.0, -size / 2.0);
        paintSeed = r.nextLong();
        double brightness = Product.uniform(r, 0.9, 1.1);
        double gradient = Product.uniform(r, 0, 0.12);
        double direction = 2 * Math.PI * r.nextDouble();
        double sigma = Product.uniform(r, 1.5, 4.0);
        Perlin shading = new Perlin(r.nextLong());
        SplittableRandom sensor = new SplittableRandom(r.nextLong());
        gain = new float[size * size];
        noise = new float[size * size * 3];
        double cell = size / 6.0;
        // the shading is smooth: evaluate it every STEP px and interpolate
        int grid = size / STEP + 2;
        double[] coarse = new double[grid * grid];
        for (int j = 0; j < grid; j++) {
            for (int i = 0; i < grid; i++) {
                coarse[j * grid + i] = shading.fbm(i * STEP / cell, j * STEP / cell, 3);
            }
        }
        double gx = gradient * Math.cos(direction);
        double gy = gradient * Math.sin(direction);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double u = (x - size / 2.0) / size;
                double v = (y - size / 2.0) / size;
                double g = brightness * (1 + gx * u + gy * v)
                        * (1 + 0.05 * bilinear(coarse, grid, (double) x / STEP, (double) y / STEP));
                gain[y * size + x] = (float) g;
            }
        }
        double root3Sigma = Math.sqrt(3) * sigma;
        for (int i = 0; i < noise.length; i++) {
            // Irwin-Hall(4): close to Gaussian, much cheaper than nextGaussian
            double sum = sensor.nextDouble() + sensor.nextDouble() + sensor.nextDouble() + sensor.nextDouble() - 2;
            noise[i] = (float) (root3Sigma * sum);
        }
    }

    private static final int STEP = 4;

    private static double bilinear(double[] grid, int n, double x, double y) {
        int i = (int) x;
        int j = (int) y;
        double fx = x - i;
        double fy = y - j;
        double top = grid[j * n + i] * (1 - fx) + grid[j * n + i + 1] * fx;
        double bottom = grid[(j + 1) * n + i] * (1 - fx) + grid[(j + 1) * n + i + 1] * fx;
        return top * (1 - fy) + bottom * fy;
    }

    /** The shot without the parts whose indices are in {@code omit}. */
    Shot render(Set<Integer> omit) {
        BufferedImage canvas = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Pixels.graphics(canvas, pose);
        Product.Layout layout = product.paint(g, size, new Random(paintSeed), omit);
        g.dispose();
        float[] rgb = Pixels.rgb(canvas);
        for (int i = 0; i < gain.length; i++) {
            for (int c = 0; c < 3; c++) {
                rgb[3 * i + c] = Pixels.clamp(rgb[3 * i + c] * gain[i] + noise[3 * i + c]);
            }
        }
        return new Shot(rgb, layout);
    }

    /** The image position of a design point. */
    Point2D toImage(Point2D design) {
        return pose.transform(design, null);
    }

    /** The pose's scale (design px per image px). */
    double scale() {
        return Math.sqrt(Math.abs(pose.getDeterminant()));
    }
}
