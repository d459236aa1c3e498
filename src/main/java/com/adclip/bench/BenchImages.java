package com.adclip.bench;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/** The benchmarks' inputs: noisy gradient images written as PNG like camera exports, in a folder of their own. */
final class BenchImages implements AutoCloseable {
    private final Path dir;

    BenchImages() throws IOException {
        this.dir = Files.createTempDirectory("adclip-bench");
    }

    Path dir() {
        return dir;
    }

    /** {@code count} images of {@code width × height}, so that decoding and resampling do real work. */
    List<Path> write(int count, int width, int height) throws IOException {
        Random random = new Random(42);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int v = (x * 255 / width + y * 255 / height) / 2;
                    int n = random.nextInt(32);
                    image.setRGB(x, y, ((v + n) & 0xFF) << 16 | (v & 0xFF) << 8 | ((255 - v + n) & 0xFF));
                }
            }
            Path file = dir.resolve("bench-" + i + ".png");
            ImageIO.write(image, "png", file.toFile());
            files.add(file);
        }
        return files;
    }

    @Override
    public void close() throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
