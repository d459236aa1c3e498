package com.adclip.serve;

import com.adclip.Inspection;
import com.adclip.anomaly.Prediction;
import com.adclip.Verdict;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;

/** A stand-in model for queue, timeout and shutdown tests: each call waits until the gate lets it through. */
final class GatedInspector implements Inspector {
    private final Semaphore gate = new Semaphore(0);
    private volatile boolean open = true;
    private volatile double threshold = 0.5;
    final AtomicInteger entered = new AtomicInteger();

    void close() {
        open = false;
    }

    void open() {
        open = true;
        gate.release(1000);
    }

    @Override
    public Inspection inspect(Path image) {
        entered.incrementAndGet();
        try {
            while (!open && !gate.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                // waiting for the test to open the gate
            }
            BufferedImage picture = ImageIO.read(image.toFile());
            int w = picture.getWidth();
            int h = picture.getHeight();
            Prediction p = new Prediction(0.7, 0.3, Verdict.of(0.7, threshold), new float[w * h], w, h, List.of(), new boolean[w * h]);
            return new Inspection(p, picture, 1.0, threshold);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        return "gated";
    }

    @Override
    public double mapThreshold() {
        return 2;
    }

    @Override
    public double mapMax() {
        return 4;
    }
}
