/**
 * The metrics customers sign off on, computed as the reference (AnomalyCLIP's {@code metrics.py} on
 * scikit-learn and scikit-image) computes them; one metric per file.
 *
 * <p>Image level: {@link com.adclip.eval.ImageAuroc} ({@code roc_auc_score}),
 * {@link com.adclip.eval.AveragePrecision} ({@code average_precision_score}),
 * {@link com.adclip.eval.PrecisionRecallCurve} ({@code precision_recall_curve}),
 * {@link com.adclip.eval.F1Max} (maximum F1 over that curve, with its threshold) and
 * {@link com.adclip.eval.BinaryCounts} (confusion matrix and precision / recall / F1 / accuracy at one
 * threshold). Pixel level: {@link com.adclip.eval.Aupro} (the reference's {@code cal_pro_score}, in memory)
 * and {@link com.adclip.eval.PixelMetricsAccumulator}, which streams any number of maps in bounded memory
 * and gives pixel AUROC, AP, F1-max and AUPRO ({@link com.adclip.eval.PixelMetrics}).
 *
 * <p>A metric that is undefined for the data (one class only, no defect mask, constant maps) is a
 * {@link com.adclip.eval.MetricValue} with no value and a reason, never an exception and never a made-up 0 or 1.
 * Malformed input (arrays of different lengths, NaN scores) is a programming error and throws
 * {@link java.lang.IllegalArgumentException}.
 *
 * <p>Operating thresholds are chosen by {@link com.adclip.eval.ThresholdStrategy} (F1-optimal, a recall or
 * precision target, or from good images only); {@link com.adclip.eval.Calibration} chooses the image and map
 * thresholds of {@code adclip calibrate} from an {@link com.adclip.eval.EvaluationPass}.
 *
 * <p>Ground-truth regions for AUPRO come from {@link com.adclip.anomaly.DefectRegions} (8-connectivity, as
 * {@code skimage.measure.label}'s default).
 *
 * <p>Thresholds. A score-based curve (ROC, precision-recall, F1-max) predicts "anomalous" for
 * {@code score >= threshold}, as scikit-learn does, so the F1-max threshold reproduces its F1 under the
 * product's NG rule. {@link com.adclip.eval.BinaryCounts} takes the rule explicitly:
 * {@link com.adclip.eval.BinaryCounts.Rule#SCORE_AT_LEAST} ({@code score >= threshold}) is the product verdict
 * (NG when the score reaches the threshold) and is what {@code adclip test} reports;
 * {@link com.adclip.eval.BinaryCounts.Rule#SCORE_ABOVE} ({@code score > threshold}) is the reference's rule,
 * used for the golden precision / recall / F1 at 0.5.
 *
 * <p>For reports and calibration: {@link com.adclip.eval.CurvePoints} (ROC / precision-recall points of image
 * scores, or of the pixel histogram via {@link com.adclip.eval.PixelMetricsAccumulator#curve(int)}),
 * {@link com.adclip.eval.ThresholdStrategy#choose(CurvePoints)} (strategies on those counts), and
 * {@link com.adclip.eval.ClassMetrics} (every number {@code adclip test} reports for a class, a mean or a pool).
 *
 * <p>Defect types (issue 15): {@link com.adclip.eval.TypeConfusion} (true × predicted types plus an "unknown"
 * column), {@link com.adclip.eval.TypeAccuracy}, {@link com.adclip.eval.TypeScore} (per-type precision, recall,
 * F1) and {@link com.adclip.eval.MacroF1}, over {@link com.adclip.eval.TypeCase}s; a pass gathers them per image
 * and per predicted region in {@link com.adclip.eval.TypeEvaluation}, regions taking the type of the
 * ground-truth region they overlap by {@link com.adclip.eval.RegionTypeMatch}'s rule.
 */
package com.adclip.eval;
