package com.adclip.cli;

import com.adclip.Outcome;
import com.adclip.data.InputFiles;
import com.adclip.report.ResultWriter;
import com.adclip.AdclipException;
import com.adclip.Detector;
import com.adclip.InspectionPipeline;
import com.adclip.anomaly.BundleManifest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code adclip predict}: score, map, verdict and defect boxes for each image. */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Find defects: for each image an anomaly score, class probabilities, an anomaly map, an OK/NG verdict "
                    + "and defect boxes.",
            "Writes DIR/results.json (and results.csv with --format csv) and, per image, <name>.npy (the map at "
                    + "the image's size), <name>_overlay.png and <name>_mask.png. Exits 1 if any input failed."
        })
final class PredictCommand implements Callable<Integer>, ConfigFile.Repeatable {
    @Mixin ConfigFile.Option configOption;

    @Override
    public Path outputFolder() {
        return output.path();
    }

    @Mixin DetectorOptions detectorOptions;
    @Mixin ModelOptions modelOptions;

    @Mixin ThresholdOption threshold;

    @Option(names = "--map-threshold", paramLabel = "T",
            description = "Map value above which a pixel is defective (default: the bundle's, else half the number "
                    + "of feature layers).")
    Double mapThreshold;

    @Option(names = {"--batch-size", "--batch_size"}, paramLabel = "N", defaultValue = "1",
            description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin OutputFolder output = new OutputFolder("adclip-results");

    @Option(names = "--format", paramLabel = "json|csv", defaultValue = "json",
            description = "results.json always; csv adds results.csv (default: ${DEFAULT-VALUE}).")
    String format;

    @Mixin ImageLimits limits;

    @Option(names = "--no-images", description = "Write results only: no .npy, overlay or mask files.")
    boolean noImages;

    @Parameters(paramLabel = "INPUT", arity = "1..*",
            description = "Image files, folders (searched recursively) or quoted globs such as 'parts/**/*.png'.")
    List<String> inputs;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        validate();
        List<Path> skipped = new ArrayList<>();
        List<InputFiles.Input> files = InputFiles.expand(inputs, skipped);
        if (!skipped.isEmpty()) {
            spec.commandLine().getErr().println("skipped " + skipped.size() + " file(s) that are not images by their "
                    + "extension, e.g. " + skipped.get(0));
        }
        try (Detector detector = detector()) {
            String reference = ReferenceText.line(detector);
            if (reference != null) {
                spec.commandLine().getErr().println(reference);
            }
            ResultWriter writer = new ResultWriter(output.path(), !noImages, format.equals("csv"), detector.config());
            Summary summary = run(detector, files, writer);
            writer.finish();
            spec.commandLine().getErr().println(summary.line(output.path()));
            spec.commandLine().getErr().flush();
            return summary.failed > 0 ? AdclipException.FAILURE : 0;
        }
    }

    private void validate() {
        String f = format.toLowerCase(Locale.ROOT);
        if (!f.equals("json") && !f.equals("csv")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be json or csv, got " + format);
        }
        format = f;
        if (batchSize < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--batch-size must be at least 1");
        }
        limits.validate(spec.commandLine());
    }

    private Detector detector() {
        Detector.Builder builder = threshold.apply(limits.apply(detectorOptions.builder(modelOptions)));
        if (mapThreshold != null) {
            builder.mapThreshold(mapThreshold);
        }
        return builder.build();
    }

    /**
     * Decoding of the next batch and writing of the previous one overlap with inference
     * ({@link InspectionPipeline}); rows and files stay in input order.
     */
    private Summary run(Detector detector, List<InputFiles.Input> files, ResultWriter writer) {
        Summary summary = new Summary();
        long start = System.nanoTime();
        boolean bar = files.size() > 1 && System.console() != null;
        try (ProgressBar progress = bar ? new ProgressBar("predict", files.size()) : null) {
            InspectionPipeline.inspectInputs(detector, files, batchSize, (inputs, outcomes) -> {
                for (int i = 0; i < inputs.size(); i++) {
                    writer.write(inputs.get(i).given(), inputs.get(i).outputName(), outcomes.get(i));
                    summary.add(outcomes.get(i));
                }
                if (progress != null) {
                    progress.stepBy(inputs.size());
                    progress.setExtraMessage(summary.counts());
                }
            });
        }
        summary.wallSeconds = (System.nanoTime() - start) / 1e9;
        return summary;
    }

    /** Counts for the one-line summary. */
    private static final class Summary {
        int ok;
        int ng;
        int failed;
        double millis;
        double wallSeconds;

        synchronized void add(Outcome outcome) {
            millis += outcome.millis();
            if (outcome.failed()) {
                failed++;
            } else if (outcome.prediction().verdict() == com.adclip.Verdict.NG) {
                ng++;
            } else {
                ok++;
            }
        }

        synchronized String counts() {
            return ok + " OK, " + ng + " NG" + (failed > 0 ? ", " + failed + " failed" : "");
        }

        String line(Path out) {
            int total = ok + ng + failed;
            return String.format(Locale.ROOT, "%d image%s: %s; %.2f s/image; %.2f images/s; results in %s", total,
                    total == 1 ? "" : "s", counts(), millis / 1000 / Math.max(1, total),
                    total / Math.max(1e-9, wallSeconds), out.resolve("results.json"));
        }
    }
}
