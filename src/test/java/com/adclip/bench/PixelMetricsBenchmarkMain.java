package com.adclip.bench;

import com.adclip.eval.PixelMetrics;
import com.adclip.eval.PixelMetricsAccumulator;

/**
 * Runs {@link PixelMetricsBenchmark} and prints one line (not part of the test suite). Arguments:
 * {@code [maps=2000] [size=518] [capacity=PixelMetricsAccumulator.DEFAULT_CAPACITY]}.
 */
public final class PixelMetricsBenchmarkMain {
    private PixelMetricsBenchmarkMain() {}

    public static void main(String[] args) {
        int maps = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 518;
        int capacity = args.length > 2 ? Integer.parseInt(args[2]) : PixelMetricsAccumulator.DEFAULT_CAPACITY;
        PixelMetricsBenchmark.Report r = PixelMetricsBenchmark.run(maps, size, size, 7, capacity);
        PixelMetrics m = r.metrics();
        System.out.printf("maps=%d pixels=%d metricSeconds=%.1f totalSeconds=%.1f peakHeapMB=%.0f histogramMB=%.1f"
                + " maxHeapMB=%d bins=%d exact=%s aurocErrorBound=%.2e auproSpread=%.2e auroc=%s ap=%s f1max=%s"
                + " threshold=%s aupro=%s regions=%d%n",
                r.maps(), r.pixels(), r.metricSeconds(), r.totalSeconds(), r.peakHeapBytes() / 1e6,
                r.histogramBytes() / 1e6, Runtime.getRuntime().maxMemory() >> 20, m.bins(), m.exact(),
                m.aurocErrorBound(), m.auproSpread(), m.auroc(), m.averagePrecision(), m.f1Max().f1(),
                m.f1Max().threshold(), m.aupro(), m.regions());
    }
}
