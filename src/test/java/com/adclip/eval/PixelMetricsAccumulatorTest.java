package com.adclip.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * AUPRO and the streaming pixel metrics: hand-checked small cases (values from a NumPy/SciPy transcription
 * of the reference's {@code cal_pro_score}), and streaming == in-memory on random sets with ties.
 */
class PixelMetricsAccumulatorTest {
    private static final double TOL = 1e-12;

    // Two 8x8 maps: values rounded to 0.01 (ties), defect pixels raised; map 0 has defect pixels touching only
    // by a corner ((1,1) and (2,2)), which 8-connectivity joins into one region.
    private static final float[][] MAPS = {
        {0.12999999523162842f, 0.5f, 0.6000000238418579f, 0.029999999329447746f, 0.15000000596046448f, 0.9300000071525574f, 0.07000000029802322f, 0.12999999523162842f, 0.949999988079071f, 1.5199999809265137f, 0.3700000047683716f, 0.5099999904632568f, 0.6600000262260437f, 0.2800000011920929f, 0.14000000059604645f, 0.7900000214576721f, 0.6700000166893005f, 0.5099999904632568f, 1.1200000047683716f, 0.550000011920929f, 0.9800000190734863f, 0.20000000298023224f, 0.550000011920929f, 0.47999998927116394f, 0.3499999940395355f, 0.5899999737739563f, 0.23999999463558197f, 0.800000011920929f, 0.8700000047683716f, 0.12999999523162842f, 0.4699999988079071f, 0.2800000011920929f, 0.07999999821186066f, 0.8999999761581421f, 0.4300000071525574f, 0.15000000596046448f, 0.6700000166893005f, 0.20000000298023224f, 0.8999999761581421f, 0.2199999988079071f, 0.029999999329447746f, 0.20000000298023224f, 0.3499999940395355f, 0.4699999988079071f, 0.9100000262260437f, 0.699999988079071f, 0.3400000035762787f, 0.019999999552965164f, 0.1599999964237213f, 1.0f, 0.46000000834465027f, 0.6899999976158142f, 0.05000000074505806f, 0.029999999329447746f, 0.8500000238418579f, 0.5899999737739563f, 0.3100000023841858f, 0.3199999928474426f, 0.09000000357627869f, 0.17000000178813934f, 0.019999999552965164f, 0.8399999737739563f, 0.4699999988079071f, 0.12999999523162842f},
        {0.7400000095367432f, 0.20000000298023224f, 0.05999999865889549f, 0.6000000238418579f, 0.8999999761581421f, 0.029999999329447746f, 0.8100000023841858f, 0.38999998569488525f, 0.09000000357627869f, 0.019999999552965164f, 0.28999999165534973f, 0.7300000190734863f, 0.49000000953674316f, 0.8500000238418579f, 0.2199999988079071f, 0.3199999928474426f, 0.25999999046325684f, 0.9800000190734863f, 0.9399999976158142f, 0.3400000035762787f, 0.4399999976158142f, 0.3100000023841858f, 0.75f, 0.03999999910593033f, 0.07000000029802322f, 0.4000000059604645f, 0.25f, 0.8500000238418579f, 0.7400000095367432f, 0.550000011920929f, 0.6600000262260437f, 0.6899999976158142f, 0.7799999713897705f, 0.9300000071525574f, 0.15000000596046448f, 0.6299999952316284f, 0.14000000059604645f, 0.4399999976158142f, 0.7900000214576721f, 0.8899999856948853f, 0.7599999904632568f, 0.03999999910593033f, 0.36000001430511475f, 0.1599999964237213f, 1.0f, 0.6399999856948853f, 0.23999999463558197f, 0.36000001430511475f, 0.05999999865889549f, 0.8700000047683716f, 0.6399999856948853f, 0.1599999964237213f, 1.2999999523162842f, 0.07999999821186066f, 0.6100000143051147f, 0.23000000417232513f, 0.03999999910593033f, 0.11999999731779099f, 0.5600000023841858f, 0.6399999856948853f, 0.3199999928474426f, 0.6399999856948853f, 0.3499999940395355f, 0.12999999523162842f},
    };
    private static final String[] MASKS = {
        "0000000001000000001100000000000000000000000000000000000000000000",
        "0000000100000000000000000000000000000000000001100000100000000000",
    };

    private static List<float[]> smallMaps() {
        return List.of(MAPS[0], MAPS[1]);
    }

    private static List<boolean[]> smallMasks() {
        List<boolean[]> out = new ArrayList<>();
        for (String s : MASKS) {
            boolean[] m = new boolean[s.length()];
            for (int i = 0; i < m.length; i++) {
                m[i] = s.charAt(i) == '1';
            }
            out.add(m);
        }
        return out;
    }

    @Test
    void thresholdsFollowNumpyArange() {
        // np.arange(min, max, (max - min) / 200) on float32 min, max: length, elements 0, 1, 57, last.
        double[] t = Aupro.thresholds(0.1f, 0.7f);
        assertEquals(200, t.length);
        assertEquals(0.10000000149011612, t[0], 0);
        assertEquals(0.10300000011920929, t[1], 0);
        assertEquals(0.2709999233484268, t[57], 0);
        assertEquals(0.696999728679657, t[199], 0);
        t = Aupro.thresholds(-1.5f, 2.25f);
        assertEquals(200, t.length);
        assertEquals(-1.4812500476837158, t[1], 0);
        assertEquals(-0.43125271797180176, t[57], 0);
        assertEquals(2.2312405109405518, t[199], 0);
    }

    @Test
    void smallCaseWithEightConnectivity() {
        // cal_pro_score gives 1/3 with skimage's 8-connected regions (it would be 0.5 with 4-connectivity).
        assertEquals(1.0 / 3, Aupro.compute(smallMasks(), smallMaps(), 8, 8).get(), TOL);
        PixelMetricsAccumulator acc = new PixelMetricsAccumulator();
        acc.add(MAPS[0], smallMasks().get(0), 8, 8);
        acc.add(MAPS[1], smallMasks().get(1), 8, 8);
        PixelMetrics r = acc.result();
        assertEquals(1.0 / 3, r.aupro().get(), TOL);
        assertEquals(0.7343565525383706, r.auroc().get(), TOL);
        assertEquals(0.4796249839109108, r.averagePrecision().get(), TOL);
        assertEquals(0.6, r.f1Max().f1().get(), TOL);
        assertEquals(1.12f, r.f1Max().threshold(), 0);
        assertEquals(3, r.regions()); // map 1: (6,4) touches (5,5) by a corner
        assertEquals(7, r.defectPixels());
        assertEquals(128, r.pixels());
        assertTrue(r.exact());
    }

    @Test
    void streamingEqualsInMemoryOnRandomMapsWithTies() {
        SplittableRandom random = new SplittableRandom(42);
        for (int trial = 0; trial < 5; trial++) {
            // Trial 4 has maps above 2048 pixels, which take the radix-sort path.
            int h = trial == 4 ? 64 : 12 + random.nextInt(20);
            int w = trial == 4 ? 70 : 10 + random.nextInt(20);
            List<float[]> maps = new ArrayList<>();
            List<boolean[]> masks = new ArrayList<>();
            for (int m = 0; m < 7; m++) {
                float[] map = new float[h * w];
                boolean[] mask = new boolean[h * w];
                paintBlobs(random, mask, h, w, m == 3 ? 0 : 1 + random.nextInt(3));
                for (int i = 0; i < map.length; i++) {
                    // Quantised values give many ties within and across maps, defects score higher.
                    float v = (random.nextInt(trial == 0 ? 5 : 300) - (trial == 4 ? 150 : 0)) / 10f;
                    map[i] = mask[i] ? v + random.nextInt(20) / 10f : v;
                }
                maps.add(map);
                masks.add(mask);
            }
            PixelMetricsAccumulator acc = new PixelMetricsAccumulator();
            for (int m = 0; m < maps.size(); m++) {
                acc.add(maps.get(m), masks.get(m), h, w);
            }
            PixelMetrics streamed = acc.result();
            boolean[] labels = new boolean[maps.size() * h * w];
            double[] scores = new double[labels.length];
            for (int m = 0; m < maps.size(); m++) {
                for (int i = 0; i < h * w; i++) {
                    labels[m * h * w + i] = masks.get(m)[i];
                    scores[m * h * w + i] = maps.get(m)[i];
                }
            }
            assertTrue(streamed.exact());
            assertEquals(ImageAuroc.compute(labels, scores).get(), streamed.auroc().get(), TOL);
            assertEquals(AveragePrecision.compute(labels, scores).get(), streamed.averagePrecision().get(), TOL);
            F1Max f1 = F1Max.compute(labels, scores);
            assertEquals(f1.f1().get(), streamed.f1Max().f1().get(), TOL);
            assertEquals(f1.threshold(), streamed.f1Max().threshold());
            assertEquals(Aupro.compute(masks, maps, h, w).get(), streamed.aupro().get(), TOL);

            // A tiny histogram must coarsen; its AUROC stays within the bound it reports.
            PixelMetricsAccumulator coarse = new PixelMetricsAccumulator(16);
            for (int m = 0; m < maps.size(); m++) {
                coarse.add(maps.get(m), masks.get(m), h, w);
            }
            PixelMetrics c = coarse.result();
            assertTrue(c.bins() <= 16);
            assertEquals(streamed.auroc().get(), c.auroc().get(), c.aurocErrorBound() + TOL);
            if (trial > 0) {
                assertFalse(c.exact());
                assertTrue(c.aurocErrorBound() > 0);
            }
        }
    }

    @Test
    void radixSortSortsSignedKeys() {
        SplittableRandom random = new SplittableRandom(3);
        int[] keys = new int[10_000];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = i % 3 == 0 ? ScoreHistogram.key((float) random.nextGaussian()) : random.nextInt();
        }
        keys[5] = Integer.MIN_VALUE;
        keys[6] = Integer.MAX_VALUE;
        int[] expected = keys.clone();
        java.util.Arrays.sort(expected, 0, 9_000);
        ScoreHistogram.radixSort(keys, 9_000, new int[9_000]);
        assertArrayEquals(expected, keys);
    }

    @Test
    void keysKeepFloatOrder() {
        float[] ordered = {Float.NEGATIVE_INFINITY, -3e38f, -1f, -Float.MIN_VALUE, 0f, Float.MIN_VALUE, 0.5f, 1f,
            Float.POSITIVE_INFINITY};
        for (int i = 1; i < ordered.length; i++) {
            assertTrue(ScoreHistogram.key(ordered[i - 1]) < ScoreHistogram.key(ordered[i]));
            assertEquals(ordered[i], ScoreHistogram.value(ScoreHistogram.key(ordered[i])));
        }
        assertEquals(ScoreHistogram.key(0f), ScoreHistogram.key(-0f));
    }

    @Test
    void aClassWithoutDefectsIsNotComputable() {
        PixelMetricsAccumulator acc = new PixelMetricsAccumulator();
        acc.add(new float[] {0.1f, 0.5f, 0.3f, 0.9f}, new boolean[4], 2, 2);
        PixelMetrics r = acc.result();
        for (MetricValue v : List.of(r.auroc(), r.averagePrecision(), r.f1Max().f1(), r.aupro())) {
            assertFalse(v.computable());
            assertTrue(v.reason().contains("no defect"), v.reason());
        }
        assertFalse(new PixelMetricsAccumulator().result().aupro().computable());
        assertFalse(Aupro.compute(List.of(new boolean[4]), List.of(new float[4]), 2, 2).computable());
    }

    @Test
    void constantMapsHaveNoAupro() {
        boolean[] mask = {true, false, false, false};
        PixelMetricsAccumulator acc = new PixelMetricsAccumulator();
        acc.add(new float[] {0.4f, 0.4f, 0.4f, 0.4f}, mask, 2, 2);
        PixelMetrics r = acc.result();
        assertEquals(0.5, r.auroc().get(), TOL);
        assertFalse(r.aupro().computable());
        assertTrue(r.aupro().reason().contains("every anomaly-map value"), r.aupro().reason());
    }

    @Test
    void mapsOfDifferentSizesAndSignedValues() {
        PixelMetricsAccumulator acc = new PixelMetricsAccumulator();
        float[] a = {-2f, -0.0f, 0.0f, 3f, -1f, 1f};
        boolean[] ma = {false, false, true, true, false, false};
        float[] b = {-3f, 5f, 0.5f, -0.5f};
        boolean[] mb = {false, true, false, false};
        acc.add(a, ma, 2, 3);
        acc.add(b, mb, 2, 2);
        boolean[] labels = {false, false, true, true, false, false, false, true, false, false};
        double[] scores = {-2, -0.0, 0.0, 3, -1, 1, -3, 5, 0.5, -0.5};
        PixelMetrics r = acc.result();
        assertEquals(ImageAuroc.compute(labels, scores).get(), r.auroc().get(), TOL);
        F1Max f1 = F1Max.compute(labels, scores);
        assertEquals(f1.f1().get(), r.f1Max().f1().get(), TOL);
        assertEquals(f1.threshold(), r.f1Max().threshold());
    }

    private static void paintBlobs(SplittableRandom random, boolean[] mask, int h, int w, int blobs) {
        for (int b = 0; b < blobs; b++) {
            int cy = random.nextInt(h);
            int cx = random.nextInt(w);
            int r = 1 + random.nextInt(3);
            for (int y = Math.max(0, cy - r); y < Math.min(h, cy + r + 1); y++) {
                for (int x = Math.max(0, cx - r); x < Math.min(w, cx + r + 1); x++) {
                    if ((y - cy) * (y - cy) + (x - cx) * (x - cx) <= r * r) {
                        mask[y * w + x] = true;
                    }
                }
            }
        }
        // A diagonal pair touching only by a corner.
        if (blobs > 0 && h > 4 && w > 4) {
            mask[w + 1] = true;
            mask[2 * w + 2] = true;
        }
    }
}
