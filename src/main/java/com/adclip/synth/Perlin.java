package com.adclip.synth;

import java.util.Random;

/**
 * 2-D gradient (Perlin) noise with unit gradients at random angles, as DRAEM's {@code rand_perlin_2d}: values
 * lie in about [-0.71, 0.71]. The lattice is unbounded (a seeded 256-entry permutation), so the field can be
 * sampled at any, e.g. rotated, coordinates.
 */
final class Perlin {

    private final int[] perm = new int[512];
    private final double[] gx = new double[256];
    private final double[] gy = new double[256];

    Perlin(long seed) {
        Random random = new Random(seed);
        int[] p = new int[256];
        for (int i = 0; i < 256; i++) {
            p[i] = i;
            double angle = 2 * Math.PI * random.nextDouble();
            gx[i] = Math.cos(angle);
            gy[i] = Math.sin(angle);
        }
        for (int i = 255; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        for (int i = 0; i < 512; i++) {
            perm[i] = p[i & 255];
        }
    }

    /** The noise at {@code (x, y)} in lattice units. */
    double noise(double x, double y) {
        double fx = Math.floor(x);
        double fy = Math.floor(y);
        int xi = (int) fx & 255;
        int yi = (int) fy & 255;
        double xf = x - fx;
        double yf = y - fy;
        double n00 = dot(perm[perm[xi] + yi], xf, yf);
        double n10 = dot(perm[perm[xi + 1] + yi], xf - 1, yf);
        double n01 = dot(perm[perm[xi] + yi + 1], xf, yf - 1);
        double n11 = dot(perm[perm[xi + 1] + yi + 1], xf - 1, yf - 1);
        double u = fade(xf);
        double v = fade(yf);
        return lerp(lerp(n00, n10, u), lerp(n01, n11, u), v);
    }

    /** Fractal sum of {@code octaves} octaves (each twice the frequency, half the amplitude), about [-1, 1]. */
    double fbm(double x, double y, int octaves) {
        double sum = 0;
        double amplitude = 1;
        double norm = 0;
        double frequency = 1;
        for (int o = 0; o < octaves; o++) {
            sum += amplitude * noise(x * frequency + 17.3 * o, y * frequency - 9.1 * o);
            norm += amplitude;
            amplitude *= 0.5;
            frequency *= 2;
        }
        return sum / norm / 0.71;
    }

    private double dot(int hash, double x, double y) {
        return gx[hash] * x + gy[hash] * y;
    }

    private static double fade(double t) {
        return t * t * t * (t * (t * 6 - 15) + 10);
    }

    private static double lerp(double a, double b, double t) {
        return a + t * (b - a);
    }
}
