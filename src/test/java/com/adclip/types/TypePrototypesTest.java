package com.adclip.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.adclip.clip.VisionFeatures;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The visual path on synthetic features with known types: each type's patches point in its own direction (plus
 * noise), the background in another. Prototypes built from labelled images recover every type exactly, on new
 * images, per patch and per region through the fusion.
 */
class TypePrototypesTest {
    private static final int GRID = 4;
    private static final int E = 16;
    private static final List<Integer> BLOCKS = List.of(2, 5);
    private static final List<String> NAMES = List.of("scratch", "dent", "stain");

    private NDManager manager;
    private final Random random = new Random(7);

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** Direction of type k (k = NAMES.size() is the background): axis 3k, with the block adding axis 3k+1. */
    private float[] feature(int kind, int layer, double noise) {
        float[] f = new float[E];
        f[3 * kind] = 1;
        f[3 * kind + 1] = 0.5f * (layer + 1);
        for (int i = 0; i < E; i++) {
            f[i] += (float) (noise * random.nextGaussian());
        }
        return f;
    }

    /** Features [B, 1 + G², E] per block: cell c of image b is of kind kinds[b][c]. */
    private VisionFeatures features(int[][] kinds, double noise) {
        List<VisionFeatures.PatchFeatures> patches = new ArrayList<>();
        for (int l = 0; l < BLOCKS.size(); l++) {
            float[] flat = new float[kinds.length * (1 + GRID * GRID) * E];
            for (int b = 0; b < kinds.length; b++) {
                float[] cls = feature(NAMES.size(), l, noise);
                System.arraycopy(cls, 0, flat, b * (1 + GRID * GRID) * E, E);
                for (int c = 0; c < GRID * GRID; c++) {
                    float[] f = feature(kinds[b][c], l, noise);
                    System.arraycopy(f, 0, flat, (b * (1 + GRID * GRID) + 1 + c) * E, E);
                }
            }
            NDArray tokens = manager.create(flat, new Shape(kinds.length, 1 + GRID * GRID, E));
            patches.add(new VisionFeatures.PatchFeatures(BLOCKS.get(l), tokens));
        }
        return new VisionFeatures(manager.zeros(new Shape(kinds.length, E)), patches, GRID);
    }

    /** An image whose cells {@code cells} are of type {@code type}, the others background. */
    private static int[] image(int type, int... cells) {
        int[] kinds = new int[GRID * GRID];
        java.util.Arrays.fill(kinds, NAMES.size());
        for (int c : cells) {
            kinds[c] = type;
        }
        return kinds;
    }

    private static boolean[] mask(int[] kinds) {
        boolean[] m = new boolean[kinds.length];
        for (int c = 0; c < kinds.length; c++) {
            m[c] = kinds[c] < NAMES.size();
        }
        return m;
    }

    @Test
    void prototypesRecoverKnownTypesExactly() {
        int[][] train = {image(0, 0, 1), image(0, 5), image(1, 10, 11, 14), image(1, 3), image(2, 15), image(2, 6, 7)};
        TypePrototypes.Builder builder = new TypePrototypes.Builder(BLOCKS, NAMES.size(), 512);
        VisionFeatures trainFeatures = features(train, 0.02);
        int[] types = {0, 0, 1, 1, 2, 2};
        for (int b = 0; b < train.length; b++) {
            builder.add(trainFeatures, b, types[b], mask(train[b]));
        }
        assertArrayEquals(new int[] {2, 2, 2}, builder.images());
        try (TypePrototypes prototypes = builder.build(manager)) {
            for (int k = 0; k < NAMES.size(); k++) {
                assertTrue(prototypes.hasRows(k));
            }
            // stored rows: the unit training patches in type order, as float16
            NDArray rows = prototypes.storedRows(0);
            assertEquals(DataType.FLOAT16, rows.getDataType());
            assertEquals(2 + 1 + 3 + 1 + 1 + 2, rows.getShape().get(0));
            int[] labels = prototypes.tensors().get("label.2").toIntArray();
            assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1, 1, 2, 2, 2}, labels);

            int[][] test = {image(0, 12, 13), image(1, 2), image(2, 8, 9, 10), image(0, 4), image(1, 15, 11),
                image(2, 0)};
            VisionFeatures testFeatures = features(test, 0.02);
            float[] d = prototypes.distances(testFeatures).toFloatArray(); // [B, G², K]
            TypesSection section = DefectTypes.section(new TypeVocabulary(NAMES.stream().map(DefectType::named)
                    .toList()), "object", BLOCKS, new int[] {2, 2, 2}, null);
            TypeFusion fusion = new TypeFusion(section, new boolean[] {true, true, true});
            for (int b = 0; b < test.length; b++) {
                double[] weights = new double[GRID * GRID];
                int truth = -1;
                for (int c = 0; c < GRID * GRID; c++) {
                    int kind = test[b][c];
                    if (kind < NAMES.size()) {
                        truth = kind;
                        weights[c] = 1;
                        int nearest = argmin(d, (b * GRID * GRID + c) * 3);
                        assertEquals(kind, nearest, "image " + b + " cell " + c);
                    }
                }
                float[] uniformText = new float[GRID * GRID * 3];
                java.util.Arrays.fill(uniformText, 1f / 3);
                float[] distances = java.util.Arrays.copyOfRange(d, b * GRID * GRID * 3, (b + 1) * GRID * GRID * 3);
                TypeDistribution region = fusion.cells(new PatchTypes(GRID, uniformText, distances), weights);
                assertEquals(NAMES.get(truth), region.top(), "image " + b + ": " + region);
                assertFalse(region.probabilities().containsKey(TypeDistribution.UNKNOWN));
            }
        }
    }

    private static int argmin(float[] d, int from) {
        int best = 0;
        for (int k = 1; k < 3; k++) {
            if (d[from + k] < d[from + best]) {
                best = k;
            }
        }
        return best;
    }

    @Test
    void storedRowsRoundTripAndATypeWithoutRowsIsAtTheLargestDistance() {
        int[][] train = {image(1, 0, 1)};
        TypePrototypes.Builder builder = new TypePrototypes.Builder(BLOCKS, NAMES.size(), 512);
        builder.add(features(train, 0), 0, 1, mask(train[0]));
        try (TypePrototypes built = builder.build(manager);
                TypePrototypes loaded = TypePrototypes.of(BLOCKS, NAMES.size(), built.tensors(), manager)) {
            assertFalse(loaded.hasRows(0));
            assertTrue(loaded.hasRows(1));
            // exact features (no noise): the unit rows 1/√1.25 · (1, 0.5) are stored as float16
            float[] row = loaded.storedRows(0).toType(DataType.FLOAT32, false).toFloatArray();
            double norm = Math.sqrt(1 + 0.25);
            assertEquals(1 / norm, row[3], 1e-3);
            assertEquals(0.5 / norm, row[4], 1e-3);
            float[] d = loaded.distances(features(new int[][] {image(1, 7)}, 0)).toFloatArray();
            assertEquals(TypePrototypes.NO_ROWS, d[7 * 3], 0);
            assertEquals(0, d[7 * 3 + 1], 1e-3);
            assertEquals(TypePrototypes.NO_ROWS, d[7 * 3 + 2], 0);
        }
    }

    @Test
    void heldOutDistanceIsTheFarthestImageFromTheOtherImagesOfItsType() {
        // type 0 from two images with identical features: held out distance 0; type 2 from one image: not measured
        int[][] train = {image(0, 0), image(0, 1), image(2, 3)};
        TypePrototypes.Builder builder = new TypePrototypes.Builder(BLOCKS, NAMES.size(), 512);
        VisionFeatures f = features(train, 0);
        for (int b = 0; b < train.length; b++) {
            builder.add(f, b, b < 2 ? 0 : 2, mask(train[b]));
        }
        assertEquals(0, builder.largestHeldOutDistance(manager), 1e-6);
        TypePrototypes.Builder single = new TypePrototypes.Builder(BLOCKS, NAMES.size(), 512);
        single.add(f, 2, 2, mask(train[2]));
        assertTrue(Double.isNaN(single.largestHeldOutDistance(manager)));
    }

    @Test
    void cellsAreThoseAtLeastHalfCoveredElseTheMostCovered() {
        int size = 8;
        float[] mask = new float[size * size]; // grid 2: cells of 4 × 4 = 16 pixels
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 2; x++) {
                mask[y * size + x] = 1; // 8 of cell 0's 16 pixels: half
            }
        }
        mask[7 * size + 7] = 1; // 1 pixel of cell 3
        assertArrayEquals(new boolean[] {true, false, false, false}, TypePrototypes.cells(mask, size, 2));
        float[] small = new float[size * size];
        small[0] = 1;
        small[1] = 1;
        small[7 * size + 7] = 1;
        assertArrayEquals(new boolean[] {true, false, false, false}, TypePrototypes.cells(small, size, 2));
        assertArrayEquals(new boolean[4], TypePrototypes.cells(new float[size * size], size, 2));
    }
}
