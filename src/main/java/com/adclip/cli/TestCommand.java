package com.adclip.cli;

import com.adclip.eval.EvaluationPass;
import com.adclip.Outcome;
import com.adclip.report.ResultWriter;
import com.adclip.Detector;
import com.adclip.AdclipException;
import com.adclip.anomaly.BundleManifest;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.anomaly.MapExport;
import com.adclip.anomaly.Prediction;
import com.adclip.anomaly.AnomalyPredictor;
import com.adclip.image.ImagePreprocessor;
import com.adclip.data.Dataset;
import com.adclip.data.DatasetLoader;
import com.adclip.eval.ClassMetrics;
import com.adclip.eval.CurvePoints;
import com.adclip.eval.PixelMetrics;
import com.adclip.eval.PixelMetricsAccumulator;
import com.adclip.report.EvaluationReport;
import com.adclip.report.GalleryItem;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code adclip test}: metrics of a detector on a labelled dataset, and a report people can read. */
@Command(
        name = "test",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Evaluate a detector on the test split of a labelled dataset: image AUROC, AP, F1-max; precision, "
                    + "recall, F1 and accuracy at the threshold (NG when score >= threshold); pixel AUROC, AUPRO and "
                    + "F1-max on the S×S maps; per class, mean over classes and pooled.",
            "Prints the table and writes DIR/metrics.json, metrics.csv, report.md and report.html (one "
                    + "self-contained page with curves, score histograms, confusion matrix and a gallery). Exits 1 "
                    + "if an image could not be evaluated."
        })
final class TestCommand implements Callable<Integer> {
    @Mixin DetectorOptions detectorOptions;
    @Mixin ModelOptions modelOptions;

    @Option(names = {"--data", "--data_path"}, paramLabel = "PATH", required = true,
            description = "Dataset folder or meta.json (any layout of docs/datasets.md).")
    Path data;

    @Option(names = "--split", paramLabel = "NAME", defaultValue = "test",
            description = "Split to evaluate: train, test or val (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--threshold", paramLabel = "T",
            description = "Image threshold for P/R/F1 (default: the bundle's, else 0.5).")
    Double threshold;

    @Option(names = {"--out", "--save_path"}, paramLabel = "DIR", defaultValue = "adclip-test",
            description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = {"--batch-size", "--batch_size"}, paramLabel = "N", defaultValue = "1",
            description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--save-maps", description = "Also write each image's map, overlay and mask as predict does "
            + "(DIR/maps/).")
    boolean saveMaps;

    @Option(names = "--gallery", paramLabel = "N", defaultValue = "6",
            description = "Worst false negatives and false positives shown in the report, each (default: "
                    + "${DEFAULT-VALUE}; 3 true positives are added).")
    int gallerySize;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (batchSize < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--batch-size must be at least 1");
        }
        if (gallerySize < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--gallery must be 0 or more");
        }
        Dataset dataset = loadSplit(data, split, spec);
        try (Detector detector = detectorOptions.builder(modelOptions).build()) {
            DetectorConfig config = detector.config();
            double t = threshold != null ? threshold : detector.storedThresholds().image();
            detector.setThreshold(t);
            createDirectories(out);
            ResultWriter maps = saveMaps ? new ResultWriter(out.resolve("maps"), true, false, config) : null;
            EvaluationPass pass = EvaluationPass.run(detector, dataset, split, batchSize,
                    true, maps == null ? null : (sample, name, stem, outcome) -> maps.write(name, stem, outcome));
            if (maps != null) {
                maps.finish();
            }
            if (pass.scored().isEmpty()) {
                throw new AdclipException("no image of the " + split + " split of " + data + " could be evaluated: "
                        + String.join("; ", pass.failures().stream().limit(3).toList()));
            }
            EvaluationReport report = report(detector, dataset, pass, t, config);
            report.writeAll(out);
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.print(report.table());
            report.summaryLines().forEach(stdout::println);
            stdout.println("report: " + out.resolve("report.html"));
            stdout.flush();
            return pass.failures().isEmpty() ? 0 : AdclipException.FAILURE;
        }
    }

    /** Loads the dataset and checks that the split has images (shared with calibrate). */
    static Dataset loadSplit(Path data, String split, CommandLine.Model.CommandSpec spec) {
        if (!Dataset.SPLITS.contains(split)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--split must be train, test or val, got "
                    + split);
        }
        Dataset dataset = DatasetLoader.load(data);
        if (dataset.samples(split).isEmpty()) {
            throw new AdclipException("the " + split + " split of " + dataset.root() + " has no images ("
                    + dataset.summary() + "); choose another with --split");
        }
        return dataset;
    }

    private EvaluationReport report(Detector detector, Dataset dataset, EvaluationPass pass,
            double t, DetectorConfig config) {
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
        return new EvaluationReport(about(detector, dataset, t, pass), classes, mean, pooled, t, thresholdOrigin(detector),
                detector.storedThresholds().pixel(), imageCurve, pass.pooledPixels().curve(2000), select(all, labels, false),
                select(all, labels, true), gallery(all, t, detector, dataset, config), pass.failures(), notes);
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

    private String thresholdOrigin(Detector detector) {
        if (threshold != null) {
            return "--threshold";
        }
        BundleManifest.Thresholds th = detector.storedThresholds();
        return "the " + (detectorOptions.bundle != null ? "bundle's" : "default") + ", strategy " + th.imageStrategy()
                + (th.source() == null ? "" : " on " + th.source());
    }

    private Map<String, String> about(Detector detector, Dataset dataset, double t, EvaluationPass pass) {
        Map<String, String> about = new LinkedHashMap<>();
        if (ModelOptions.isRandom(detector.weightsFile())) {
            about.put("WARNING", EvaluationReport.RANDOM_WEIGHTS_WARNING);
            about.put("CLIP weights", detector.weightsFile() + " (random weights of that shape)");
        } else {
            about.put("CLIP weights", detector.weightsFile().toAbsolutePath().normalize() + " (sha256 "
                    + detector.weightsSha256() + ")");
        }
        about.put(detectorOptions.bundle != null ? "bundle" : "checkpoint", (detectorOptions.bundle != null
                ? detectorOptions.bundle : detectorOptions.checkpoint).toAbsolutePath().normalize().toString());
        DetectorConfig c = detector.config();
        about.put("detector", String.format(Locale.ROOT, "image size %d, features %s, dpam %d, sigma %s",
                c.imageSize(), c.featureBlocks(), c.dpam(), c.sigma()));
        about.put("data", dataset.summary());
        about.put("split", split + " (" + pass.all().size() + " images evaluated)");
        about.put("threshold", EvaluationReportText.threshold(t, thresholdOrigin(detector)));
        about.put("map threshold", String.format(Locale.ROOT, "%.4g (%s)", detector.storedThresholds().pixel(),
                detector.storedThresholds().pixelStrategy()));
        about.put("software", com.adclip.Version.software());
        about.put("created", Instant.now().toString());
        return about;
    }

    /** Worst false negatives (lowest defective scores), worst false positives (highest good), top true positives. */
    private List<GalleryItem> gallery(List<EvaluationPass.Scored> all, double t, Detector detector, Dataset dataset,
            DetectorConfig config) {
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

    private void render(String kind, List<EvaluationPass.Scored> chosen, Detector detector, DetectorConfig config,
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

    static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new AdclipException("cannot create output folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Small text helpers shared with calibrate. */
    static final class EvaluationReportText {
        private EvaluationReportText() {}

        static String threshold(double t, String origin) {
            return String.format(Locale.ROOT, "%.6g (%s); NG when score >= threshold", t, origin);
        }

        static String pct(double v) {
            return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
        }
    }
}
