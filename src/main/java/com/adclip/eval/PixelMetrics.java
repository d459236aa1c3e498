package com.adclip.eval;

/**
 * Pixel-level metrics over a set of anomaly maps and their ground-truth masks, from
 * {@link PixelMetricsAccumulator#result()}.
 *
 * @param auroc pixel AUROC over all pixels ({@code roc_auc_score(masks.ravel(), maps.ravel())})
 * @param averagePrecision pixel AP over all pixels
 * @param f1Max the best pixel F1 over the precision-recall curve of all pixels, with its threshold
 * @param aupro the reference's AUPRO ({@link Aupro})
 * @param maps the number of maps added
 * @param pixels the number of pixels added
 * @param defectPixels how many of them are defects in the masks
 * @param regions the number of connected defect regions over all masks
 * @param exact true when every histogram bin holds a single distinct float value: the four metrics are then
 *     what the in-memory computation gives (up to floating-point summation order, far below 1e-9)
 * @param aurocErrorBound a proven bound on {@code |auroc − exact AUROC|}: half the fraction of
 *     (defect, normal) pixel pairs sharing a bin of several values; 0 when {@code exact}
 * @param auproSpread 0 when no AUPRO threshold falls inside a bin of several values; otherwise half the
 *     difference between counting those bins entirely above and entirely below the threshold (the reported
 *     AUPRO is the midpoint): an estimate of the binning error, not a proof
 * @param bins the number of histogram bins used
 */
public record PixelMetrics(MetricValue auroc, MetricValue averagePrecision, F1Max f1Max, MetricValue aupro,
        int maps, long pixels, long defectPixels, long regions, boolean exact, double aurocErrorBound,
        double auproSpread, int bins) {}
