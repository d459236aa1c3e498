package com.adclip.report;

import com.adclip.AdclipException;
import com.adclip.Detector;
import com.adclip.Outcome;
import com.adclip.anomaly.BundleManifest;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.anomaly.MapExport;
import com.adclip.anomaly.Prediction;
import com.adclip.data.Dataset;
import com.adclip.eval.ClassMetrics;
import com.adclip.eval.CurvePoints;
import com.adclip.eval.EvaluationPass;
import com.adclip.eval.PixelMetrics;
import com.adclip.eval.PixelMetricsAccumulator;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code adclip test}'s report: metrics per class and pooled, curves, histograms, the gallery and what was run. */
public final class TestReport {
    /**
     * What the report says about the run besides the pass itself.
     *
     * @param split the split evaluated
     * @param threshold the image threshold used
     * @param thresholdGiven whether it was given ({@code --threshold}) rather than the bundle's or the default
     * @param bundle the bundle evaluated, or null
     * @param checkpoint the reference checkpoint evaluated, or null
     * @param gallerySize worst false negatives and false positives shown, each (3 true positives are added)
     */
    public record Context(String split, double threshold, boolean thresholdGiven, Path bundle, Path checkpoint,
            int gallerySize) {}

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
        if (pass.withoutPixelTruth() > 0) {
            notes.add(pass.withoutPixelTruth() + " defective image(s) without a mask are left out of the pixel metrics");
        }
        PixelMetrics pixels = pass.pooledPixels().result();
        if (pixels.maps() > 0 && !pixels.exact()) {
            notes.add(String.format(Locale.ROOT, "pixel metrics from a binned histogram: AUROC within %.1e, AUPRO "
                    + "spread %.1e", pixels.aurocErrorBound(), pixels.auproSpread()));
        }
        return new EvaluationReport(about(detector, dataset, pass, context), classes, mean, pooled, t,
                thresholdOrigin(detector, context),
                detector.storedThresholds().pixel(), imageCurve, pass.pooledPixels().curve(2000), select(all, labels, false),
                select(all, labels, true), gallery(all, t, detector, config, context.gallerySize()), pass.failures(), notes);
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
        about.put("threshold", thresholdText(context.threshold(), thresholdOrigin(detector, context)));
        about.put("map threshold", String.format(Locale.ROOT, "%.4g (%s)", detector.storedThresholds().pixel(),
                detector.storedThresholds().pixelStrategy()));
        about.put("software", com.adclip.Version.software());
        about.put("created", Instant.now().toString());
        return about;
    }

    /** Worst false negatives (lowest defective scores), worst false positives (highest good), top true positives. */
    private static List<GalleryItem> gallery(List<EvaluationPass.Scored> all, double t, Detector detector,
            DetectorConfig config, int gallerySize) {
        List<EvaluationPass.Scored> fn = all.stream().filter(s -> s.sample().anomaly() && s.score() < t)
                .sorted(Comparator.comparingDouble(EvaluationPass.Scored::score)).limit(gallerySize).toList();
        List<EvaluationPass.Scored> fp = all.stream().filter(s -> !s.sample().anomaly() && s.score() >= t)
                .sorted(Comparator.comparingDouble(EvaluationPass.Scored::score).reversed()).limit(gallerySize).toList();
        List<EvaluationPass.Scored> tp = all.stream().filter(s -> s.sample().anomaly() && s.score() >= t)
                .sorted(Comparator.comparingDouble(EvaluationPass.Scored::score).reversed())
                .limit(gallerySize == 0 ? 0 : 3).toList();
        List<GalleryItem> items = new ArrayList<>();
        render("false negatives (defective, scored OK; lowest first)", fn, detector, config, items);
        render("false positives (good, scored NG; highest first)", fp, detector, config, items);
        render("true positives (defective, scored NG; highest first)", tp, detector, config, items);
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
            BufferedImage overlay = MapExport.overlay(o.picture(), p.map(), 0f, config.featureBlocks().size(),
                    p.regions());
            BufferedImage truth = null;
            if (s.sample().mask().isPresent()) {
                try {
                    truth = s.sample().maskGray();
                } catch (AdclipException e) {
                    truth = null; // already reported by the pass
                }
            }
            items.add(GalleryItem.of(kind, s.name(), s.sample().className(), s.score(), s.sample().anomaly(),
                    o.picture(), overlay, truth));
        }
    }
}
