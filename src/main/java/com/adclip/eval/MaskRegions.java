package com.adclip.eval;

import com.adclip.anomaly.DefectRegions;
import java.util.List;

/**
 * The connected defect regions of one ground-truth mask under 8-connectivity, as the reference's
 * {@code skimage.measure.label(mask)} finds them (its default connectivity is the full one, {@code ndim}).
 */
final class MaskRegions {
    /** Region number per pixel, 1..count, 0 for normal pixels. */
    final int[] labels;
    /** {@code areas[r]}: the pixel count of region r (index 0 unused). */
    final int[] areas;

    private MaskRegions(int[] labels, int[] areas) {
        this.labels = labels;
        this.areas = areas;
    }

    static MaskRegions of(boolean[] mask, int height, int width) {
        float[] asMap = new float[mask.length];
        boolean any = false;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i]) {
                asMap[i] = 1f;
                any = true;
            }
        }
        if (!any) {
            return new MaskRegions(new int[mask.length], new int[1]);
        }
        DefectRegions found = DefectRegions.find(asMap, height, width, 0.5f);
        List<DefectRegions.Region> regions = found.regions();
        int[] areas = new int[regions.size() + 1];
        for (DefectRegions.Region r : regions) {
            areas[r.id()] = r.area();
        }
        return new MaskRegions(found.labels(), areas);
    }

    int count() {
        return areas.length - 1;
    }
}
