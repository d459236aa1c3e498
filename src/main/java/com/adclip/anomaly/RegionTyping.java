package com.adclip.anomaly;

import com.adclip.types.PatchTypes;
import com.adclip.types.TypeDistribution;
import com.adclip.types.TypeFusion;
import java.util.ArrayList;
import java.util.List;

/**
 * The post-processing step that gives one image's regions, and the image, their defect types (see
 * {@link TypeFusion} for the rule).
 */
@FunctionalInterface
public interface RegionTyping {
    /** {@code prediction} with types, its regions being {@code regions}'. */
    Prediction type(Prediction prediction, DefectRegions regions);

    /** Typing from one image's patch types: regions by their pixels' cells, the image by area (or its map). */
    static RegionTyping of(PatchTypes patches, TypeFusion fusion) {
        return (prediction, regions) -> {
            int grid = patches.grid();
            List<DefectRegions.Region> found = regions.regions();
            double[][] cells = TypeFusion.regionCells(regions.labels(), regions.width(), regions.height(),
                    found.size(), grid);
            List<DefectRegions.Region> typed = new ArrayList<>();
            List<TypeDistribution> distributions = new ArrayList<>();
            int[] areas = new int[found.size()];
            for (int i = 0; i < found.size(); i++) {
                TypeDistribution d = fusion.cells(patches, cells[i]);
                typed.add(found.get(i).withTypes(d));
                distributions.add(d);
                areas[i] = found.get(i).area();
            }
            TypeDistribution image;
            if (!found.isEmpty()) {
                image = TypeFusion.image(distributions, areas);
            } else if (prediction.gridSize() > 0 && prediction.gridSize() % grid == 0) {
                image = fusion.cells(patches, TypeFusion.strongestCells(prediction.grid(), prediction.gridSize(),
                        grid));
            } else {
                image = fusion.cells(patches, uniform(grid));
            }
            return prediction.withTypes(typed, image);
        };
    }

    private static double[] uniform(int grid) {
        double[] w = new double[grid * grid];
        java.util.Arrays.fill(w, 1);
        return w;
    }
}
