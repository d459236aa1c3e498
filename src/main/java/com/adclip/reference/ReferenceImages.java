package com.adclip.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.adclip.AdclipException;
import com.adclip.Sha256;
import com.adclip.anomaly.AnomalyDetector;
import com.adclip.image.ImagePreprocessor;
import com.adclip.clip.VisionFeatures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Image files → their patch features in a {@link BankBuilder}: each file is hashed (sha256 of its bytes),
 * preprocessed like any input, and run through the detector's vision tower in batches. Unreadable images and
 * images already added are skipped with a reason.
 */
public final class ReferenceImages {
    private ReferenceImages() {}

    /** A file that was not added, and why. */
    public record Skipped(Path image, String reason) {}

    /**
     * Adds {@code images} to {@code builder}, skipping those whose sha256 is in {@code known} or already added.
     *
     * @param progress told after each batch how many images were encoded
     * @return the images that were not added
     */
    public static List<Skipped> encode(BankBuilder builder, AnomalyDetector detector, ImagePreprocessor preprocessor,
            List<Path> images, java.util.Set<String> known, int batchSize, long maxPixels, NDManager manager,
            Consumer<Integer> progress) {
        return encode(builder, detector, preprocessor, images, image -> image.getFileName().toString(), known,
                batchSize, maxPixels, manager, progress);
    }

    /** As above, with the name recorded for each image given by {@code naming} (default: the file name). */
    public static List<Skipped> encode(BankBuilder builder, AnomalyDetector detector, ImagePreprocessor preprocessor,
            List<Path> images, java.util.function.Function<Path, String> naming, java.util.Set<String> known,
            int batchSize, long maxPixels, NDManager manager, Consumer<Integer> progress) {
        if (preprocessor.config().size() != detector.config().imageSize()) {
            throw new IllegalArgumentException("preprocessing size differs from the detector's image size");
        }
        List<Skipped> skipped = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> hashes = new ArrayList<>();
        List<float[]> pixels = new ArrayList<>();
        int done = 0;
        for (Path image : images) {
            String sha;
            try {
                sha = sha256(image);
            } catch (AdclipException e) {
                skipped.add(new Skipped(image, e.getMessage()));
                continue;
            }
            if (known.contains(sha) || builder.has(sha) || hashes.contains(sha)) {
                skipped.add(new Skipped(image, "already a reference image (same sha256)"));
                continue;
            }
            try {
                pixels.add(preprocessor.prepare(image, maxPixels).input().pixels());
            } catch (AdclipException e) {
                skipped.add(new Skipped(image, e.getMessage()));
                continue;
            }
            names.add(naming.apply(image));
            hashes.add(sha);
            if (pixels.size() == batchSize) {
                done += flush(builder, detector, names, hashes, pixels, manager);
                progress.accept(done);
            }
        }
        if (!pixels.isEmpty()) {
            done += flush(builder, detector, names, hashes, pixels, manager);
            progress.accept(done);
        }
        return skipped;
    }

    private static int flush(BankBuilder builder, AnomalyDetector detector, List<String> names, List<String> hashes,
            List<float[]> pixels, NDManager manager) {
        int size = detector.config().imageSize();
        int plane = 3 * size * size;
        float[] values = new float[pixels.size() * plane];
        for (int i = 0; i < pixels.size(); i++) {
            System.arraycopy(pixels.get(i), 0, values, i * plane, plane);
        }
        int count = pixels.size();
        try (NDManager scope = manager.newSubManager()) {
            NDArray batch = scope.create(values, new Shape(count, 3, size, size)); // [B, 3, S, S]
            VisionFeatures features = detector.encode(batch);
            for (int i = 0; i < count; i++) {
                builder.add(names.get(i), hashes.get(i), features, i);
            }
        }
        names.clear();
        hashes.clear();
        pixels.clear();
        return count;
    }

    /** Lower-case hex sha256 of a file's bytes. */
    public static String sha256(Path file) {
        try {
            return Sha256.of(file);
        } catch (IOException e) {
            throw new AdclipException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
