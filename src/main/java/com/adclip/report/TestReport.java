package com.adclip.report;

import com.adclip.AdclipException;
import com.adclip.Detector;
import com.adclip.Outcome;
import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.BundleManifest;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.anomaly.Prediction;
import com.adclip.data.Dataset;
import com.adclip.eval.ClassMetrics;
import com.adclip.eval.CurvePoints;
import com.adclip.eval.EvaluationPass;
import com.adclip.eval.PixelMetrics;
import com.adclip.eval.PixelMetricsAccumulator;
import com.adclip.eval.TypeRecall;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code adclip test}'s report: metrics per class and pooled, curves, histograms, recall per defect type, the
 * gallery, the training record, the prompt-only vs fused comparison and what was run.
 */
public final class TestReport {
    /**
     * What the report says about the run besides the pass itself.
     *
     * @param split the split evaluated
     * @param threshold the image threshold used
     * @param thresholdGiven whether it was given ({@code --threshold}) rather than the bundle's or the default
     * @param bundle the bundle evaluated, or null
     * @param checkpoint the reference checkpoint evaluated, or null
     * @param gallerySize worst missed defects and false alarms shown per class, each (one caught defect is added)
     * @param overlapWarning the training/test overlap warning, or null
     * @param referenceLine the reference bank's line, or null without a bank
     */
    public record Context(String split, double threshold, boolean thresholdGiven, Path bundle, Path checkpoint,
            int gallerySize, String overlapWarning, String referenceLine) {}

    private TestReport() {}

    /** The threshold line of reports: the value, where it came from, and the rule. */
    public static String thresholdText(double t, String origin) {
        return String.format(Locale.ROOT, "%.6g (%s); NG when score >= threshold", t, origin);
    }

    /**
     * The report of one evaluation pass.
     *
     * @throws AdclipException never for an image: images that cannot be shown are left out of the gallery
     */
    public static EvaluationReport assemble(Detector detector, Dataset dataset, EvaluationPass pass, Context context) {
        double t = context.threshold();
        DetectorConfig config = detector.config();
        String overlapWarning = context.overlapWarning();
        int gallerySize = context.gallerySize();
        Map<String, ClassMetrics> classes = new LinkedHashMap<>();
        pass.scored().forEach((name, list) -> {
            PixelMetricsAccumulator acc = pass.classPixels().get(name);
            classes.put(name, metrics(list, t, acc == null ? null : acc.result()));
        });
        List<EvaluationPass.Scored> all = pass.all();
        ClassMetrics pooled = metrics(all, t, pass.pooledPixels().result());
        ClassMetrics mean = ClassMetrics.mean(new ArrayList<>(classes.values()));
        boolean[] labels = labels(all);
        double[] scores = scores(all);
        boolean twoLabels = pooled.good() > 0 && pooled.defective() > 0;
        CurvePoints imageCurve = twoLabels ? CurvePoints.compute(labels, scores) : null;
        List<String> notes = new ArrayList<>();
        if (overlapWarning != null) {
            notes.add("warning: " + overlapWarning);
        }
        if (pass.withoutPixelTruth() > 0) {
            notes.add(pass.withoutPixelTruth() + " defective image(s) without a mask are left out of the pixel metrics");
        }
        PixelMetrics pixels = pass.pooledPixels().result();
        if (pixels.maps() > 0 && !pixels.exact()) {
            double points = 100 * Math.max(pixels.aurocErrorBound(), pixels.auproSpread());
            notes.add(points < 0.05 ? "pixel metrics are computed from a fine histogram of map values; the error is "
                    + "far below the 0.1 shown" : String.format(Locale.ROOT, "pixel metrics are computed from a "
                    + "histogram of map values: exact to within %.2f percentage points", points));
        }
        List<TypeRecall.Image> images = all.stream().map(s -> new TypeRecall.Image(s.name(), s.sample().className(),
                s.sample().defectType(), s.sample().anomaly(), s.score())).toList();
        return new EvaluationReport(about(detector, dataset, pass, context), classes, mean, pooled, t, thresholdOrigin(detector, context),
                detector.storedThresholds().pixel(), imageCurve, pass.pooledPixels().curve(2000), select(all, labels, false),
                select(all, labels, true), gallery(all, t, detector, config, gallerySize), pass.failures(), notes,
                TypeRecall.of(images, t), provenance(context), config.featureBlocks().size(),
                comparison(detector, pass, pooled), pass.types().orElse(null));
    }

    private static TrainingProvenance provenance(Context context) {
        if (context.bundle() == null) {
            return TrainingProvenance.unavailable("training not recorded: the model is a reference checkpoint, "
                    + "not a bundle (loss curve not available)");
        }
        return TrainingProvenance.of(Bundle.readManifest(context.bundle()), context.bundle());
    }

    /** With a bank: pooled prompt-only metrics (at the prompt-only thresholds) beside the fused ones. */
    private static Map<String, ClassMetrics> comparison(Detector detector, EvaluationPass pass, ClassMetrics fused) {
        Map<String, ClassMetrics> side = new LinkedHashMap<>();
        if (detector.referenceBank() == null || pass.promptScored().isEmpty()) {
            return side;
        }
        PixelMetrics pixels = pass.promptPixels() == null ? null : pass.promptPixels().result();
        side.put("prompt only", metrics(pass.promptScored(), detector.promptThresholds().image(), pixels));
        int k = detector.referenceBank().size();
        side.put("fused, " + k + " reference image" + (k == 1 ? "" : "s"), fused);
        return side;
    }

    private static ClassMetrics metrics(List<EvaluationPass.Scored> list, double t, PixelMetrics pixel) {
        return ClassMetrics.of(labels(list), scores(list), t, pixel);
    }

    private static boolean[] labels(List<EvaluationPass.Scored> list) {
        boolean[] out = new boolean[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i).sample().anomaly();
        }
        return out;
    }

    private static double[] scores(List<EvaluationPass.Scored> list) {
        return list.stream().mapToDouble(EvaluationPass.Scored::score).toArray();
    }

    private static double[] select(List<EvaluationPass.Scored> all, boolean[] labels, boolean anomalous) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == anomalous) {
                out.add(all.get(i).score());
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static String thresholdOrigin(Detector detector, Context context) {
        if (context.thresholdGiven()) {
            return "--threshold";
        }
        BundleManifest.Thresholds th = detector.storedThresholds();
        return "the " + (context.bundle() != null ? "bundle's" : "default") + ", strategy " + th.imageStrategy()
                + (th.source() == null ? "" : " on " + th.source());
    }

    private static Map<String, String> about(Detector detector, Dataset dataset, EvaluationPass pass,
            Context context) {
        double t = context.threshold();
        String overlapWarning = context.overlapWarning();
        Map<String, String> about = new LinkedHashMap<>();
        if (detector.randomWeights()) {
            about.put("WARNING", EvaluationReport.RANDOM_WEIGHTS_WARNING);
            about.put("CLIP weights", detector.weightsFile() + " (random weights of that shape)");
        } else {
            about.put("CLIP weights", detector.weightsFile().toAbsolutePath().normalize() + " (sha256 "
                    + detector.weightsSha256() + ")");
        }
        about.put(context.bundle() != null ? "bundle" : "checkpoint", (context.bundle() != null
                ? context.bundle() : context.checkpoint()).toAbsolutePath().normalize().toString());
        DetectorConfig c = detector.config();
        about.put("detector", String.format(Locale.ROOT, "image size %d, features %s, dpam %d, sigma %s",
                c.imageSize(), c.featureBlocks(), c.dpam(), c.sigma()));
        about.put("data", dataset.summary());
        about.put("split", context.split() + " (" + pass.all().size() + " images evaluated)");
        if (overlapWarning != null) {
            about.put(EvaluationReport.TRAINING_OVERLAP, overlapWarning);
        }
        String reference = context.referenceLine();
        if (reference != null) {
            about.put("reference images", reference);
        }
        about.put("threshold", thresholdText(t, thresholdOrigin(detector, context)));
        int layers = c.featureBlocks().size();
        about.put("defect-map threshold", String.format(Locale.ROOT, "%.3g on a scale of 0 to %d (the sum of %d "
                + "layers' defect probabilities; chosen by %s)", detector.storedThresholds().pixel(), layers, layers,
                detector.storedThresholds().pixelStrategy()));
        about.put("software", com.adclip.Version.software());
        about.put("created", java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
                .withZone(java.time.ZoneOffset.UTC).format(Instant.now()));
        return about;
    }

    /**
     * Per class: the worst false negatives (lowest defective scores) and false positives (highest good scores),
     * {@code --gallery} of each, and the class's best-scored true positive as an example of a detection.
     */
    private static List<GalleryItem> gallery(List<EvaluationPass.Scored> all, double t, Detector detector,
            DetectorConfig config, int gallerySize) {
        Map<String, List<EvaluationPass.Scored>> byClass = new LinkedHashMap<>();
        all.forEach(s -> byClass.computeIfAbsent(s.sample().className(), c -> new ArrayList<>()).add(s));
        List<GalleryItem> items = new ArrayList<>();
        byClass.forEach((name, list) -> {
            List<EvaluationPass.Scored> fn = list.stream().filter(s -> s.sample().anomaly() && s.score() < t)
                    .sorted(Comparator.comparingDouble(EvaluationPass.Scored::score)).limit(gallerySize).toList();
            List<EvaluationPass.Scored> fp = list.stream().filter(s -> !s.sample().anomaly() && s.score() >= t)
                    .sorted(Comparator.comparingDouble(EvaluationPass.Scored::score).reversed()).limit(gallerySize)
                    .toList();
            List<EvaluationPass.Scored> tp = list.stream().filter(s -> s.sample().anomaly() && s.score() >= t)
                    .sorted(Comparator.comparingDouble(EvaluationPass.Scored::score).reversed())
                    .limit(gallerySize == 0 ? 0 : 1).toList();
            render("missed defect (scored OK)", fn, detector, config, items);
            render("false alarm (good part scored NG)", fp, detector, config, items);
            render("caught defect (example)", tp, detector, config, items);
        });
        return items;
    }

    private static void render(String kind, List<EvaluationPass.Scored> chosen, Detector detector, DetectorConfig config,
            List<GalleryItem> items) {
        for (EvaluationPass.Scored s : chosen) {
            Outcome o = detector.inspectAll(List.of(s.sample().image())).get(0);
            if (o.failed()) {
                continue;
            }
            Prediction p = o.prediction();
            BufferedImage truth = null;
            if (s.sample().mask().isPresent()) {
                try {
                    truth = s.sample().maskGray();
                } catch (AdclipException e) {
                    truth = null; // already reported by the pass
                }
            }
            items.add(GalleryItem.of(kind, s.name(), s.sample().className(), s.score(), s.sample().anomaly(),
                    o.picture(), p.map(), p.mask(), config.featureBlocks().size(), truth));
        }
    }
}
