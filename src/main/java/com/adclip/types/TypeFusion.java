package com.adclip.types;

import java.util.ArrayList;
import java.util.List;

/**
 * Post-processing of defect types: the two paths fused into one distribution per region, and regions into one per
 * image. The rule (also in docs/defect-types.md), for a region R with cell weights w (pixels of R in each patch
 * cell):
 *
 * <ol>
 *   <li>text(k) = Σ w·P_text(k | cell) / Σ w; d(k) = Σ w·distance(cell, k) / Σ w.</li>
 *   <li>visual(k) = softmax over the types with prototypes of {@code −d(k) / visualTemperature}, 0 for the
 *       others.</li>
 *   <li>fused = textWeight · text + (1 − textWeight) · visual; without any prototype, fused = text.</li>
 *   <li>R is <b>far</b> when min over the types with prototypes of d(k) &gt; farDistance (never when farDistance is
 *       unknown; always when there is no prototype). The text path is <b>unsure</b> when max text(k) &lt; textSure.
 *       When R is far and the text path unsure, its distribution is {@code unknown: 1 − max text} and
 *       {@code text(k) · max text} for each type: the visual path says nothing about a region unlike every
 *       example, and the text path only as much as it is sure.</li>
 * </ol>
 *
 * The image distribution is the regions' distributions weighted by their areas (NG regions: every region of an
 * image is above the map threshold). An image without regions is typed from the cells whose mean map value is at
 * least half the strongest cell's, weighted by that value, by the same rule.
 */
public final class TypeFusion {
    private final List<String> names;
    private final TypesSection section;
    private final boolean[] hasRows;
    private final boolean anyRows;

    /** @param hasRows per type, whether it has prototypes (all false without prototypes) */
    public TypeFusion(TypesSection section, boolean[] hasRows) {
        this.section = section;
        this.names = section.types().names();
        if (hasRows.length != names.size()) {
            throw new IllegalArgumentException(hasRows.length + " prototype flags for " + names.size() + " types");
        }
        this.hasRows = hasRows.clone();
        boolean any = false;
        for (boolean b : hasRows) {
            any |= b;
        }
        this.anyRows = any;
    }

    /** The distribution of a set of cells with weights {@code weights} [G²] (not all zero). */
    public TypeDistribution cells(PatchTypes patches, double[] weights) {
        return cells(List.of(patches), List.of(weights));
    }

    /**
     * The distribution of a set of cells of several patch grids (the tiles of a tiled image), cell weights
     * {@code weights[i]} [G²] on grid {@code patches[i]} (a null weight array for a grid the region misses; not all
     * zero): the weighted means run over every grid's cells at once.
     */
    public TypeDistribution cells(List<PatchTypes> patches, List<double[]> weights) {
        int k = names.size();
        if (patches.size() != weights.size()) {
            throw new IllegalArgumentException(patches.size() + " patch grids for " + weights.size() + " weights");
        }
        double[] text = new double[k];
        double[] distance = new double[k];
        boolean distances = true;
        double total = 0;
        for (int i = 0; i < patches.size(); i++) {
            PatchTypes p = patches.get(i);
            double[] w = weights.get(i);
            if (p.types() != k || (w != null && w.length != p.grid() * p.grid())) {
                throw new IllegalArgumentException("patch types of " + p.types() + " types on a " + p.grid()
                        + "² grid for " + k + " types and " + (w == null ? 0 : w.length) + " weights");
            }
            distances &= p.distance() != null;
            if (w != null) {
                total += accumulate(p, w, text, distance);
            }
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("no cell has weight");
        }
        for (int t = 0; t < k; t++) {
            text[t] /= total;
            distance[t] /= total;
        }
        return fuse(text, distances ? distance : null);
    }

    /** Adds {@code w}-weighted text probabilities and distances of one grid's cells; returns the grid's weight. */
    private static double accumulate(PatchTypes patches, double[] weights, double[] text, double[] distance) {
        int k = text.length;
        double total = 0;
        for (int c = 0; c < weights.length; c++) {
            double w = weights[c];
            if (w == 0) {
                continue;
            }
            total += w;
            for (int t = 0; t < k; t++) {
                text[t] += w * patches.text()[c * k + t];
                if (patches.distance() != null) {
                    distance[t] += w * patches.distance()[c * k + t];
                }
            }
        }
        return total;
    }

    /**
     * Fuses a region's mean text probabilities and mean distances (null without prototypes) by the rule above.
     */
    public TypeDistribution fuse(double[] text, double[] distance) {
        int k = names.size();
        double textTop = 0;
        for (double p : text) {
            textTop = Math.max(textTop, p);
        }
        boolean prototypes = anyRows && distance != null;
        double nearest = Double.POSITIVE_INFINITY;
        if (prototypes) {
            for (int t = 0; t < k; t++) {
                if (hasRows[t]) {
                    nearest = Math.min(nearest, distance[t]);
                }
            }
        }
        boolean far = !prototypes || (section.farDistance() != null && nearest > section.farDistance());
        boolean unsure = textTop < section.textSure();
        List<String> out = new ArrayList<>(names);
        if (far && unsure) {
            double[] weights = new double[k + 1];
            for (int t = 0; t < k; t++) {
                weights[t] = text[t] * textTop;
            }
            weights[k] = 1 - textTop;
            out.add(TypeDistribution.UNKNOWN);
            return TypeDistribution.normalised(out, weights);
        }
        if (!prototypes) {
            return TypeDistribution.normalised(out, text.clone());
        }
        double[] visual = visual(distance);
        double[] fused = new double[k];
        for (int t = 0; t < k; t++) {
            fused[t] = section.textWeight() * text[t] + (1 - section.textWeight()) * visual[t];
        }
        return TypeDistribution.normalised(out, fused);
    }

    /** softmax of {@code −d / visualTemperature} over the types with prototypes; 0 for the others. */
    double[] visual(double[] distance) {
        int k = names.size();
        double lowest = Double.POSITIVE_INFINITY;
        for (int t = 0; t < k; t++) {
            if (hasRows[t]) {
                lowest = Math.min(lowest, distance[t]);
            }
        }
        double[] out = new double[k];
        double sum = 0;
        for (int t = 0; t < k; t++) {
            if (hasRows[t]) {
                out[t] = Math.exp(-(distance[t] - lowest) / section.visualTemperature());
                sum += out[t];
            }
        }
        for (int t = 0; t < k; t++) {
            out[t] /= sum;
        }
        return out;
    }

    /**
     * Per region (ids 1..n), its pixels in each patch cell: [n][G²]. Pixel (x, y) of a W × H image lies in cell
     * ({@code ⌊x·G/W⌋}, {@code ⌊y·G/H⌋}), as the image is resized to the model's square input.
     *
     * @param labels each pixel's region id, 0 for background, row-major H × W
     */
    public static double[][] regionCells(int[] labels, int width, int height, int regions, int grid) {
        double[][] cells = new double[regions][grid * grid];
        for (int y = 0; y < height; y++) {
            int cy = (int) ((long) y * grid / height);
            for (int x = 0; x < width; x++) {
                int id = labels[y * width + x];
                if (id > 0) {
                    int cx = (int) ((long) x * grid / width);
                    cells[id - 1][cy * grid + cx]++;
                }
            }
        }
        return cells;
    }

    /**
     * The cell weights of an image without regions: each cell's mean map value when at least half the strongest
     * cell's, else 0 (all cells equally when the map is flat at 0).
     *
     * @param map the S × S map, row-major
     */
    public static double[] strongestCells(float[] map, int size, int grid) {
        int patch = size / grid;
        double[] mean = new double[grid * grid];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                mean[(y / patch) * grid + x / patch] += map[y * size + x];
            }
        }
        double most = 0;
        for (int c = 0; c < mean.length; c++) {
            mean[c] /= (double) patch * patch;
            most = Math.max(most, mean[c]);
        }
        double[] weights = new double[mean.length];
        for (int c = 0; c < mean.length; c++) {
            weights[c] = most > 0 ? (mean[c] >= most / 2 ? mean[c] : 0) : 1;
        }
        return weights;
    }

    /** The area-weighted mixture of region distributions (each name's probability, summed over regions). */
    public static TypeDistribution image(List<TypeDistribution> regions, int[] areas) {
        if (regions.isEmpty() || regions.size() != areas.length) {
            throw new IllegalArgumentException(regions.size() + " regions, " + areas.length + " areas");
        }
        java.util.Map<String, Double> mixed = new java.util.LinkedHashMap<>();
        double total = 0;
        for (int i = 0; i < areas.length; i++) {
            total += areas[i];
        }
        for (int i = 0; i < regions.size(); i++) {
            double share = areas[i] / total;
            regions.get(i).probabilities().forEach((name, p) -> mixed.merge(name, p * share, Double::sum));
        }
        return new TypeDistribution(mixed);
    }
}
