package com.adclip.image;

import com.adclip.image.PillowResample.Filter;
import java.util.Objects;

/**
 * A decoded image as Pillow 9.4 holds it: a mode and 8-bit interleaved band data, row-major.
 *
 * <p>The operations are Pillow's, for the modes we support: {@link #resize} is {@code Image.resize} (P and 1
 * always NEAREST; LA and RGBA resized premultiplied, as {@code La}/{@code RGBa}, then converted back),
 * {@link #crop} is {@code Image.crop} (outside the image is 0, i.e. palette index 0 for P), {@link #toRgb}
 * and {@link #toL} are {@code Image.convert} (alpha dropped without compositing; CMYK converted with
 * Pillow's naive formula, no ICC profile), {@link #transpose} is what {@code ImageOps.exif_transpose} does
 * for an EXIF orientation.
 *
 * @param mode the Pillow mode
 * @param width width in pixels
 * @param height height in pixels
 * @param data {@code width * height * mode.bands()} bytes
 * @param palette for {@link Mode#P}: 256 RGB triples (768 bytes); otherwise null
 */
record PillowImage(Mode mode, int width, int height, byte[] data, byte[] palette) {

    /** The Pillow modes we load, with their band counts. */
    enum Mode {
        /** Bilevel ("1"), stored as 0 or 255. */
        ONE(1),
        L(1),
        LA(2),
        /** Palette indices into {@link PillowImage#palette()}. */
        P(1),
        RGB(3),
        RGBA(4),
        CMYK(4);

        final int bands;

        Mode(int bands) {
            this.bands = bands;
        }
    }

    PillowImage {
        Objects.requireNonNull(mode, "mode");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
        }
        if (data.length != width * height * mode.bands) {
            throw new IllegalArgumentException("expected " + width * height * mode.bands + " bytes for "
                    + mode + " " + width + "x" + height + ", got " + data.length);
        }
        if ((mode == Mode.P) != (palette != null) || (palette != null && palette.length != 768)) {
            throw new IllegalArgumentException("a 768-byte palette is required for mode P only");
        }
    }

    private PillowImage with(int newWidth, int newHeight, byte[] newData) {
        return new PillowImage(mode, newWidth, newHeight, newData, palette);
    }

    /** {@code Image.resize((newWidth, newHeight), filter)} as Pillow 9.4 does it. */
    PillowImage resize(int newWidth, int newHeight, Filter filter) {
        if (newWidth == width && newHeight == height) {
            return with(width, height, data.clone());
        }
        int bands = mode.bands;
        if (mode == Mode.P || mode == Mode.ONE) {
            return with(newWidth, newHeight,
                    PillowResample.nearest(data, width, height, bands, newWidth, newHeight));
        }
        if (mode == Mode.LA || mode == Mode.RGBA) {
            byte[] premultiplied = PillowResample.premultiply(data, bands);
            byte[] resized = PillowResample.resample(premultiplied, width, height, bands, newWidth, newHeight,
                    filter);
            return with(newWidth, newHeight, PillowResample.unpremultiply(resized, bands));
        }
        return with(newWidth, newHeight,
                PillowResample.resample(data, width, height, bands, newWidth, newHeight, filter));
    }

    /** {@code Image.crop((left, top, left + w, top + h))}: pixels outside this image are zero bytes. */
    PillowImage crop(int left, int top, int w, int h) {
        int bands = mode.bands;
        byte[] out = new byte[w * h * bands];
        int x0 = Math.max(left, 0);
        int x1 = Math.min(left + w, width);
        if (x1 > x0) {
            for (int y = Math.max(top, 0); y < Math.min(top + h, height); y++) {
                System.arraycopy(data, (y * width + x0) * bands, out, ((y - top) * w + x0 - left) * bands,
                        (x1 - x0) * bands);
            }
        }
        return with(w, h, out);
    }

    /** {@code Image.convert("RGB")}. */
    PillowImage toRgb() {
        if (mode == Mode.RGB) {
            return new PillowImage(Mode.RGB, width, height, data.clone(), null);
        }
        int n = width * height;
        byte[] out = new byte[n * 3];
        for (int i = 0; i < n; i++) {
            rgbOf(i, out, i * 3);
        }
        return new PillowImage(Mode.RGB, width, height, out, null);
    }

    private void rgbOf(int i, byte[] out, int o) {
        switch (mode) {
            case ONE, L, LA -> {
                byte v = data[i * mode.bands];
                out[o] = v;
                out[o + 1] = v;
                out[o + 2] = v;
            }
            case P -> System.arraycopy(palette, (data[i] & 0xFF) * 3, out, o, 3);
            case RGB, RGBA -> System.arraycopy(data, i * mode.bands, out, o, 3);
            case CMYK -> {
                int nk = 255 - (data[i * 4 + 3] & 0xFF);
                for (int b = 0; b < 3; b++) {
                    int tmp = (data[i * 4 + b] & 0xFF) * nk + 128;
                    int v = nk - (((tmp >> 8) + tmp) >> 8);
                    out[o + b] = (byte) Math.max(0, Math.min(255, v));
                }
            }
        }
    }

    /** {@code Image.convert("L")}: ITU-R 601-2 luma with Pillow's 16-bit fixed-point weights. */
    PillowImage toL() {
        if (mode == Mode.L || mode == Mode.ONE) {
            return new PillowImage(Mode.L, width, height, data.clone(), null);
        }
        int n = width * height;
        byte[] out = new byte[n];
        if (mode == Mode.LA) {
            for (int i = 0; i < n; i++) {
                out[i] = data[i * 2];
            }
        } else {
            byte[] rgb = new byte[3];
            for (int i = 0; i < n; i++) {
                rgbOf(i, rgb, 0);
                int l = (rgb[0] & 0xFF) * 19595 + (rgb[1] & 0xFF) * 38470 + (rgb[2] & 0xFF) * 7471 + 0x8000;
                out[i] = (byte) (l >> 16);
            }
        }
        return new PillowImage(Mode.L, width, height, out, null);
    }

    /**
     * The transpose {@code ImageOps.exif_transpose} applies for an EXIF orientation (2..8); 1, 0 and unknown
     * values leave the image as it is.
     */
    PillowImage transpose(int orientation) {
        if (orientation < 2 || orientation > 8) {
            return this;
        }
        boolean swap = orientation >= 5;
        int w = swap ? height : width;
        int h = swap ? width : height;
        int bands = mode.bands;
        byte[] out = new byte[data.length];
        for (int oy = 0; oy < h; oy++) {
            for (int ox = 0; ox < w; ox++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = width - 1 - ox; sy = oy; }              // FLIP_LEFT_RIGHT
                    case 3 -> { sx = width - 1 - ox; sy = height - 1 - oy; } // ROTATE_180
                    case 4 -> { sx = ox; sy = height - 1 - oy; }             // FLIP_TOP_BOTTOM
                    case 5 -> { sx = oy; sy = ox; }                          // TRANSPOSE
                    case 6 -> { sx = oy; sy = height - 1 - ox; }             // ROTATE_270 (clockwise)
                    case 7 -> { sx = width - 1 - oy; sy = height - 1 - ox; } // TRANSVERSE
                    default -> { sx = width - 1 - oy; sy = ox; }             // 8: ROTATE_90
                }
                System.arraycopy(data, (sy * width + sx) * bands, out, (oy * w + ox) * bands, bands);
            }
        }
        return with(w, h, out);
    }
}
