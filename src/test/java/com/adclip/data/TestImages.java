package com.adclip.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Small PNG files for dataset tests. */
final class TestImages {
    private TestImages() {}

    /** An RGB PNG of {@code w × h} whose pixels depend on {@code seed} (different seeds, different bytes). */
    static Path rgb(Path file, int w, int h, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 31 + y * 17 + seed * 101) & 0xFFFFFF);
            }
        }
        return write(img, file);
    }

    /** An L mask PNG, 255 in the rectangle [x0,x1) × [y0,y1), else 0. */
    static Path mask(Path file, int w, int h, int x0, int y0, int x1, int y1) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                img.getRaster().setSample(x, y, 0, 255);
            }
        }
        return write(img, file);
    }

    static Path write(BufferedImage img, Path file) {
        try {
            Files.createDirectories(file.getParent());
            ImageIO.write(img, "png", file.toFile());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path text(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The 0/255 pixels of a gray image as rows of '#' and '.'. */
    static String picture(BufferedImage gray) {
        StringBuilder sb = new StringBuilder();
        for (int y = 0; y < gray.getHeight(); y++) {
            for (int x = 0; x < gray.getWidth(); x++) {
                int v = gray.getRaster().getSample(x, y, 0);
                sb.append(v == 255 ? '#' : v == 0 ? '.' : '?');
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
