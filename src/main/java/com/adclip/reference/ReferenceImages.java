package com.adclip.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.adclip.AdclipException;
import com.adclip.Sha256;
import com.adclip.anomaly.AnomalyDetector;
import com.adclip.image.ImagePreprocessor;
import com.adclip.clip.VisionFeatures;
import com.adclip.tile.Tile;
import com.adclip.tile.TileGrid;
import com.adclip.tile.Tiling;
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

    /**
     * As {@link #encode(BankBuilder, AnomalyDetector, ImagePreprocessor, List, java.util.function.Function,
     * java.util.Set, int, long, NDManager, Consumer)}, each image cut into the tiles {@code tiling} gives it (at full
     * resolution, each tile preprocessed like a whole image, as tiled inspections cut them): the patches of all its
     * tiles go into the bank under the image. Tiles run through the tower {@code tileBatch} at a time.
     *
     * @param progress told after each image how many images were encoded
     */
    public static List<Skipped> encodeTiles(BankBuilder builder, AnomalyDetector detector,
            ImagePreprocessor preprocessor, List<Path> images, java.util.function.Function<Path, String> naming,
            java.util.Set<String> known, Tiling tiling, int tileBatch, long maxPixels, NDManager manager,
            Consumer<Integer> progress) {
        if (preprocessor.config().size() != detector.config().imageSize()) {
            throw new IllegalArgumentException("preprocessing size differs from the detector's image size");
        }
        List<Skipped> skipped = new ArrayList<>();
        java.util.Set<String> added = new java.util.HashSet<>();
        int done = 0;
        for (Path image : images) {
            String sha;
            ImagePreprocessor.Source source;
            try {
                sha = sha256(image);
                if (known.contains(sha) || builder.has(sha) || added.contains(sha)) {
                    skipped.add(new Skipped(image, "already a reference image (same sha256)"));
                    continue;
                }
                source = preprocessor.load(image, maxPixels);
            } catch (AdclipException e) {
                skipped.add(new Skipped(image, e.getMessage()));
                continue;
            }
            TileGrid grid = tiling.layout(source.width(), source.height(), detector.config().imageSize());
            List<Tile> tiles = grid.tiles();
            for (int from = 0; from < tiles.size(); from += tileBatch) {
                List<Tile> batch = tiles.subList(from, Math.min(tiles.size(), from + tileBatch));
                encodeBatch(builder, detector, source, batch, naming.apply(image), sha, from == 0, manager);
            }
            added.add(sha);
            progress.accept(++done);
        }
        return skipped;
    }

    /** One batch of an image's tiles into the builder; the first tile of the image opens its entry. */
    private static void encodeBatch(BankBuilder builder, AnomalyDetector detector, ImagePreprocessor.Source source,
            List<Tile> batch, String name, String sha, boolean first, NDManager manager) {
        int size = detector.config().imageSize();
        int plane = 3 * size * size;
        float[] values = new float[batch.size() * plane];
        for (int i = 0; i < batch.size(); i++) {
            Tile t = batch.get(i);
            float[] pixels = source.region(t.x(), t.y(), t.width(), t.height()).pixels();
            System.arraycopy(pixels, 0, values, i * plane, plane);
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray pixels = scope.create(values, new Shape(batch.size(), 3, size, size)); // [T, 3, S, S]
            VisionFeatures features = detector.encode(pixels);
            for (int i = 0; i < batch.size(); i++) {
                if (first && i == 0) {
                    builder.add(name, sha, features, i);
                } else {
                    builder.addTile(sha, features, i);
                }
            }
        }
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
