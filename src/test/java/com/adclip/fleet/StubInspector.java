package com.adclip.fleet;

import com.adclip.Inspection;
import com.adclip.anomaly.Prediction;
import com.adclip.Verdict;
import com.adclip.serve.Inspector;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A stand-in model for fleet tests where the network is irrelevant: the score is the image's mean red channel
 * (0..1), so a test knows each answer from the picture it drew. Unreadable files are rejected as the real
 * inspector rejects them.
 */
final class StubInspector implements Inspector {
    private final long sleepMillis;
    private volatile double threshold = 0.5;

    StubInspector(long sleepMillis) {
        this.sleepMillis = sleepMillis;
    }

    @Override
    public Inspection inspect(Path image) {
        BufferedImage picture;
        try {
            picture = ImageIO.read(image.toFile());
        } catch (IOException e) {
            throw new ImageRejectedException("unreadable: " + e.getMessage());
        }
        if (picture == null) {
            throw new ImageRejectedException("not a supported image");
        }
        int w = picture.getWidth();
        int h = picture.getHeight();
        double red = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                red += (picture.getRGB(x, y) >> 16) & 0xff;
            }
        }
        double score = red / (255.0 * w * h);
        try {
            Thread.sleep(sleepMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Prediction p = new Prediction(score, 1 - score, Verdict.of(score, threshold), new float[w * h], w, h,
                List.of(), new boolean[w * h]);
        return new Inspection(p, picture, sleepMillis, threshold);
    }

    @Override
    public double threshold() {
        return threshold;
    }

    @Override
    public void setThreshold(double threshold) {
        this.threshold = threshold;
    }

    @Override
    public String model() {
        return "stub";
    }

    @Override
    public double mapThreshold() {
        return 2;
    }

    @Override
    public double mapMax() {
        return 4;
    }

    /** A {@code size}² PNG of one colour whose red channel is {@code red}. */
    static byte[] png(int red, int size) throws IOException {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                image.setRGB(x, y, (red << 16) | 0x2040);
            }
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
