package com.adclip.image;

/**
 * Pillow 9.4's resampling of 8-bit images ({@code libImaging/Resample.c}), its nearest-neighbour scaling
 * ({@code Geometry.c}, {@code ImagingScaleAffine}) and its alpha premultiplication ({@code Convert.c}),
 * reproduced integer for integer.
 *
 * <p>No libtorch operation matches Pillow's fixed-point arithmetic (22 fractional bits, rounding before the
 * vertical pass), and the reference's models were trained on exactly these pixels, hence our own loops.
 * Pixels are interleaved unsigned bytes, {@code bands} per pixel, row-major.
 */
final class PillowResample {

    /** Fractional bits of the fixed-point coefficients: 32 - 8 - 2, as in Pillow. */
    static final int PRECISION_BITS = 32 - 8 - 2;

    private PillowResample() {}

    /** The resampling filters the reference uses (Pillow's BILINEAR and BICUBIC). */
    enum Filter {
        /** Triangle filter, support 1. */
        BILINEAR(1.0) {
            @Override
            double weight(double x) {
                double ax = x < 0.0 ? -x : x;
                return ax < 1.0 ? 1.0 - ax : 0.0;
            }
        },
        /** Keys cubic convolution with a = -0.5, support 2. */
        BICUBIC(2.0) {
            @Override
            double weight(double x) {
                final double a = -0.5;
                double ax = x < 0.0 ? -x : x;
                if (ax < 1.0) {
                    return ((a + 2.0) * ax - (a + 3.0)) * ax * ax + 1;
                }
                if (ax < 2.0) {
                    return (((ax - 5) * ax + 8) * ax - 4) * a;
                }
                return 0.0;
            }
        };

        final double support;

        Filter(double support) {
            this.support = support;
        }

        abstract double weight(double x);
    }

    /** Per output pixel: the first source index, the number of taps, and {@code ksize} fixed-point weights. */
    record Coefficients(int ksize, int[] bounds, int[] weights) {
        int first(int out) {
            return bounds[2 * out];
        }

        int count(int out) {
            return bounds[2 * out + 1];
        }
    }

    /** Pillow's {@code precompute_coeffs} followed by {@code normalize_coeffs_8bpc}, for the box [0, inSize]. */
    static Coefficients coefficients(int inSize, int outSize, Filter filter) {
        double scale = (double) (float) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filter.support * filterScale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] bounds = new int[outSize * 2];
        int[] weights = new int[outSize * ksize];
        double[] k = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ww = 0.0;
            double ss = 1.0 / filterScale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
            for (int x = 0; x < xmax; x++) {
                double w = filter.weight((x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++) {
                double w = ww != 0.0 ? k[x] / ww : k[x];
                weights[xx * ksize + x] = w < 0
                        ? (int) (-0.5 + w * (1 << PRECISION_BITS))
                        : (int) (0.5 + w * (1 << PRECISION_BITS));
            }
            bounds[2 * xx] = xmin;
            bounds[2 * xx + 1] = xmax;
        }
        return new Coefficients(ksize, bounds, weights);
    }

    /**
     * Pillow's {@code ImagingResample} for an 8-bit image: horizontal pass (only over the source rows the
     * vertical pass reads), then vertical pass, each rounding to 8 bits; a pass is skipped when its size
     * does not change.
     */
    static byte[] resample(byte[] src, int width, int height, int bands, int outWidth, int outHeight,
            Filter filter) {
        Coefficients vertical = coefficients(height, outHeight, filter);
        byte[] image = src;
        int rowOffset = 0;
        if (outWidth != width) {
            int firstRow = vertical.first(0);
            int lastRow = vertical.first(outHeight - 1) + vertical.count(outHeight - 1);
            image = horizontal(src, width, bands, firstRow, lastRow - firstRow, outWidth,
                    coefficients(width, outWidth, filter));
            rowOffset = firstRow;
        }
        if (outHeight != height) {
            return vertical(image, outWidth, bands, rowOffset, outHeight, vertical);
        }
        return image == src ? src.clone() : image;
    }

    private static byte[] horizontal(byte[] src, int width, int bands, int firstRow, int rows, int outWidth,
            Coefficients c) {
        byte[] out = new byte[rows * outWidth * bands];
        int[] weights = c.weights();
        for (int y = 0; y < rows; y++) {
            int rowBase = (y + firstRow) * width * bands;
            int outBase = y * outWidth * bands;
            if (bands == 3) {
                horizontalRgbRow(src, rowBase, out, outBase, outWidth, c);
                continue;
            }
            for (int xx = 0; xx < outWidth; xx++) {
                int kBase = xx * c.ksize();
                int xmin = c.first(xx);
                int n = c.count(xx);
                for (int b = 0; b < bands; b++) {
                    int ss = 1 << (PRECISION_BITS - 1);
                    int p = rowBase + xmin * bands + b;
                    for (int x = 0; x < n; x++, p += bands) {
                        ss += (src[p] & 0xFF) * weights[kBase + x];
                    }
                    out[outBase + xx * bands + b] = clip8(ss);
                }
            }
        }
        return out;
    }

    /**
     * One row of the horizontal pass for three bands, the bands summed side by side in one walk over the taps:
     * the same integer sums as band by band, with a third of the loop overhead.
     */
    private static void horizontalRgbRow(byte[] src, int rowBase, byte[] out, int outBase, int outWidth,
            Coefficients c) {
        int[] weights = c.weights();
        for (int xx = 0; xx < outWidth; xx++) {
            int kBase = xx * c.ksize();
            int n = c.count(xx);
            int s0 = 1 << (PRECISION_BITS - 1);
            int s1 = s0;
            int s2 = s0;
            int p = rowBase + c.first(xx) * 3;
            for (int x = 0; x < n; x++, p += 3) {
                int k = weights[kBase + x];
                s0 += (src[p] & 0xFF) * k;
                s1 += (src[p + 1] & 0xFF) * k;
                s2 += (src[p + 2] & 0xFF) * k;
            }
            int o = outBase + xx * 3;
            out[o] = clip8(s0);
            out[o + 1] = clip8(s1);
            out[o + 2] = clip8(s2);
        }
    }

    /** Vertical pass; {@code rowOffset} is the source row that row 0 of {@code src} stands for. */
    private static byte[] vertical(byte[] src, int width, int bands, int rowOffset, int outHeight,
            Coefficients c) {
        int stride = width * bands;
        byte[] out = new byte[outHeight * stride];
        int[] weights = c.weights();
        int[] acc = new int[stride];
        for (int yy = 0; yy < outHeight; yy++) {
            java.util.Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
            int kBase = yy * c.ksize();
            int ymin = c.first(yy) - rowOffset;
            int n = c.count(yy);
            for (int y = 0; y < n; y++) {
                int k = weights[kBase + y];
                int rowBase = (ymin + y) * stride;
                for (int i = 0; i < stride; i++) {
                    acc[i] += (src[rowBase + i] & 0xFF) * k;
                }
            }
            int outBase = yy * stride;
            for (int i = 0; i < stride; i++) {
                out[outBase + i] = clip8(acc[i]);
            }
        }
        return out;
    }

    /** Pillow's {@code clip8}: the integer part of a fixed-point sum, clamped to 0..255. */
    static byte clip8(int ss) {
        int v = ss >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    /**
     * Pillow's nearest-neighbour resize ({@code ImagingScaleAffine}): source coordinate
     * {@code (i + 0.5) * in / out}, accumulated in double precision and truncated, as Pillow does.
     */
    static byte[] nearest(byte[] src, int width, int height, int bands, int outWidth, int outHeight) {
        int[] xs = nearestIndices(width, outWidth);
        int[] ys = nearestIndices(height, outHeight);
        byte[] out = new byte[outWidth * outHeight * bands];
        for (int y = 0; y < outHeight; y++) {
            if (ys[y] < 0) {
                continue;
            }
            int rowBase = ys[y] * width * bands;
            int outBase = y * outWidth * bands;
            for (int x = 0; x < outWidth; x++) {
                if (xs[x] >= 0) {
                    System.arraycopy(src, rowBase + xs[x] * bands, out, outBase + x * bands, bands);
                }
            }
        }
        return out;
    }

    private static int[] nearestIndices(int inSize, int outSize) {
        double step = (double) (float) inSize / outSize;
        double pos = step * 0.5;
        int[] index = new int[outSize];
        for (int i = 0; i < outSize; i++) {
            int v = pos < 0.0 ? -1 : (int) pos;
            index[i] = v < inSize ? v : -1;
            pos += step;
        }
        return index;
    }

    /** Pillow's {@code rgbA2rgba} / {@code lA2la}: colour bands times alpha / 255, rounded. */
    static byte[] premultiply(byte[] src, int bands) {
        byte[] out = src.clone();
        for (int p = 0; p < out.length; p += bands) {
            int alpha = src[p + bands - 1] & 0xFF;
            for (int b = 0; b < bands - 1; b++) {
                int tmp = (src[p + b] & 0xFF) * alpha + 128;
                out[p + b] = (byte) (((tmp >> 8) + tmp) >> 8);
            }
        }
        return out;
    }

    /** Pillow's {@code rgba2rgbA} / {@code la2lA}: colour bands times 255 / alpha, truncated and clipped. */
    static byte[] unpremultiply(byte[] src, int bands) {
        byte[] out = src.clone();
        for (int p = 0; p < out.length; p += bands) {
            int alpha = src[p + bands - 1] & 0xFF;
            if (alpha == 0 || alpha == 255) {
                continue;
            }
            for (int b = 0; b < bands - 1; b++) {
                out[p + b] = (byte) Math.min(255 * (src[p + b] & 0xFF) / alpha, 255);
            }
        }
        return out;
    }
}
