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
import com.adclip.types.TypeFusion;
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
    private final double promptMapThreshold;
    private final TypeFusion typeFusion;

    /**
     * A tiled prediction with its tiling details.
     *
     * @param prediction the answer at full resolution; its grid is the stitched map resized to S×S
     * @param grid the tiles used
     * @param tileScores each tile's anomaly probability, row-major
     * @param globalScore the whole-image pass's score, NaN without {@link Tiling#global()}
     * @param promptOnly with {@link #withPromptOnly} and a model that gives them, the prompt-only answer stitched
     *     from the same tiles, else null
     */
    public record Result(Prediction prediction, TileGrid grid, double[] tileScores, double globalScore,
            Prediction promptOnly) {
        public Result(Prediction prediction, TileGrid grid, double[] tileScores, double globalScore) {
            this(prediction, grid, tileScores, globalScore, null);
        }
    }

    /**
     * @param smoothing σ in cells of a tile's S×S map (the detector's), null for none
     * @param tileBatch most tiles run at once, ≥ 1
     * @param manager where each image's scope is opened; nothing stays in it after a call
     */
    public TiledPredictor(TileModel model, Tiling tiling, GaussianSmoothing smoothing, double mapThreshold,
            int tileBatch, NDManager manager) {
        this(model, tiling, smoothing, mapThreshold, tileBatch, manager, Double.NaN, null);
    }

    private TiledPredictor(TileModel model, Tiling tiling, GaussianSmoothing smoothing, double mapThreshold,
            int tileBatch, NDManager manager, double promptMapThreshold, TypeFusion typeFusion) {
        if (tileBatch < 1) {
            throw new IllegalArgumentException("tile batch must be at least 1, got " + tileBatch);
        }
        this.model = model;
        this.tiling = tiling;
        this.smoothing = smoothing;
        this.mapThreshold = mapThreshold;
        this.tileBatch = tileBatch;
        this.manager = manager;
        this.promptMapThreshold = promptMapThreshold;
        this.typeFusion = typeFusion;
    }

    /**
     * This predictor also stitching the model's prompt-only outputs ({@link TileModel#fused} with prompt-only) into
     * {@link Result#promptOnly}, its regions at {@code promptMapThreshold}.
     */
    public TiledPredictor withPromptOnly(double promptMapThreshold) {
        return new TiledPredictor(model, tiling, smoothing, mapThreshold, tileBatch, manager, promptMapThreshold,
                typeFusion);
    }

    /**
     * This predictor also typing the regions and the image ({@link TileTyping}) by {@code fusion}'s rule, from the
     * patch types the model gives with each tile ({@link TileModel.Output#types}); null for no types. The
     * prompt-only answer has no types, as untiled.
     */
    public TiledPredictor withTypes(TypeFusion fusion) {
        return new TiledPredictor(model, tiling, smoothing, mapThreshold, tileBatch, manager, promptMapThreshold,
                fusion);
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
        return predict(source, imageThreshold, Double.NaN);
    }

    /**
     * One image, tile by tile; with {@link #withPromptOnly}, the prompt-only answer too.
     *
     * @param imageThreshold NG when the fused score is at or above it
     * @param promptThreshold the prompt-only answer's image threshold
     */
    public Result predict(ImagePreprocessor.Source source, double imageThreshold, double promptThreshold) {
        TileGrid grid = layout(source.width(), source.height());
        boolean prompt = !Double.isNaN(promptMapThreshold);
        try (NDManager scope = manager.newSubManager();
                Side main = new Side(grid, scope, typeFusion);
                Side plain = prompt ? new Side(grid, scope, null) : null) {
            List<Tile> tiles = grid.tiles();
            for (int from = 0; from < tiles.size(); from += tileBatch) {
                List<Tile> batch = tiles.subList(from, Math.min(tiles.size(), from + tileBatch));
                runBatch(source, batch, main, plain, scope);
            }
            TileModel.Output global = tiling.global() ? globalPass(source, scope) : null;
            Prediction prediction = main.answer(source, global, mapThreshold, imageThreshold, scope);
            Prediction promptOnly = plain == null || !plain.filled ? null
                    : plain.answer(source, global == null ? null : global.promptOnly(), promptMapThreshold,
                            promptThreshold, scope);
            return new Result(prediction, grid, main.scores, main.global, promptOnly);
        }
    }

    /** One stitched answer's accumulators: tile maps, tile scores. */
    private final class Side implements AutoCloseable {
        final TileStitcher stitcher;
        final double[] scores;
        final double[] normal;
        final TileTyping typing;
        double global = Double.NaN;
        boolean filled;

        Side(TileGrid grid, NDManager scope, TypeFusion fusion) {
            this.stitcher = new TileStitcher(grid, model.inputSize(), tiling.merge(), scope);
            this.scores = new double[grid.count()];
            this.normal = new double[grid.count()];
            this.typing = fusion == null ? null : new TileTyping(grid, stitcher, fusion);
        }

        void add(Tile t, int i, TileModel.Output out, float[] probs) {
            scores[t.index()] = probs[2 * i + 1];
            normal[t.index()] = probs[2 * i];
            stitcher.add(t, out.rawMaps().get(new NDIndex("{}", i)));
            if (typing != null) {
                if (out.types() == null) {
                    throw new IllegalStateException("the tile model gives no patch types to type with");
                }
                typing.add(t, out.types().get(i));
            }
            filled = true;
        }

        /** The fused score, the smoothed stitched map at full resolution, regions and the verdict. */
        Prediction answer(ImagePreprocessor.Source source, TileModel.Output globalOut, double mapLimit,
                double imageThreshold, NDManager scope) {
            int width = source.width();
            int height = source.height();
            int s = model.inputSize();
            global = globalOut == null ? Double.NaN : globalOut.probabilities().toFloatArray()[1];
            int worst = argmax(scores);
            double score = tiling.global() ? ScoreFusion.withGlobal(scores[worst], global) : scores[worst];
            double normalScore = tiling.global() ? 1 - score : normal[worst];
            NDArray merged = stitcher.merged(smoothing, scope); // [Hc, Wc]
            NDArray full = stitcher.toImage(merged); // [H, W]
            NDArray square = MapResize.toImageSize(merged, s, s); // [S, S]
            float[] values = full.toFloatArray();
            Verdict verdict = Verdict.of(score, imageThreshold);
            DefectRegions regions = DefectRegions.find(values, height, width, (float) mapLimit);
            Prediction prediction = new Prediction(score, normalScore, verdict, values, width, height,
                    regions.regions(), regions.mask(), square.toFloatArray(), s);
            if (typing == null) {
                return prediction;
            }
            int canvasHeight = (int) merged.getShape().get(0);
            int canvasWidth = (int) merged.getShape().get(1);
            return typing.type(prediction, regions, merged.toFloatArray(), canvasWidth, canvasHeight);
        }

        @Override
        public void close() {
            stitcher.close();
        }
    }

    /** Runs one batch of tiles and adds their maps to the stitchers; the batch's tensors are freed after. */
    private void runBatch(ImagePreprocessor.Source source, List<Tile> batch, Side main, Side plain,
            NDManager parent) {
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
            float[] promptProbs = plain == null || out.promptOnly() == null ? null
                    : out.promptOnly().probabilities().toFloatArray(); // [B, 2]
            for (int i = 0; i < batch.size(); i++) {
                main.add(batch.get(i), i, out, probs);
                if (promptProbs != null) {
                    plain.add(batch.get(i), i, out.promptOnly(), promptProbs);
                }
            }
        }
    }

    /** The whole image as one input (exactly the untiled input); its outputs live in {@code scope}. */
    private TileModel.Output globalPass(ImagePreprocessor.Source source, NDManager scope) {
        int s = model.inputSize();
        NDArray pixels = scope.create(source.whole().pixels(), new Shape(1, 3, s, s));
        return model.runWhole(pixels);
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
