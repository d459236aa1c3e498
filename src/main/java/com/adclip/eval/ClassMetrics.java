package com.adclip.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every number {@code adclip test} reports for one class, for the mean over classes, or for all images pooled,
 * by name ({@link #NAMES}, the keys of {@code metrics.json}). Image metrics are over the class's test images;
 * P / R / F1 / accuracy at the operating threshold with the product's rule (NG when
 * {@code score >= threshold}, {@link BinaryCounts.Rule#SCORE_AT_LEAST}); pixel metrics over the S × S maps of
 * the images with pixel ground truth.
 *
 * @param values each metric by name, in {@link #NAMES} order; a value or a reason
 * @param good the number of good images
 * @param defective the number of defective images
 * @param counts the confusion matrix at the threshold; null for a mean
 * @param notes per metric, a remark on a value (e.g. a mean over only some classes); may be empty
 */
public record ClassMetrics(Map<String, MetricValue> values, long good, long defective, BinaryCounts counts,
        Map<String, String> notes) {

    /** The metric names, in report order ({@code f1_max} is the image F1-max, as {@code image_f1_max}). */
    public static final List<String> NAMES = List.of("image_auroc", "image_ap", "image_f1_max", "f1_max",
            "f1_max_threshold", "precision", "recall", "f1", "accuracy", "pixel_auroc", "pixel_ap", "pixel_aupro",
            "pixel_f1_max");

    public ClassMetrics {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        notes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(notes));
    }

    /**
     * The metrics of one set of images.
     *
     * @param anomalous the image labels
     * @param scores the image scores
     * @param threshold the operating threshold (NG when {@code score >= threshold})
     * @param pixel the pixel metrics of the set, or null when no image has pixel ground truth
     */
    public static ClassMetrics of(boolean[] anomalous, double[] scores, double threshold, PixelMetrics pixel) {
        Map<String, MetricValue> v = new LinkedHashMap<>();
        v.put("image_auroc", ImageAuroc.compute(anomalous, scores));
        v.put("image_ap", AveragePrecision.compute(anomalous, scores));
        F1Max f1Max = F1Max.compute(anomalous, scores);
        v.put("image_f1_max", f1Max.f1());
        v.put("f1_max", f1Max.f1());
        v.put("f1_max_threshold", f1Max.threshold() == null ? f1Max.f1() : MetricValue.of(f1Max.threshold()));
        BinaryCounts counts = BinaryCounts.at(anomalous, scores, threshold, BinaryCounts.Rule.SCORE_AT_LEAST);
        v.put("precision", counts.precision());
        v.put("recall", counts.recall());
        v.put("f1", counts.f1());
        v.put("accuracy", counts.accuracy());
        String none = "no image of this set has pixel ground truth (a mask, or good)";
        v.put("pixel_auroc", pixel == null ? MetricValue.notComputable(none) : pixel.auroc());
        v.put("pixel_ap", pixel == null ? MetricValue.notComputable(none) : pixel.averagePrecision());
        v.put("pixel_aupro", pixel == null ? MetricValue.notComputable(none) : pixel.aupro());
        v.put("pixel_f1_max", pixel == null ? MetricValue.notComputable(none) : pixel.f1Max().f1());
        long defective = 0;
        for (boolean a : anomalous) {
            defective += a ? 1 : 0;
        }
        return new ClassMetrics(v, anomalous.length - defective, defective, counts, Map.of());
    }

    /**
     * The mean over classes of each metric, over the classes where it has a value (a note says so when some
     * lack it); not computable when no class has it. {@code f1_max_threshold} is per class and not averaged.
     * Counts are totals.
     */
    public static ClassMetrics mean(List<ClassMetrics> classes) {
        Map<String, MetricValue> v = new LinkedHashMap<>();
        Map<String, String> notes = new LinkedHashMap<>();
        long good = 0;
        long defective = 0;
        for (ClassMetrics c : classes) {
            good += c.good;
            defective += c.defective;
        }
        for (String name : NAMES) {
            if (name.equals("f1_max_threshold")) {
                v.put(name, MetricValue.notComputable("thresholds are per class; their mean means nothing"));
                continue;
            }
            List<Double> have = new ArrayList<>();
            List<String> reasons = new ArrayList<>();
            for (ClassMetrics c : classes) {
                MetricValue m = c.values.get(name);
                if (m.computable()) {
                    have.add(m.get());
                } else if (!reasons.contains(m.reason())) {
                    reasons.add(m.reason());
                }
            }
            if (have.isEmpty()) {
                v.put(name, MetricValue.notComputable(classes.isEmpty() ? "no classes"
                        : "no class has it: " + String.join("; ", reasons)));
                continue;
            }
            v.put(name, MetricValue.of(have.stream().mapToDouble(Double::doubleValue).average().orElseThrow()));
            if (have.size() < classes.size()) {
                notes.put(name, String.format(Locale.ROOT, "mean over the %d of %d classes where it is defined",
                        have.size(), classes.size()));
            }
        }
        return new ClassMetrics(v, good, defective, null, notes);
    }

    /** The metric called {@code name}. */
    public MetricValue get(String name) {
        MetricValue m = values.get(name);
        if (m == null) {
            throw new IllegalArgumentException("unknown metric " + name + "; known: " + NAMES);
        }
        return m;
    }
}
