package com.adclip.cli;

import com.adclip.eval.EvaluationPass;
import com.adclip.Detector;
import com.adclip.AdclipException;
import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.BundleManifest;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.anomaly.AnomalyPredictor;
import com.adclip.image.ImagePreprocessor;
import com.adclip.data.Dataset;
import com.adclip.eval.CurvePoints;
import com.adclip.eval.ThresholdStrategy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
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
            List<EvaluationPass.Scored> all = pass.all();
            if (all.isEmpty()) {
                throw new AdclipException("no image of the " + split + " split of " + data + " could be scored: "
                        + String.join("; ", pass.failures().stream().limit(3).toList()));
            }
            boolean[] labels = new boolean[all.size()];
            double[] scores = new double[all.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = all.get(i).sample().anomaly();
                scores[i] = all.get(i).score();
            }
            ThresholdStrategy.Choice imageChoice = image.choose(scores, labels);
            CurvePoints pixels = pass.pooledPixels().curve(Integer.MAX_VALUE);
            ThresholdStrategy.Choice pixelChoice = null;
            String pixelNote;
            if (pixels == null || (pixel.needsDefects() && pixels.positives() == 0)) {
                pixelNote = "no image with a defect mask: kept the map threshold " + detector.storedThresholds().pixel();
            } else {
                try {
                    pixelChoice = pixel.choose(pixels);
                    pixelNote = null;
                } catch (AdclipException e) {
                    pixelNote = "map threshold: " + e.getMessage() + "; kept the map threshold "
                            + detector.storedThresholds().pixel();
                }
            }
            String source = split + " split of " + dataset.root() + " (" + all.size() + " images)";
            BundleManifest.Thresholds old = detector.storedThresholds();
            // DefectRegions marks map > threshold; the strategy's cut is value >= t, so store the float below t.
            BundleManifest.Thresholds thresholds = new BundleManifest.Thresholds(imageChoice.threshold(),
                    imageChoice.strategy(),
                    pixelChoice == null ? old.pixel() : Math.nextDown((float) pixelChoice.threshold()),
                    pixelChoice == null ? old.pixelStrategy() : "pixel " + pixelChoice.strategy(), source);
            write(detector, config, thresholds);
            report(imageChoice, pixelChoice, pixelNote, source, pass);
            return pass.failures().isEmpty() ? 0 : AdclipException.FAILURE;
        }
    }

    /** The thresholds are of fused scores when the detector uses a reference bank. */
    private void write(Detector detector, DetectorConfig config, BundleManifest.Thresholds thresholds) {
        boolean fused = detector.referenceBank() != null;
        try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager()) {
            write(Bundle.load(detectorOptions.bundle, manager), fused, config, thresholds, detector.tiling());
        }
    }

    private void write(Bundle input, boolean fused, DetectorConfig config, BundleManifest.Thresholds thresholds,
            com.adclip.tile.Tiling tiling) {
        BundleManifest m = input.manifest();
        // with the bank in use the thresholds are the fused ones and go to the bank's section; the prompt-only
        // ones stay as they were (and the other way round with --no-reference); the bank itself is kept
        BundleManifest.Reference reference = m.reference() == null || !fused ? m.reference()
                : m.reference().withThresholds(thresholds);
        BundleManifest manifest = new BundleManifest(m.formatVersion(), m.clip(), BundleManifest.Detector.of(config),
                fused ? m.thresholds() : thresholds, m.training(), java.time.Instant.now().toString(),
                com.adclip.Version.software(), m.name(), tiling == null ? null : tiling.toManifest(), reference,
                m.types());
        new Bundle(manifest, input.prompts(), input.optimizer(), input.reference(), input.types()).save(out);
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
