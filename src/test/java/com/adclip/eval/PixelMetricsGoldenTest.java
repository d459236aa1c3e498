package com.adclip.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The reference's pixel AUROC and AUPRO on golden-v1's {@code pro/maps}, {@code pro/masks}, within 1e-6. */
class PixelMetricsGoldenTest {
    private static final double TOL = 1e-6;
    private static final List<float[]> maps = new ArrayList<>();
    private static final List<boolean[]> masks = new ArrayList<>();
    private static int height;
    private static int width;
    private static double pixelAuroc;
    private static double pixelAupro;

    @BeforeAll
    static void load() throws IOException {
        Path dir = Fixtures.goldenV1();
        var metrics = new ObjectMapper().readTree(dir.resolve("expected.json").toFile()).get("metrics");
        pixelAuroc = metrics.get("pixel_auroc").asDouble();
        pixelAupro = metrics.get("pixel_aupro").asDouble();
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> arrays = Fixtures.npz(manager, dir.resolve("expected.npz"));
            NDArray m = arrays.get("pro/maps");
            NDArray k = arrays.get("pro/masks").toType(DataType.FLOAT32, false);
            int n = Math.toIntExact(m.getShape().get(0));
            height = Math.toIntExact(m.getShape().get(1));
            width = Math.toIntExact(m.getShape().get(2));
            float[] allMaps = m.toFloatArray();
            float[] allMasks = k.toFloatArray();
            int size = height * width;
            for (int i = 0; i < n; i++) {
                maps.add(Arrays.copyOfRange(allMaps, i * size, (i + 1) * size));
                boolean[] mask = new boolean[size];
                for (int p = 0; p < size; p++) {
                    mask[p] = allMasks[i * size + p] != 0f;
                }
                masks.add(mask);
            }
        }
    }

    @Test
    void inMemoryAuproMatchesCalProScore() {
        assertEquals(pixelAupro, Aupro.compute(masks, maps, height, width).get(), TOL);
    }

    @Test
    void inMemoryPixelAurocMatchesRocAucScore() {
        int size = height * width;
        boolean[] labels = new boolean[maps.size() * size];
        double[] scores = new double[labels.length];
        for (int i = 0; i < maps.size(); i++) {
            for (int p = 0; p < size; p++) {
                labels[i * size + p] = masks.get(i)[p];
                scores[i * size + p] = maps.get(i)[p];
            }
        }
        assertEquals(pixelAuroc, ImageAuroc.compute(labels, scores).get(), TOL);
    }

    @Test
    void streamingMatchesTheReference() {
        PixelMetricsAccumulator acc = new PixelMetricsAccumulator();
        for (int i = 0; i < maps.size(); i++) {
            acc.add(maps.get(i), masks.get(i), height, width);
        }
        PixelMetrics result = acc.result();
        assertTrue(result.exact());
        assertEquals(pixelAuroc, result.auroc().get(), TOL);
        assertEquals(pixelAupro, result.aupro().get(), TOL);
        assertEquals(0.0, result.auproSpread());
    }
}
