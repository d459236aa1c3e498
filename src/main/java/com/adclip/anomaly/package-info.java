/**
 * AnomalyCLIP on top of CLIP: the prompt learner, anomaly maps, scoring, verdicts and the {@code .adclip}
 * bundle. The post-processing here ({@link com.adclip.anomaly.GaussianSmoothing},
 * {@link com.adclip.anomaly.DefectRegions}, {@link com.adclip.anomaly.MapResize},
 * {@link com.adclip.anomaly.MapExport}) works on finished maps and is kept apart from the network. A
 * {@link com.adclip.anomaly.Prediction} also carries the S×S smoothed map, which evaluation uses for pixel metrics.
 */
package com.adclip.anomaly;
