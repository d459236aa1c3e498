package com.adclip.eval;

import java.util.Arrays;

/**
 * Streams anomaly maps and masks one at a time and gives the pixel metrics of the whole set
 * ({@link PixelMetrics}) in bounded memory: pixel AUROC, AP and F1-max (scikit-learn semantics over all
 * pixels) and AUPRO (the reference's {@code cal_pro_score}).
 *
 * <p>How: every metric here depends on the maps only through, per distinct pixel value, the number of
 * normal pixels, the number of defect pixels and the sum over defect pixels of 1 / (area of the pixel's
 * connected region) — the last because a region's overlap at threshold t is the number of its pixels above
 * t over its area, so the sum of overlaps is a weighted count. {@link #add} sorts the map's pixels once
 * and merges those three quantities per value into a {@link ScoreHistogram}; AUPRO's 200 thresholds, which
 * depend on the global minimum and maximum, are swept over that histogram in {@link #result()}, so one pass
 * over the maps suffices and no map is kept.
 *
 * <p>Exactness and memory: the histogram holds at most {@code capacity} bins (default
 * {@value #DEFAULT_CAPACITY}, 36 bytes each, so about 38 MB when full; merges briefly hold a few runs more),
 * plus about 12 bytes per pixel of the map being added. While the set has at most {@code capacity}
 * distinct values every result is exact; beyond that, neighbouring float values share bins (resolution
 * halves each time), {@link PixelMetrics#exact()} turns false and {@link PixelMetrics#aurocErrorBound()}
 * bounds the AUROC error. Measured with {@link com.adclip.bench.PixelMetricsBenchmark} on the 2-core machine: 2,000 maps of
 * 518 × 518 (537 M pixels, nearly all distinct) in about 50–60 s of CPU, peak JVM heap about 300 MB under
 * {@code -Xmx1g} (garbage included), histogram 34 MB, AUROC error bound 7.4e-7, AUPRO spread 6e-7.
 *
 * <p>Not thread-safe.
 */
public final class PixelMetricsAccumulator {
    /** The default number of histogram bins. */
    public static final int DEFAULT_CAPACITY = 1 << 20;

    private final ScoreHistogram histogram;
    private float min = Float.POSITIVE_INFINITY;
    private float max = Float.NEGATIVE_INFINITY;
    private int maps;
    private long pixels;
    private long defectPixels;
    private long regions;
    private int[] negativeKeys = new int[0];
    private int[] scratch = new int[0];
    private long[] positives = new long[0];

    /** An accumulator with {@link #DEFAULT_CAPACITY} bins. */
    public PixelMetricsAccumulator() {
        this(DEFAULT_CAPACITY);
    }

    /** An accumulator with at most {@code capacity} (≥ 16) histogram bins. */
    public PixelMetricsAccumulator(int capacity) {
        this.histogram = new ScoreHistogram(capacity);
    }

    /**
     * Adds one row-major {@code height × width} anomaly map and its mask ({@code true} = defect pixel).
     * Maps of different sizes may be mixed. The arrays are not kept.
     *
     * @throws IllegalArgumentException when an array is not {@code height × width} or a value is NaN
     */
    public void add(float[] map, boolean[] mask, int height, int width) {
        checkShape(map, mask, height, width);
        MaskRegions found = MaskRegions.of(mask, height, width);
        double[] weights = new double[found.areas.length];
        for (int r = 1; r < weights.length; r++) {
            weights[r] = 1.0 / found.areas[r];
        }
        if (negativeKeys.length < map.length) {
            negativeKeys = new int[map.length];
            scratch = new int[map.length];
        }
        int negatives = 0;
        int positiveCount = 0;
        for (int i = 0; i < map.length; i++) {
            float v = map[i];
            if (Float.isNaN(v)) {
                throw new IllegalArgumentException("anomaly map " + maps + " has NaN at pixel " + i);
            }
            min = Math.min(min, v);
            max = Math.max(max, v);
            if (mask[i]) {
                if (positiveCount == positives.length) {
                    positives = Arrays.copyOf(positives, Math.max(1024, Math.min(map.length, 2 * positiveCount)));
                }
                positives[positiveCount++] = ((long) ScoreHistogram.key(v) << 32) | found.labels[i];
            } else {
                negativeKeys[negatives++] = ScoreHistogram.key(v);
            }
        }
        ScoreHistogram.radixSort(negativeKeys, negatives, scratch);
        Arrays.sort(positives, 0, positiveCount);
        histogram.add(negativeKeys, negatives, positives, positiveCount, weights);
        maps++;
        pixels += map.length;
        defectPixels += positiveCount;
        regions += found.count();
    }

    /** Bytes held by the histogram now (not counting the per-map scratch buffers). */
    public long retainedBytes() {
        return histogram.retainedBytes();
    }

    /**
     * The pixel ROC / precision-recall points of everything added so far, one per histogram bin (thresholds at
     * each bin's smallest value, so exact while {@link PixelMetrics#exact()}), thinned to at most about
     * {@code maxPoints} points for drawing ({@link Integer#MAX_VALUE} keeps them all, e.g. for calibration).
     * Null when nothing was added.
     */
    public CurvePoints curve(int maxPoints) {
        if (maps == 0) {
            return null;
        }
        ScoreHistogram.Run run = histogram.merged();
        int n = run.size;
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = ScoreHistogram.value(run.lo[i]);
        }
        return CurvePoints.of(new RankedCounts(values, Arrays.copyOf(run.positives, n),
                Arrays.copyOf(run.negatives, n)), maxPoints);
    }

    /** The metrics of everything added so far; the accumulator stays usable. */
    public PixelMetrics result() {
        ScoreHistogram.Run run = histogram.merged();
        int n = run.size;
        double[] values = new double[n];
        boolean exact = true;
        double mixedPairs = 0;
        for (int i = 0; i < n; i++) {
            values[i] = ScoreHistogram.value(run.lo[i]);
            if (run.lo[i] != run.hi[i]) {
                exact = false;
                mixedPairs += (double) run.positives[i] * run.negatives[i];
            }
        }
        RankedCounts counts = new RankedCounts(values, Arrays.copyOf(run.positives, n), Arrays.copyOf(run.negatives, n));
        long negatives = counts.totalNegatives;
        double bound = negatives == 0 || defectPixels == 0 ? 0 : mixedPairs / (2.0 * defectPixels * negatives);
        MetricValue auroc;
        MetricValue ap;
        F1Max f1;
        if (maps == 0) {
            auroc = ap = MetricValue.notComputable("no maps");
            f1 = F1Max.of(counts);
        } else if (defectPixels == 0) {
            String reason = "no defect pixels in any mask: pixel metrics need defective images with masks";
            auroc = ap = MetricValue.notComputable(reason);
            f1 = new F1Max(MetricValue.notComputable(reason), null, null, null);
        } else {
            auroc = negatives == 0
                    ? MetricValue.notComputable("every pixel is a defect: AUROC needs normal pixels too")
                    : ImageAuroc.of(counts);
            ap = AveragePrecision.of(counts);
            f1 = F1Max.of(counts);
        }
        double[] spread = new double[1];
        MetricValue aupro = maps == 0 ? MetricValue.notComputable("no maps") : aupro(run, negatives, spread);
        return new PixelMetrics(auroc, ap, f1, aupro, maps, pixels, defectPixels, regions, exact, bound,
                spread[0], n);
    }

    private MetricValue aupro(ScoreHistogram.Run run, long negatives, double[] spread) {
        String reason = Aupro.inputReason(regions, negatives, min, max);
        if (reason != null) {
            return MetricValue.notComputable(reason);
        }
        int n = run.size;
        long[] negAbove = new long[n + 1];
        double[] weightAbove = new double[n + 1];
        for (int i = n - 1; i >= 0; i--) {
            negAbove[i] = negAbove[i + 1] + run.negatives[i];
            weightAbove[i] = weightAbove[i + 1] + run.weight[i];
        }
        double[] thresholds = Aupro.thresholds(min, max);
        long[] fpLow = new long[thresholds.length];
        long[] fpHigh = new long[thresholds.length];
        double[] overlapLow = new double[thresholds.length];
        double[] overlapHigh = new double[thresholds.length];
        boolean straddled = false;
        int certainlyAbove = 0; // first bin whose smallest value is above the threshold
        int possiblyAbove = 0; // first bin whose largest value is above the threshold
        for (int t = 0; t < thresholds.length; t++) {
            int key = ScoreHistogram.key((float) thresholds[t]);
            while (certainlyAbove < n && run.lo[certainlyAbove] <= key) {
                certainlyAbove++;
            }
            while (possiblyAbove < n && run.hi[possiblyAbove] <= key) {
                possiblyAbove++;
            }
            straddled |= possiblyAbove < certainlyAbove;
            fpLow[t] = negAbove[certainlyAbove];
            overlapLow[t] = weightAbove[certainlyAbove];
            fpHigh[t] = negAbove[possiblyAbove];
            overlapHigh[t] = weightAbove[possiblyAbove];
        }
        MetricValue low = Aupro.fromSweep(fpLow, overlapLow, negatives, regions);
        if (!straddled) {
            return low;
        }
        MetricValue high = Aupro.fromSweep(fpHigh, overlapHigh, negatives, regions);
        if (!low.computable() || !high.computable()) {
            spread[0] = Double.POSITIVE_INFINITY;
            return low.computable() ? low : high;
        }
        spread[0] = Math.abs(high.get() - low.get()) / 2;
        return MetricValue.of((high.get() + low.get()) / 2);
    }

    static void checkShape(float[] map, boolean[] mask, int height, int width) {
        if (height <= 0 || width <= 0 || (long) height * width != map.length || map.length != mask.length) {
            throw new IllegalArgumentException("anomaly map of " + map.length + " values and mask of "
                    + mask.length + " are not both " + height + " x " + width);
        }
    }
}
