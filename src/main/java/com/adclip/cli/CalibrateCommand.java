package com.adclip.cli;

import com.adclip.eval.Calibration;
import com.adclip.eval.EvaluationPass;
import com.adclip.Detector;
import com.adclip.AdclipException;
import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.data.Dataset;
import com.adclip.eval.ThresholdStrategy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code adclip calibrate}: choose a bundle's thresholds on labelled data and write a new bundle. */
@Command(
        name = "calibrate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Choose the image threshold (NG when score >= threshold) and the map threshold for defect masks on a "
                    + "dataset split, and write a new bundle carrying them. Prints the precision and recall to "
                    + "expect at that point.",
            "Strategies: f1, recall:R, precision:P, good-only:max, good-only:sigma:K (see docs/evaluation.md)."
        })
final class CalibrateCommand implements Callable<Integer> {
    @Mixin DetectorOptions detectorOptions;
    @Mixin ModelOptions modelOptions;

    @Option(names = "--data", paramLabel = "PATH", required = true,
            description = "Dataset folder or meta.json (any layout of docs/datasets.md).")
    Path data;

    @Option(names = "--split", paramLabel = "NAME", defaultValue = "test",
            description = "Split whose images are used: train, test or val (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--strategy", paramLabel = "S", defaultValue = "f1",
            description = "Image threshold strategy (default: ${DEFAULT-VALUE}).")
    String strategy;

    @Option(names = "--pixel-strategy", paramLabel = "S",
            description = "Map threshold strategy on pixel scores (default: the --strategy; a strategy that needs "
                    + "defects keeps the bundle's map threshold when no image has a defect mask).")
    String pixelStrategy;

    @Option(names = "--out", paramLabel = "FILE", required = true,
            description = "The bundle to write; may equal --bundle only if you mean to replace it.")
    Path out;

    @Option(names = {"--batch-size", "--batch_size"}, paramLabel = "N", defaultValue = "1",
            description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--strict", description = "Fail when any image used was a training image (by content). "
            + "Without it that is a warning: the threshold would be tuned on scores the model has seen.")
    boolean strict;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (detectorOptions.bundle == null || detectorOptions.checkpoint != null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "calibrate reads a --bundle (import a reference checkpoint first with adclip import)");
        }
        if (batchSize < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--batch-size must be at least 1");
        }
        ThresholdStrategy image = ThresholdStrategy.parse(strategy);
        ThresholdStrategy pixel = ThresholdStrategy.parse(pixelStrategy == null ? strategy : pixelStrategy);
        Dataset dataset = EvaluationData.load(data, split, detectorOptions.bundle, strict, spec).dataset();
        try (Detector detector = detectorOptions.builder(modelOptions).build()) {
            String referenceLine = ReferenceText.line(detector);
            if (referenceLine != null) {
                spec.commandLine().getErr().println(referenceLine + (detector.referenceBank() != null
                        ? "; calibrating the fused thresholds" : "; calibrating the prompt-only thresholds"));
            }
            DetectorConfig config = detector.config();
            EvaluationPass pass = EvaluationPass.run(detector, dataset, split, batchSize,
                    false, null);
            int scored = pass.all().size();
            if (scored == 0) {
                throw new AdclipException("no image of the " + split + " split of " + data + " could be scored: "
                        + String.join("; ", pass.failures().stream().limit(3).toList()));
            }
            String source = split + " split of " + dataset.root() + " (" + scored + " images)";
            Calibration calibration = Calibration.choose(pass, image, pixel, detector.storedThresholds(), source);
            write(detector, config, calibration);
            report(calibration.image(), calibration.pixel(), calibration.pixelNote(), source, pass);
            return pass.failures().isEmpty() ? 0 : AdclipException.FAILURE;
        }
    }

    /** The thresholds are of fused scores when the detector uses a reference bank. */
    private void write(Detector detector, DetectorConfig config, Calibration calibration) {
        boolean fused = detector.referenceBank() != null;
        try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager()) {
            calibration.applyTo(Bundle.load(detectorOptions.bundle, manager), fused, config, detector.tiling())
                    .save(out);
        }
    }

    private void report(ThresholdStrategy.Choice image, ThresholdStrategy.Choice pixel, String pixelNote, String source,
            EvaluationPass pass) {
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf(Locale.ROOT, "image threshold %.6g (%s on the %s)%n", image.threshold(), image.strategy(), source);
        stdout.printf(Locale.ROOT, "  expected precision %s, recall %s, good pass rate %s (NG when score >= "
                + "threshold)%n", TestCommand.EvaluationReportText.pct(image.precision()),
                TestCommand.EvaluationReportText.pct(image.recall()),
                TestCommand.EvaluationReportText.pct(image.goodPassRate()));
        if (pixel != null) {
            stdout.printf(Locale.ROOT, "map threshold %.6g (%s on %d maps, pixels of S×S maps)%n", pixel.threshold(),
                    pixel.strategy(), pass.pixelMaps());
            stdout.printf(Locale.ROOT, "  expected pixel precision %s, recall %s, normal-pixel pass rate %s%n",
                    TestCommand.EvaluationReportText.pct(pixel.precision()),
                    TestCommand.EvaluationReportText.pct(pixel.recall()),
                    TestCommand.EvaluationReportText.pct(pixel.goodPassRate()));
        } else {
            stdout.println(pixelNote);
        }
        if (!pass.failures().isEmpty()) {
            stdout.println(pass.failures().size() + " image(s) could not be scored and were left out:");
            pass.failures().forEach(f -> stdout.println("  " + f));
        }
        stdout.println("wrote " + out);
        stdout.flush();
    }
}
