package com.adclip.cli;

import com.adclip.Detector;
import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.BundleManifest;
import com.adclip.weights.FileHashes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code adclip import}: turns a reference {@code epoch_N.pth} into an {@code .adclip} bundle. */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = {
            "Import a reference AnomalyCLIP checkpoint (epoch_N.pth) into an .adclip bundle, after checking that it "
                    + "was trained with the given CLIP weights.",
            "n_ctx, t_n_ctx, depth and the class word come from the checkpoint; image size, features, dpam and "
                    + "sigma from the options or the model card's defaults."
        })
final class ImportCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;
    @Mixin DetectorOptions detectorOptions;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "The bundle to write (NAME.adclip).")
    Path out;

    @Option(names = "--threshold", paramLabel = "T", description = "Image threshold to record (default 0.5).")
    Double threshold;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (detectorOptions.checkpoint == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--checkpoint FILE is required");
        }
        if (detectorOptions.bundle != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "import reads a --checkpoint, not a --bundle");
        }
        try (Detector detector = detectorOptions.builder(modelOptions).build()) {
            BundleManifest.Thresholds defaults = detector.storedThresholds();
            BundleManifest.Thresholds thresholds = threshold == null ? defaults
                    : new BundleManifest.Thresholds(threshold, "given", defaults.pixel(), defaults.pixelStrategy(), null);
            BundleManifest.ClipReference clip = new BundleManifest.ClipReference(
                    modelOptions.registryName(detector.weightsFile()).orElse(null),
                    detector.weightsFile().getFileName().toString(), detector.weightsSha256());
            Map<String, Object> training = new LinkedHashMap<>();
            training.put("source", "reference checkpoint");
            training.put("checkpoint", detectorOptions.checkpoint.toAbsolutePath().normalize().toString());
            training.put("checkpoint_sha256", FileHashes.hash(detectorOptions.checkpoint));
            Bundle.create(clip, detector.config(), thresholds, training, detector.prompts()).save(out);
            spec.commandLine().getOut().println(out);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
