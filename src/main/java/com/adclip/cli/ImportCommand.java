package com.adclip.cli;

import com.adclip.Detector;
import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.BundleManifest;
import com.adclip.weights.FileHashes;
import java.io.IOException;
import java.nio.file.Path;
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
    @Option(names = {"--checkpoint", "--checkpoint_path"}, paramLabel = "FILE", required = true,
            description = "The reference AnomalyCLIP checkpoint (epoch_N.pth), e.g. one of those `adclip models` "
                    + "lists.")
    Path checkpoint;

    @Mixin HyperOptions hyper = new HyperOptions();

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "The bundle to write (NAME.adclip).")
    Path out;

    @Option(names = "--threshold", paramLabel = "T", description = "Image threshold to record (default 0.5).")
    Double threshold;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        DetectorOptions detectorOptions = new DetectorOptions();
        detectorOptions.checkpoint = checkpoint;
        detectorOptions.hyper = hyper;
        try (Detector detector = detectorOptions.builder(modelOptions).build()) {
            BundleManifest.ClipReference clip = new BundleManifest.ClipReference(
                    modelOptions.registryName(detector.weightsFile()).orElse(null),
                    detector.weightsFile().getFileName().toString(), detector.weightsSha256());
            String sha = FileHashes.hash(checkpoint);
            Bundle.imported(clip, detector.config(), detector.storedThresholds(), threshold, checkpoint, sha,
                    detector.prompts()).save(out);
            spec.commandLine().getErr().println("checkpoint sha256 " + sha + " (recorded in the bundle)");
            spec.commandLine().getErr().flush();
            spec.commandLine().getOut().println(out);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
