package com.adclip.anomaly;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * OpenCV's {@code COLORMAP_JET} as the reference applies it: an 8-bit index to an RGB colour, from dark blue
 * (0, 0, 128) through cyan, green and yellow to dark red (128, 0, 0).
 *
 * <p>The 256 entries are OpenCV's own table, loaded from a resource. They follow the classic jet formula
 * ({@code clamp(min(4x - 1.5, 4.5 - 4x))} for red, shifted by 1 for green and 2 for blue, at x = i/255)
 * rounded to 8 bits, except where OpenCV's float arithmetic rounds a tie the other way; shipping the table
 * keeps the overlay byte-identical to the reference's.
 */
final class JetColormap {
    private static final String RESOURCE = "jet-opencv.txt";
    private static final int[] RGB = load();

    private JetColormap() {}

    /** The packed RGB ({@code 0xRRGGBB}) colour of an 8-bit index. */
    static int rgb(int index) {
        return RGB[index];
    }

    /**
     * The index the reference gives a map value: {@code uint8(((v - min) / (max - min)) * 255)} in float32,
     * truncated, with values outside [min, max] clamped and NaN (or a flat range) mapped to 0.
     */
    static int index(float value, float min, float max) {
        float range = max - min;
        if (!(range > 0)) {
            return 0;
        }
        float t = (value - min) / range;
        if (!(t > 0)) {
            return 0;
        }
        return t >= 1 ? 255 : (int) (t * 255f);
    }

    private static int[] load() {
        int[] table = new int[256];
        try (InputStream in = JetColormap.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE + " next to " + JetColormap.class);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            int count = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                int i = Integer.parseInt(f[0]);
                table[i] = Integer.parseInt(f[1]) << 16 | Integer.parseInt(f[2]) << 8 | Integer.parseInt(f[3]);
                count++;
            }
            if (count != table.length) {
                throw new IllegalStateException(RESOURCE + " has " + count + " entries, expected 256");
            }
            return table;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + RESOURCE, e);
        }
    }
}
