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
