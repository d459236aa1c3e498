package com.adclip.cli;

import com.adclip.eval.EvaluationPass;
import com.adclip.report.ResultWriter;
import com.adclip.Detector;
import com.adclip.AdclipException;
import com.adclip.anomaly.DetectorConfig;

import com.adclip.data.Dataset;
import com.adclip.data.DatasetLoader;
import com.adclip.report.EvaluationReport;
import com.adclip.report.TestReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
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
final class TestCommand implements Callable<Integer>, ConfigFile.Repeatable {
    @Mixin ConfigFile.Option configOption;

    @Override
    public Path outputFolder() {
        return output.path();
    }

    @Mixin DetectorOptions detectorOptions;
    @Mixin ModelOptions modelOptions;

    @Option(names = {"--data", "--data_path"}, paramLabel = "PATH", required = true,
            description = "Dataset folder or meta.json (any layout of docs/datasets.md).")
    Path data;

    @Option(names = "--split", paramLabel = "NAME", defaultValue = "test",
            description = "Split to evaluate: train, test or val (default: ${DEFAULT-VALUE}).")
    String split;

    /** The image threshold for precision, recall and F1. */
    @Mixin ThresholdOption threshold;

    @Mixin OutputFolder output = new OutputFolder("adclip-test");

    @Option(names = {"--batch-size", "--batch_size"}, paramLabel = "N", defaultValue = "1",
            description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--save-maps", description = "Also write each image's map, overlay and mask as predict does "
            + "(DIR/maps/).")
    boolean saveMaps;

    @Option(names = "--gallery", paramLabel = "N", defaultValue = "3",
            description = "Worst missed defects and false alarms shown per class in the report, each (default: "
                    + "${DEFAULT-VALUE}; one caught defect per class is added).")
    int gallerySize;

    @Option(names = "--strict", description = "Fail when any evaluated image was used in training (by content; "
            + "bundles from adclip train record their training images). Without it that is a warning.")
    boolean strict;

    private String overlapWarning;

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
        EvaluationData evaluated = EvaluationData.load(data, split, detectorOptions.bundle, strict, spec);
        Dataset dataset = evaluated.dataset();
        overlapWarning = evaluated.overlapWarning();
        try (Detector detector = detectorOptions.builder(modelOptions).build()) {
            DetectorConfig config = detector.config();
            double t = threshold.value() != null ? threshold.value() : detector.storedThresholds().image();
            detector.setThreshold(t);
            String reference = ReferenceText.line(detector);
            if (reference != null) {
                spec.commandLine().getErr().println(reference);
            }
            Path out = output.path();
            createDirectories(out);
            ResultWriter maps = saveMaps ? new ResultWriter(out.resolve("maps"), true, false, config) : null;
            EvaluationPass pass = EvaluationPass.run(detector, dataset, split, batchSize,
                    true, detector.referenceBank() != null, maps == null ? null : (sample, name, stem, outcome) -> maps.write(name, stem, outcome));
            if (maps != null) {
                maps.finish();
            }
            if (pass.scored().isEmpty()) {
                throw new AdclipException("no image of the " + split + " split of " + data + " could be evaluated: "
                        + String.join("; ", pass.failures().stream().limit(3).toList()));
            }
            EvaluationReport report = TestReport.assemble(detector, dataset, pass, new TestReport.Context(split, t,
                    threshold.value() != null, detectorOptions.bundle, detectorOptions.checkpoint, gallerySize, overlapWarning,
                    reference));
            report.writeAll(out);
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.print(report.table());
            report.summaryLines().forEach(stdout::println);
            if (!report.comparison().isEmpty()) {
                stdout.println("prompt only and fused with the reference bank (all images, each at its own "
                        + "thresholds):");
                stdout.print(report.comparisonTable());
            }
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

        static String pct(double v) {
            return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
        }
    }
}
