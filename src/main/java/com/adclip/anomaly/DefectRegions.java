package com.adclip.anomaly;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.adclip.types.TypeDistribution;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The defect regions of one anomaly map: the binary mask {@code score > threshold} (the reference's rule when
 * it binarises maps for AUPRO) and its connected regions under 8-connectivity (as
 * {@code skimage.measure.label(connectivity=2)}: pixels touching by a corner belong to one region).
 *
 * <p>Regions are sorted by maximum score, highest first (ties: larger area first, then the region whose
 * first pixel comes first in raster order), and numbered 1, 2, ... in that order; {@link #labels()} uses
 * the same numbers, 0 being background. Coordinates are pixels of the map, x to the right, y down.
 */
public final class DefectRegions {
    private static final int[] NEIGHBOUR_DY = {-1, -1, -1, 0, 0, 1, 1, 1};
    private static final int[] NEIGHBOUR_DX = {-1, 0, 1, -1, 1, -1, 0, 1};

    /**
     * One connected region.
     *
     * @param id the region's number, 1 for the highest-scoring region
     * @param x the bounding box's left column
     * @param y the bounding box's top row
     * @param width the bounding box's width in pixels
     * @param height the bounding box's height in pixels
     * @param area the number of pixels in the region
     * @param maxScore the highest map value in the region
     * @param meanScore the mean map value over the region's pixels
     * @param types which defect type the region shows, or null when the bundle has no defect types
     */
    public record Region(int id, int x, int y, int width, int height, int area, float maxScore, float meanScore,
            TypeDistribution types) {
        /** A region without defect types. */
        public Region(int id, int x, int y, int width, int height, int area, float maxScore, float meanScore) {
            this(id, x, y, width, height, area, maxScore, meanScore, null);
        }

        /** This region with its defect types. */
        public Region withTypes(TypeDistribution value) {
            return new Region(id, x, y, width, height, area, maxScore, meanScore, value);
        }
    }

    private final int width;
    private final int height;
    private final float threshold;
    private final int[] labels;
    private final List<Region> regions;

    private DefectRegions(int width, int height, float threshold, int[] labels, List<Region> regions) {
        this.width = width;
        this.height = height;
        this.threshold = threshold;
        this.labels = labels;
        this.regions = List.copyOf(regions);
    }

    /**
     * Finds the regions of a row-major map of {@code height × width} values where {@code map > threshold}.
     * NaN values are never part of a region.
     */
    public static DefectRegions find(float[] map, int height, int width, float threshold) {
        if (height <= 0 || width <= 0 || (long) height * width != map.length) {
            throw new IllegalArgumentException("map of " + map.length + " values is not " + height + " x " + width);
        }
        if (Float.isNaN(threshold)) {
            throw new IllegalArgumentException("map threshold is NaN");
        }
        int[] raw = new int[map.length];
        List<Stats> found = new ArrayList<>();
        int[] queue = new int[map.length];
        int[] rows = new int[map.length];
        for (int start = 0; start < map.length; start++) {
            if (raw[start] == 0 && map[start] > threshold) {
                found.add(flood(map, height, width, threshold, start, found.size() + 1, raw, queue, rows));
            }
        }
        found.sort(Comparator.comparingDouble((Stats s) -> -s.max)
                .thenComparingInt(s -> -s.area)
                .thenComparingInt(s -> s.rasterLabel));
        int[] renumber = new int[found.size() + 1];
        List<Region> regions = new ArrayList<>(found.size());
        for (int i = 0; i < found.size(); i++) {
            Stats s = found.get(i);
            renumber[s.rasterLabel] = i + 1;
            regions.add(s.toRegion(i + 1));
        }
        for (int i = 0; i < raw.length; i++) {
            raw[i] = renumber[raw[i]];
        }
        return new DefectRegions(width, height, threshold, raw, regions);
    }

    /**
     * Finds the regions of a float32 map {@code [H, W]} (or {@code [1, H, W]}); see
     * {@link #find(float[], int, int, float)}.
     */
    public static DefectRegions find(NDArray map, float threshold) {
        Shape shape = map.getShape();
        boolean single = shape.dimension() == 2 || (shape.dimension() == 3 && shape.get(0) == 1);
        if (!single || map.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException(
                    "expected one float32 map [H, W], got " + map.getDataType() + " " + shape);
        }
        int h = Math.toIntExact(shape.get(shape.dimension() - 2));
        int w = Math.toIntExact(shape.getLastDimension());
        return find(map.toFloatArray(), h, w, threshold);
    }

    /**
     * Breadth-first labelling of the region holding {@code start}, gathering its statistics. Pixels are visited
     * in the same order whichever branch checks their neighbours: away from the border by fixed offsets, on it
     * with bounds checks; rows are kept beside the queue, so that no pixel costs a division (the station runs
     * this on the model's thread, over maps of camera size).
     */
    private static Stats flood(float[] map, int height, int width, float threshold, int start, int label,
            int[] labels, int[] queue, int[] rows) {
        Stats stats = new Stats(label, start % width, start / width);
        int[] offsets = {-width - 1, -width, -width + 1, -1, 1, width - 1, width, width + 1};
        int head = 0;
        int tail = 0;
        labels[start] = label;
        rows[tail] = start / width;
        queue[tail++] = start;
        while (head < tail) {
            int py = rows[head];
            int p = queue[head++];
            int px = p - py * width;
            stats.add(px, py, map[p]);
            boolean inside = px > 0 && px < width - 1 && py > 0 && py < height - 1;
            for (int n = 0; n < offsets.length; n++) {
                int qy = py + NEIGHBOUR_DY[n];
                if (!inside) {
                    int qx = px + NEIGHBOUR_DX[n];
                    if (qy < 0 || qy >= height || qx < 0 || qx >= width) {
                        continue;
                    }
                }
                int q = p + offsets[n];
                if (labels[q] == 0 && map[q] > threshold) {
                    labels[q] = label;
                    rows[tail] = qy;
                    queue[tail++] = q;
                }
            }
        }
        return stats;
    }

    /** The map's width in pixels. */
    public int width() {
        return width;
    }

    /** The map's height in pixels. */
    public int height() {
        return height;
    }

    /** The map threshold the mask was made with ({@code score > threshold}). */
    public float threshold() {
        return threshold;
    }

    /** The regions, highest maximum score first; empty when no pixel exceeds the threshold. */
    public List<Region> regions() {
        return regions;
    }

    /** The binary mask, row-major {@code height × width}: true where {@code score > threshold}. */
    public boolean[] mask() {
        boolean[] mask = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            mask[i] = labels[i] != 0;
        }
        return mask;
    }

    /** Each pixel's region id (0 for background), row-major {@code height × width}. */
    public int[] labels() {
        return labels.clone();
    }

    /** Running statistics of one region during labelling. */
    private static final class Stats {
        final int rasterLabel;
        int minX;
        int minY;
        int maxX;
        int maxY;
        int area;
        float max = Float.NEGATIVE_INFINITY;
        double sum;

        Stats(int rasterLabel, int x, int y) {
            this.rasterLabel = rasterLabel;
            this.minX = x;
            this.maxX = x;
            this.minY = y;
            this.maxY = y;
        }

        void add(int x, int y, float score) {
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
            minY = Math.min(minY, y);
            maxY = Math.max(maxY, y);
            area++;
            max = Math.max(max, score);
            sum += score;
        }

        Region toRegion(int id) {
            return new Region(id, minX, minY, maxX - minX + 1, maxY - minY + 1, area, max, (float) (sum / area));
        }
    }
}
