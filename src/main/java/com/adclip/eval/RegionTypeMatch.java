package com.adclip.eval;

import com.adclip.anomaly.DefectRegions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ground-truth type of each predicted defect region, for the region-level type evaluation.
 *
 * <p>Rule: a predicted region R takes the type of the ground-truth region G that shares the most pixels with it
 * (ties: the first G), and is counted only when those shared pixels are at least {@link #MIN_OVERLAP} of the
 * smaller of the two regions, {@code |R ∩ G| ≥ 0.25 · min(|R|, |G|)}. The smaller area, rather than the union
 * (IoU), because anomaly maps are blurry: a predicted blob around a thin scratch, or a small blob inside a
 * large stain, is still "that defect". A region with no such G (a false alarm, or one barely touching a
 * defect) has no ground-truth type and is left out of the type metrics; ground-truth regions no prediction
 * covers are misses of detection, counted by the pixel metrics, not here.
 *
 * <p>Regions are 8-connected, as {@link DefectRegions} finds them; both are compared at the image's own size.
 */
public final class RegionTypeMatch {
    /** The least share of the smaller region that must overlap. */
    public static final double MIN_OVERLAP = 0.25;

    /**
     * A ground-truth defect region.
     *
     * @param type its defect type
     * @param pixels its pixel indices, row-major at the image's size
     */
    public record Truth(String type, int[] pixels) {
        public Truth {
            pixels = pixels.clone();
        }
    }

    private RegionTypeMatch() {}

    /** The 8-connected regions of a ground-truth mask (row-major {@code height × width}), all of one type. */
    public static List<Truth> components(boolean[] mask, int width, int height, String type) {
        float[] asMap = new float[mask.length];
        for (int i = 0; i < mask.length; i++) {
            asMap[i] = mask[i] ? 1f : 0f;
        }
        DefectRegions found = DefectRegions.find(asMap, height, width, 0.5f);
        int[] labels = found.labels();
        int count = found.regions().size();
        int[] fill = new int[count + 1];
        int[][] pixels = new int[count + 1][];
        for (DefectRegions.Region r : found.regions()) {
            pixels[r.id()] = new int[r.area()];
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] > 0) {
                pixels[labels[i]][fill[labels[i]]++] = i;
            }
        }
        List<Truth> out = new ArrayList<>();
        for (int r = 1; r <= count; r++) {
            out.add(new Truth(type, pixels[r]));
        }
        return out;
    }

    /**
     * Each predicted region's pixel labels: {@code labels[i] = k + 1} for the pixels of {@code regions.get(k)},
     * 0 elsewhere. The regions are the 8-connected regions of {@code mask}; each is told apart by its box and
     * area. A region that cannot be told apart (two regions with one box and area) gets no pixels.
     */
    public static int[] labels(boolean[] mask, int width, int height, List<DefectRegions.Region> regions) {
        float[] asMap = new float[mask.length];
        for (int i = 0; i < mask.length; i++) {
            asMap[i] = mask[i] ? 1f : 0f;
        }
        DefectRegions found = DefectRegions.find(asMap, height, width, 0.5f);
        Map<List<Integer>, Integer> byShape = new HashMap<>();
        for (int k = 0; k < regions.size(); k++) {
            byShape.merge(key(regions.get(k)), k + 1, (a, b) -> -1);
        }
        int[] renumber = new int[found.regions().size() + 1];
        for (DefectRegions.Region r : found.regions()) {
            renumber[r.id()] = Math.max(0, byShape.getOrDefault(key(r), 0));
        }
        int[] labels = found.labels();
        for (int i = 0; i < labels.length; i++) {
            labels[i] = renumber[labels[i]];
        }
        return labels;
    }

    private static List<Integer> key(DefectRegions.Region r) {
        return List.of(r.x(), r.y(), r.width(), r.height(), r.area());
    }

    /**
     * The ground-truth type of each predicted region (index k for label k + 1), null where the rule finds none.
     *
     * @param labels predicted region labels per pixel (0 = none, k + 1 = region k)
     * @param count the number of predicted regions
     */
    public static String[] match(int[] labels, int count, List<Truth> truth) {
        long[] area = new long[count + 1];
        for (int label : labels) {
            if (label < 0 || label > count) {
                throw new IllegalArgumentException("region label " + label + " outside 0.." + count);
            }
            area[label]++;
        }
        long[][] shared = new long[count + 1][truth.size()];
        for (int g = 0; g < truth.size(); g++) {
            for (int p : truth.get(g).pixels()) {
                shared[labels[p]][g]++;
            }
        }
        String[] out = new String[count];
        for (int k = 1; k <= count; k++) {
            int best = -1;
            for (int g = 0; g < truth.size(); g++) {
                if (shared[k][g] > 0 && (best < 0 || shared[k][g] > shared[k][best])) {
                    best = g;
                }
            }
            if (best >= 0) {
                long smaller = Math.min(area[k], truth.get(best).pixels().length);
                if (shared[k][best] >= MIN_OVERLAP * smaller) {
                    out[k - 1] = truth.get(best).type();
                }
            }
        }
        return out;
    }
}
