package com.adclip.bench;

import ai.djl.pytorch.jni.JniUtils;
import com.adclip.DetectorAssembly;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.anomaly.GaussianSmoothing;
import com.adclip.anomaly.MapPostProcessor;
import com.adclip.image.ImagePreprocessor;
import com.adclip.image.PreprocessConfig;
import com.adclip.tile.TileModel;
import com.adclip.tile.TiledPredictor;
import com.adclip.tile.Tiling;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tiled prediction per image next to one whole-image pass, with the tile count and the tiling overhead. */
public final class TiledBench {
    private TiledBench() {}

    /**
     * Seconds per image versus the number of tiles: for each count n, images of {@code cols·t × rows·t} pixels
     * ({@code cols·rows = n}, as square as n allows) cut into n tiles of {@code t} with no overlap and no padding,
     * each timed as {@link #run} times one tiling. Counts run in ascending order, 1 always first; every line also
     * has {@code seconds_per_tile} and {@code overhead_vs_tiles_x_one_tile} = seconds_per_image / (n × the 1-tile
     * line's seconds_per_image) − 1, the cost of tiling beyond n single passes of a tile-sized image.
     *
     * @param tile t, the tile side in pixels of the image
     */
    public static List<Map<String, Object>> sweep(DetectorAssembly parts, InferenceBench.Options options, int tile,
            List<Integer> counts, int tileBatch) throws IOException {
        java.util.TreeSet<Integer> sorted = new java.util.TreeSet<>(counts);
        sorted.add(1);
        List<Map<String, Object>> lines = new java.util.ArrayList<>();
        double one = Double.NaN;
        for (int n : sorted) {
            int[] grid = grid(n);
            InferenceBench.Options sized = new InferenceBench.Options(options.model(), options.images(),
                    options.warmup(), grid[0] * tile, grid[1] * tile);
            Map<String, Object> line = run(parts, sized, Tiling.of(tile, tile), tile + "/" + tile, tileBatch);
            double seconds = ((Number) line.get("seconds_per_image")).doubleValue();
            if (n == 1) {
                one = seconds;
            }
            line.put("seconds_per_tile", Machine.round(seconds / n));
            line.put("overhead_vs_tiles_x_one_tile", Machine.round(seconds / (n * one) - 1));
            lines.add(line);
        }
        return lines;
    }

    /** Columns and rows for n tiles: the divisor pair of n closest to square, columns ≥ rows. */
    static int[] grid(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("tile counts must be >= 1, got " + n);
        }
        int rows = (int) Math.floor(Math.sqrt(n));
        while (n % rows != 0) {
            rows--;
        }
        return new int[] {n / rows, rows};
    }

    /**
     * Times {@code tiling} (with {@code tileBatch} tiles per forward pass) on {@code parts}.
     *
     * @param tilingText how the tiling was given, for the line ("auto" or "SIZE/STRIDE")
     */
    public static Map<String, Object> run(DetectorAssembly parts, InferenceBench.Options options, Tiling tiling,
            String tilingText, int tileBatch) throws IOException {
        DetectorConfig config = parts.config();
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.reference(config.imageSize()));
        TileModel model = TileModel.of(parts.detector());
        GaussianSmoothing smoothing = MapPostProcessor.smoothing(config.sigma());
        TiledPredictor tiled = new TiledPredictor(model, tiling, smoothing, 1e9, tileBatch, parts.manager());
        TiledPredictor whole = new TiledPredictor(model, Tiling.of(1 << 20, 1 << 20), smoothing, 1e9, 1,
                parts.manager());
        double tiledSum = 0;
        double wholeSum = 0;
        int tiles = 0;
        try (BenchImages images = new BenchImages()) {
            List<Path> files = images.write(options.warmup() + options.images(), options.sourceWidth(),
                    options.sourceHeight());
            for (int i = 0; i < files.size(); i++) {
                long t0 = System.nanoTime();
                ImagePreprocessor.Source source = preprocessor.load(files.get(i), Long.MAX_VALUE);
                tiles = tiled.predict(source, 0.5).grid().count();
                long t1 = System.nanoTime();
                whole.predict(preprocessor.load(files.get(i), Long.MAX_VALUE), 0.5);
                long t2 = System.nanoTime();
                if (i >= options.warmup()) {
                    tiledSum += (t1 - t0) / 1e9;
                    wholeSum += (t2 - t1) / 1e9;
                }
            }
        }
        double tiledSeconds = tiledSum / options.images();
        double wholeSeconds = wholeSum / options.images();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("model", options.model());
        line.put("mode", "tiled");
        line.put("image_size", config.imageSize());
        line.put("source_size", options.sourceSize());
        line.put("tiling", tilingText);
        line.put("tiles", tiles);
        line.put("tile_batch", tileBatch);
        line.put("images", options.images());
        line.put("threads", JniUtils.getNumThreads());
        line.put("seconds_per_image", Machine.round(tiledSeconds));
        line.put("whole_image_seconds", Machine.round(wholeSeconds));
        line.put("overhead_vs_tiles_x_whole", Machine.round(tiledSeconds / (tiles * wholeSeconds) - 1));
        line.put("cpu", Machine.cpuName());
        return line;
    }
}
