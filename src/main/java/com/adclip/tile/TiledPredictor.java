package com.adclip.tile;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.adclip.anomaly.DefectRegions;
import com.adclip.anomaly.GaussianSmoothing;
import com.adclip.anomaly.MapResize;
import com.adclip.anomaly.Prediction;
import com.adclip.Verdict;
import com.adclip.image.ImagePreprocessor;
import java.util.List;

/**
 * One image through the detector tile by tile: the tiles are cut from the full-resolution image, each
 * preprocessed like a whole image, run in batches of at most {@code tileBatch} (only one batch of tile tensors
 * exists at a time, so a 25 MP image needs the memory of a few tiles plus its stitched map), stitched
 * ({@link TileStitcher}), smoothed once, and scored ({@link ScoreFusion}). Regions and the verdict come from the
 * full-resolution map and the thresholds as for a whole image.
 */
public final class TiledPredictor {
    private final TileModel model;
    private final Tiling tiling;
    private final GaussianSmoothing smoothing;
    private final double mapThreshold;
    private final int tileBatch;
    private final NDManager manager;

    /**
     * A tiled prediction with its tiling details.
     *
     * @param prediction the answer at full resolution; its grid is the stitched map resized to S×S
     * @param grid the tiles used
     * @param tileScores each tile's anomaly probability, row-major
     * @param globalScore the whole-image pass's score, NaN without {@link Tiling#global()}
     */
    public record Result(Prediction prediction, TileGrid grid, double[] tileScores, double globalScore) {}

    /**
     * @param smoothing σ in cells of a tile's S×S map (the detector's), null for none
     * @param tileBatch most tiles run at once, ≥ 1
     * @param manager where each image's scope is opened; nothing stays in it after a call
     */
    public TiledPredictor(TileModel model, Tiling tiling, GaussianSmoothing smoothing, double mapThreshold,
            int tileBatch, NDManager manager) {
        if (tileBatch < 1) {
            throw new IllegalArgumentException("tile batch must be at least 1, got " + tileBatch);
        }
        this.model = model;
        this.tiling = tiling;
        this.smoothing = smoothing;
        this.mapThreshold = mapThreshold;
        this.tileBatch = tileBatch;
        this.manager = manager;
    }

    public Tiling tiling() {
        return tiling;
    }

    /** The tiles this predictor uses for a {@code width × height} image. */
    public TileGrid layout(int width, int height) {
        return tiling.layout(width, height, model.inputSize());
    }

    /**
     * One image, tile by tile.
     *
     * @param imageThreshold NG when the fused score is at or above it
     */
    public Result predict(ImagePreprocessor.Source source, double imageThreshold) {
        int width = source.width();
        int height = source.height();
        TileGrid grid = layout(width, height);
        int s = model.inputSize();
        double[] tileScores = new double[grid.count()];
        double[] tileNormal = new double[grid.count()];
        try (NDManager scope = manager.newSubManager();
                TileStitcher stitcher = new TileStitcher(grid, s, tiling.merge(), scope)) {
            List<Tile> tiles = grid.tiles();
            for (int from = 0; from < tiles.size(); from += tileBatch) {
                List<Tile> batch = tiles.subList(from, Math.min(tiles.size(), from + tileBatch));
                runBatch(source, batch, stitcher, tileScores, tileNormal, scope);
            }
            double global = tiling.global() ? globalScore(source, scope) : Double.NaN;
            int worst = argmax(tileScores);
            double score = tiling.global() ? ScoreFusion.withGlobal(tileScores[worst], global) : tileScores[worst];
            double normal = tiling.global() ? 1 - score : tileNormal[worst];
            NDArray merged = stitcher.merged(smoothing, scope); // [Hc, Wc]
            NDArray full = stitcher.toImage(merged); // [H, W]
            NDArray square = MapResize.toImageSize(merged, s, s); // [S, S]
            float[] values = full.toFloatArray();
            Verdict verdict = Verdict.of(score, imageThreshold);
            DefectRegions regions = DefectRegions.find(values, height, width, (float) mapThreshold);
            Prediction prediction = new Prediction(score, normal, verdict, values, width, height,
                    regions.regions(), regions.mask(), square.toFloatArray(), s);
            return new Result(prediction, grid, tileScores, global);
        }
    }

    /** Runs one batch of tiles and adds their maps to the stitcher; the batch's tensors are freed after. */
    private void runBatch(ImagePreprocessor.Source source, List<Tile> batch, TileStitcher stitcher,
            double[] scores, double[] normal, NDManager parent) {
        int s = model.inputSize();
        int plane = 3 * s * s;
        float[] values = new float[batch.size() * plane];
        for (int i = 0; i < batch.size(); i++) {
            Tile t = batch.get(i);
            float[] pixels = source.region(t.x(), t.y(), t.width(), t.height()).pixels();
            System.arraycopy(pixels, 0, values, i * plane, plane);
        }
        try (NDManager scope = parent.newSubManager()) {
            NDArray pixels = scope.create(values, new Shape(batch.size(), 3, s, s));
            TileModel.Output out = model.run(pixels);
            float[] probs = out.probabilities().toFloatArray(); // [B, 2]
            for (int i = 0; i < batch.size(); i++) {
                Tile t = batch.get(i);
                scores[t.index()] = probs[2 * i + 1];
                normal[t.index()] = probs[2 * i];
                stitcher.add(t, out.rawMaps().get(new NDIndex("{}", i)));
            }
        }
    }

    private double globalScore(ImagePreprocessor.Source source, NDManager parent) {
        int s = model.inputSize();
        try (NDManager scope = parent.newSubManager()) {
            NDArray pixels = scope.create(source.whole().pixels(), new Shape(1, 3, s, s));
            return model.run(pixels).probabilities().toFloatArray()[1];
        }
    }

    private static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
