package com.adclip.eval;

import com.adclip.AdclipException;
import java.util.Arrays;
import java.util.Locale;

/**
 * How an operating threshold is chosen from scores (NG when {@code score ≥ threshold}):
 * <ul>
 *   <li>{@code f1}: the threshold of maximal F1 on a labelled set (ties: the higher threshold);</li>
 *   <li>{@code recall:R}: the highest threshold that still catches a fraction R of the defects;</li>
 *   <li>{@code precision:P}: the lowest threshold whose precision is at least P (most recall at that precision);</li>
 *   <li>{@code good-only:max}: just above the highest good score, so every known good image passes;</li>
 *   <li>{@code good-only:sigma:K}: mean + K·σ of the good scores (population σ).</li>
 * </ul>
 *
 * @param kind the family
 * @param parameter R, P or K; unused for {@code f1} and {@code good-only:max}
 */
public record ThresholdStrategy(Kind kind, double parameter) {

    /** Strategy families. */
    public enum Kind { F1, RECALL, PRECISION, GOOD_MAX, GOOD_SIGMA }

    public ThresholdStrategy {
        if ((kind == Kind.RECALL || kind == Kind.PRECISION) && !(parameter > 0 && parameter <= 1)) {
            throw new IllegalArgumentException(kind.name().toLowerCase(Locale.ROOT) + " target must be in (0, 1], got "
                    + parameter);
        }
        if (kind == Kind.GOOD_SIGMA && !(parameter >= 0) || Double.isInfinite(parameter)) {
            throw new IllegalArgumentException("sigma multiple must be >= 0, got " + parameter);
        }
    }

    /**
     * The chosen threshold and what to expect from it on the data it came from.
     *
     * @param threshold NG when score ≥ this
     * @param strategy the strategy's text
     * @param precision precision at the threshold on that data (NaN without defects or without NG)
     * @param recall recall at the threshold (NaN without defects)
     * @param goodPassRate fraction of good images scored OK
     */
    public record Choice(double threshold, String strategy, double precision, double recall, double goodPassRate) {}

    /** Parses {@code f1}, {@code recall:0.99}, {@code precision:0.95}, {@code good-only:max}, {@code good-only:sigma:3}. */
    public static ThresholdStrategy parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.equals("f1")) {
                return new ThresholdStrategy(Kind.F1, 0);
            }
            if (t.startsWith("recall:")) {
                return new ThresholdStrategy(Kind.RECALL, Double.parseDouble(t.substring(7)));
            }
            if (t.startsWith("precision:")) {
                return new ThresholdStrategy(Kind.PRECISION, Double.parseDouble(t.substring(10)));
            }
            if (t.equals("good-only:max")) {
                return new ThresholdStrategy(Kind.GOOD_MAX, 0);
            }
            if (t.startsWith("good-only:sigma:")) {
                return new ThresholdStrategy(Kind.GOOD_SIGMA, Double.parseDouble(t.substring(16)));
            }
        } catch (IllegalArgumentException e) {
            throw AdclipException.usage("bad threshold strategy '" + text + "': " + e.getMessage(), e);
        }
        throw AdclipException.usage("unknown threshold strategy '" + text
                + "'; use f1, recall:R, precision:P, good-only:max or good-only:sigma:K", null);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case F1 -> "f1";
            case RECALL -> "recall:" + fmt(parameter);
            case PRECISION -> "precision:" + fmt(parameter);
            case GOOD_MAX -> "good-only:max";
            case GOOD_SIGMA -> "good-only:sigma:" + fmt(parameter);
        };
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** True for strategies that need defective examples. */
    public boolean needsDefects() {
        return kind == Kind.F1 || kind == Kind.RECALL || kind == Kind.PRECISION;
    }

    /** Chooses the threshold for these scores and labels (true = defective). */
    public Choice choose(double[] scores, boolean[] defective) {
        if (scores.length != defective.length || scores.length == 0) {
            throw new IllegalArgumentException("need as many labels as scores, and at least one");
        }
        int positives = 0;
        for (boolean d : defective) {
            positives += d ? 1 : 0;
        }
        if (needsDefects() && positives == 0) {
            throw new AdclipException("strategy " + this + " needs defective images, and there are none; use "
                    + "good-only:max or good-only:sigma:3");
        }
        if (!needsDefects() && positives == scores.length) {
            throw new AdclipException("strategy " + this + " needs good images, and there are none");
        }
        double threshold = switch (kind) {
            case GOOD_MAX -> Math.nextUp(max(goods(scores, defective)));
            case GOOD_SIGMA -> meanPlusSigma(goods(scores, defective), parameter);
            default -> sweep(scores, defective, positives);
        };
        return evaluate(threshold, scores, defective);
    }

    /**
     * Chooses the threshold from a curve's counts instead of raw scores (for pixels: the histogram of
     * {@link PixelMetricsAccumulator#curve(int)}, all points kept). Gives what {@link #choose(double[], boolean[])}
     * gives on the same data when every distinct score is a point; on a binned curve the candidate thresholds
     * are the bins' smallest values, and {@code good-only:sigma} uses each bin's smallest value for its pixels.
     */
    public Choice choose(CurvePoints curve) {
        if (needsDefects() && curve.positives() == 0) {
            throw new AdclipException("strategy " + this + " needs defective samples, and there are none; use "
                    + "good-only:max or good-only:sigma:3");
        }
        if (!needsDefects() && curve.negatives() == 0) {
            throw new AdclipException("strategy " + this + " needs good samples, and there are none");
        }
        double[] th = curve.thresholds();
        long[] tp = curve.truePositives();
        long[] fp = curve.falsePositives();
        double threshold = Double.NaN;
        double best = Double.NEGATIVE_INFINITY;
        double sum = 0;
        double sumSquares = 0;
        for (int i = 1; i < th.length; i++) {
            long goods = fp[i] - fp[i - 1];
            double precision = (double) tp[i] / (tp[i] + fp[i]);
            double recall = curve.positives() == 0 ? Double.NaN : (double) tp[i] / curve.positives();
            switch (kind) {
                case F1 -> {
                    double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
                    if (f1 > best) {
                        best = f1;
                        threshold = th[i];
                    }
                }
                case RECALL -> {
                    if (recall >= parameter && Double.isNaN(threshold)) {
                        threshold = th[i];
                    }
                }
                case PRECISION -> {
                    if (precision >= parameter) {
                        threshold = th[i];
                    }
                }
                case GOOD_MAX -> {
                    if (goods > 0 && Double.isNaN(threshold)) {
                        threshold = Math.nextUp(th[i]);
                    }
                }
                case GOOD_SIGMA -> {
                    sum += goods * th[i];
                    sumSquares += goods * th[i] * th[i];
                }
            }
        }
        if (kind == Kind.GOOD_SIGMA) {
            double mean = sum / curve.negatives();
            double variance = Math.max(0, sumSquares / curve.negatives() - mean * mean);
            threshold = mean + parameter * Math.sqrt(variance);
        }
        if (Double.isNaN(threshold)) {
            throw new AdclipException("no threshold reaches " + this + " on these scores");
        }
        int at = curve.indexAt(threshold);
        long t = tp[at];
        long f = fp[at];
        long positives = curve.positives();
        long negatives = curve.negatives();
        return new Choice(threshold, toString(), t + f == 0 ? Double.NaN : (double) t / (t + f),
                positives == 0 ? Double.NaN : (double) t / positives,
                negatives == 0 ? Double.NaN : (double) (negatives - f) / negatives);
    }

    /** Sweeps thresholds at each distinct score, from the highest down. */
    private double sweep(double[] scores, boolean[] defective, int positives) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        int tp = 0;
        int fp = 0;
        double bestThreshold = Double.NaN;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < order.length; i++) {
            int k = order[i];
            tp += defective[k] ? 1 : 0;
            fp += defective[k] ? 0 : 1;
            boolean lastOfTie = i + 1 == order.length || scores[order[i + 1]] != scores[k];
            if (!lastOfTie) {
                continue;
            }
            double precision = (double) tp / (tp + fp);
            double recall = (double) tp / positives;
            switch (kind) {
                case F1 -> {
                    double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
                    if (f1 > bestValue) {
                        bestValue = f1;
                        bestThreshold = scores[k];
                    }
                }
                case RECALL -> {
                    if (recall >= parameter) {
                        return scores[k];
                    }
                }
                case PRECISION -> {
                    if (precision >= parameter) {
                        bestThreshold = scores[k];
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        if (Double.isNaN(bestThreshold)) {
            throw new AdclipException("no threshold reaches " + this + " on these scores");
        }
        return bestThreshold;
    }

    private static Choice evaluate(double threshold, double[] scores, boolean[] defective, String strategy) {
        int tp = 0;
        int fp = 0;
        int fn = 0;
        int tn = 0;
        for (int i = 0; i < scores.length; i++) {
            boolean ng = scores[i] >= threshold;
            if (defective[i]) {
                tp += ng ? 1 : 0;
                fn += ng ? 0 : 1;
            } else {
                fp += ng ? 1 : 0;
                tn += ng ? 0 : 1;
            }
        }
        double precision = tp + fp == 0 ? Double.NaN : (double) tp / (tp + fp);
        double recall = tp + fn == 0 ? Double.NaN : (double) tp / (tp + fn);
        double pass = tn + fp == 0 ? Double.NaN : (double) tn / (tn + fp);
        return new Choice(threshold, strategy, precision, recall, pass);
    }

    private Choice evaluate(double threshold, double[] scores, boolean[] defective) {
        return evaluate(threshold, scores, defective, toString());
    }

    private static double[] goods(double[] scores, boolean[] defective) {
        return java.util.stream.IntStream.range(0, scores.length).filter(i -> !defective[i]).mapToDouble(i -> scores[i])
                .toArray();
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElseThrow();
    }

    private static double meanPlusSigma(double[] values, double k) {
        double mean = Arrays.stream(values).average().orElseThrow();
        double variance = Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / values.length;
        return mean + k * Math.sqrt(variance);
    }
}
