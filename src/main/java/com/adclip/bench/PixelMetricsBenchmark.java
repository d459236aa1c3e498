package com.adclip.bench;

import com.adclip.eval.PixelMetrics;
import com.adclip.eval.PixelMetricsAccumulator;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Times {@link PixelMetricsAccumulator} on a synthetic set ({@code adclip bench --metrics}):
 * {@code maps} random maps of {@code height × width} continuous float values (almost all distinct, the worst
 * case for the histogram), every other map with 1–3 disc-shaped defects scoring higher.
 */
public final class PixelMetricsBenchmark {
    private PixelMetricsBenchmark() {}

    /**
     * What one run measured.
     *
     * @param maps maps streamed
     * @param pixels pixels streamed
     * @param metricSeconds wall time inside {@code add} and {@code result} only
     * @param totalSeconds wall time including generating the synthetic maps
     * @param peakHeapBytes the JVM's peak heap use during the run (all pools, garbage included)
     * @param histogramBytes the accumulator's histogram at the end
     * @param metrics the result
     */
    public record Report(int maps, long pixels, double metricSeconds, double totalSeconds, long peakHeapBytes,
            long histogramBytes, PixelMetrics metrics) {

        /** The JSON line {@code adclip bench --metrics} prints. */
        public Map<String, Object> line() {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("mode", "pixel-metrics");
            line.put("maps", maps);
            line.put("pixels", pixels);
            line.put("metric_seconds", Machine.round(metricSeconds));
            line.put("total_seconds", Machine.round(totalSeconds));
            line.put("peak_heap_mb", Machine.round(peakHeapBytes / 1e6));
            line.put("histogram_mb", Machine.round(histogramBytes / 1e6));
            line.put("exact", metrics.exact());
            line.put("auroc_error_bound", metrics.aurocErrorBound());
            line.put("cpu", Machine.cpuName());
            return line;
        }
    }

    /** Streams the synthetic set through an accumulator of {@code capacity} bins. */
    public static Report run(int maps, int height, int width, long seed, int capacity) {
        resetPeaks();
        long start = System.nanoTime();
        long inMetrics = 0;
        SplittableRandom random = new SplittableRandom(seed);
        PixelMetricsAccumulator acc = new PixelMetricsAccumulator(capacity);
        float[] map = new float[height * width];
        boolean[] mask = new boolean[height * width];
        long histogramBytes = 0;
        for (int m = 0; m < maps; m++) {
            java.util.Arrays.fill(mask, false);
            if (m % 2 == 1) {
                paint(random, mask, height, width, 1 + random.nextInt(3));
            }
            for (int i = 0; i < map.length; i++) {
                float v = (float) (random.nextDouble() * 0.6);
                map[i] = mask[i] ? v + 0.3f + (float) (random.nextDouble() * 0.5) : v;
            }
            long t = System.nanoTime();
            acc.add(map, mask, height, width);
            inMetrics += System.nanoTime() - t;
        }
        long t = System.nanoTime();
        PixelMetrics metrics = acc.result();
        inMetrics += System.nanoTime() - t;
        histogramBytes = acc.retainedBytes();
        double total = (System.nanoTime() - start) / 1e9;
        return new Report(maps, metrics.pixels(), inMetrics / 1e9, total, peakHeap(), histogramBytes, metrics);
    }

    private static void paint(SplittableRandom random, boolean[] mask, int h, int w, int blobs) {
        for (int b = 0; b < blobs; b++) {
            int cy = random.nextInt(h);
            int cx = random.nextInt(w);
            int r = 5 + random.nextInt(Math.max(1, Math.min(h, w) / 10));
            for (int y = Math.max(0, cy - r); y < Math.min(h, cy + r + 1); y++) {
                for (int x = Math.max(0, cx - r); x < Math.min(w, cx + r + 1); x++) {
                    if ((y - cy) * (y - cy) + (x - cx) * (x - cx) <= r * r) {
                        mask[y * w + x] = true;
                    }
                }
            }
        }
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
