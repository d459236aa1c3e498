package com.adclip.tile;

import com.adclip.anomaly.DefectRegions;
import com.adclip.anomaly.Prediction;
import com.adclip.types.PatchTypes;
import com.adclip.types.TypeDistribution;
import com.adclip.types.TypeFusion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Defect types of a tiled image, from each tile's own patch types: the regions are found on the stitched
 * full-resolution map, and a region's cell weights are its pixels in every tile's patch grid (a pixel (x, y) in a
 * tile at (x₀, y₀) of w × h pixels lies in that tile's cell (⌊(x−x₀)·G/w⌋, ⌊(y−y₀)·G/h⌋), and counts in every tile
 * that covers it, so overlaps average the tiles' opinions). The rule is then {@link TypeFusion}'s over all those
 * cells at once. An image without regions is typed from the tile cells whose mean stitched-map value (at canvas
 * resolution) is at least half the strongest cell's. With one tile covering the image this is exactly the
 * untiled typing.
 */
final class TileTyping {
    private final TileGrid grid;
    private final TileStitcher stitcher;
    private final TypeFusion fusion;
    private final PatchTypes[] tiles;

    TileTyping(TileGrid grid, TileStitcher stitcher, TypeFusion fusion) {
        this.grid = grid;
        this.stitcher = stitcher;
        this.fusion = fusion;
        this.tiles = new PatchTypes[grid.count()];
    }

    /** Records the patch types of {@code tile}. */
    void add(Tile tile, PatchTypes types) {
        tiles[tile.index()] = types;
    }

    /**
     * {@code prediction} with types, its regions being {@code regions}'.
     *
     * @param merged the stitched, smoothed map at canvas resolution [Hc × Wc], row-major
     */
    Prediction type(Prediction prediction, DefectRegions regions, float[] merged, int canvasWidth, int canvasHeight) {
        for (PatchTypes t : tiles) {
            if (t == null) {
                throw new IllegalStateException("a tile has no patch types");
            }
        }
        List<PatchTypes> all = Arrays.asList(tiles);
        List<DefectRegions.Region> found = regions.regions();
        List<double[][]> weights = regionWeights(regions.labels(), regions.width(), found.size());
        List<DefectRegions.Region> typed = new ArrayList<>();
        List<TypeDistribution> distributions = new ArrayList<>();
        int[] areas = new int[found.size()];
        for (int r = 0; r < found.size(); r++) {
            TypeDistribution d = fusion.cells(all, Arrays.asList(weights.get(r)));
            typed.add(found.get(r).withTypes(d));
            distributions.add(d);
            areas[r] = found.get(r).area();
        }
        TypeDistribution image = found.isEmpty()
                ? fusion.cells(all, Arrays.asList(strongestCells(merged, canvasWidth, canvasHeight)))
                : TypeFusion.image(distributions, areas);
        return prediction.withTypes(typed, image);
    }

    /** Per region, per tile, its pixels in each of the tile's cells (null for a tile it misses). */
    private List<double[][]> regionWeights(int[] labels, int width, int regions) {
        int height = labels.length / width;
        List<double[][]> out = new ArrayList<>();
        for (int r = 0; r < regions; r++) {
            out.add(new double[tiles.length][]);
        }
        for (Tile t : grid.tiles()) {
            int g = tiles[t.index()].grid();
            int x1 = Math.min(width, t.x() + t.width());
            int y1 = Math.min(height, t.y() + t.height());
            for (int y = t.y(); y < y1; y++) {
                int cy = (int) ((long) (y - t.y()) * g / t.height());
                for (int x = t.x(); x < x1; x++) {
                    int id = labels[y * width + x];
                    if (id > 0) {
                        double[][] perTile = out.get(id - 1);
                        if (perTile[t.index()] == null) {
                            perTile[t.index()] = new double[g * g];
                        }
                        int cx = (int) ((long) (x - t.x()) * g / t.width());
                        perTile[t.index()][cy * g + cx]++;
                    }
                }
            }
        }
        return out;
    }

    /**
     * Per tile, the weights of an image without regions: each tile cell's mean merged-map value over its canvas
     * cells inside the image when at least half the strongest tile cell's, else 0 (every cell inside the image
     * equally when the map is flat at 0). As {@link TypeFusion#strongestCells} for one tile.
     */
    private double[][] strongestCells(float[] merged, int canvasWidth, int canvasHeight) {
        double[][] mean = new double[tiles.length][];
        int[][] counts = new int[tiles.length][];
        double most = 0;
        for (Tile t : grid.tiles()) {
            int g = tiles[t.index()].grid();
            int size = stitcher.mapSize();
            int patch = size / g;
            int x0 = stitcher.cellX(t.x());
            int y0 = stitcher.cellY(t.y());
            double[] sum = new double[g * g];
            int[] count = new int[g * g];
            for (int y = y0; y < Math.min(canvasHeight, y0 + size); y++) {
                for (int x = x0; x < Math.min(canvasWidth, x0 + size); x++) {
                    int c = ((y - y0) / patch) * g + (x - x0) / patch;
                    sum[c] += merged[y * canvasWidth + x];
                    count[c]++;
                }
            }
            for (int c = 0; c < sum.length; c++) {
                if (count[c] > 0) {
                    sum[c] /= count[c];
                    most = Math.max(most, sum[c]);
                }
            }
            mean[t.index()] = sum;
            counts[t.index()] = count;
        }
        double[][] weights = new double[tiles.length][];
        for (int i = 0; i < tiles.length; i++) {
            weights[i] = new double[mean[i].length];
            for (int c = 0; c < mean[i].length; c++) {
                boolean inside = counts[i][c] > 0;
                weights[i][c] = !inside ? 0 : most > 0 ? (mean[i][c] >= most / 2 ? mean[i][c] : 0) : 1;
            }
        }
        return weights;
    }
}
