package com.adclip.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.anomaly.PromptConfig;
import com.adclip.clip.VisionFeatures;
import com.adclip.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** golden-v1's patch features (the reference's arrays, not our model's output) as {@link VisionFeatures}. */
final class GoldenFeatures {
    static final List<Integer> BLOCKS = List.of(2, 3, 4, 6);
    static final int GRID = 12;
    static final int SIZE = 48;
    static final DetectorConfig CONFIG = new DetectorConfig(SIZE, BLOCKS, 5, 4, 0.07f,
            new PromptConfig(6, 2, 3, "object"));

    final Map<String, NDArray> expected;

    GoldenFeatures(NDManager manager) {
        expected = Fixtures.npz(manager, Fixtures.goldenV1().resolve("expected.npz"));
    }

    /** Images {@code from..to-1} of the four. */
    VisionFeatures images(int from, int to) {
        List<VisionFeatures.PatchFeatures> patches = new ArrayList<>();
        for (int l = 0; l < BLOCKS.size(); l++) {
            NDArray tokens = expected.get("patch_features/" + l).get(new NDIndex("{}:{}", from, to));
            patches.add(new VisionFeatures.PatchFeatures(BLOCKS.get(l), tokens));
        }
        return new VisionFeatures(expected.get("image_features_raw").get(new NDIndex("{}:{}", from, to)), patches,
                GRID);
    }

    /** Layer l's token t of image b as doubles. */
    double[] token(int layer, int image, int token) {
        float[] row = expected.get("patch_features/" + layer).get(image, token).toFloatArray();
        double[] out = new double[row.length];
        for (int i = 0; i < row.length; i++) {
            out[i] = row[i];
        }
        return out;
    }

    static String sha(int i) {
        return String.format("%064x", i + 1);
    }
}
