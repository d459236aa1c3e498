package com.adclip.cli;

import com.adclip.Detector;
import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.BundleManifest;
import com.adclip.tile.Tiling;
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

    // the tiling to record, as train records it (docs/tiling.md); --tile-batch is not one of them: nothing runs here
    @Option(names = "--tile", paramLabel = "SIZE",
            description = "Record a tiling: later commands cut images into SIZE x SIZE tiles by default.")
    Integer tile;

    @Option(names = "--tile-stride", paramLabel = "S",
            description = "With --tile: the step between tiles, <= SIZE (default: 3/4 of SIZE).")
    Integer tileStride;

    @Option(names = "--tiles", paramLabel = "auto",
            description = "Record the automatic tiling (tiles of 2x the model input for larger images).")
    String tiles;

    @Option(names = "--tile-merge", paramLabel = "avg|max", description = "With a tiling: how overlaps combine.")
    String tileMerge;

    @Option(names = "--tile-global", description = "With a tiling: fuse a whole-image pass into the score.")
    Boolean tileGlobal;

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
            Bundle bundle = Bundle.imported(clip, detector.config(), detector.storedThresholds(), threshold,
                    checkpoint, sha, detector.prompts());
            Tiling tiling = tiling();
            if (tiling != null) {
                bundle = bundle.withManifest(bundle.manifest().withTiling(tiling.toManifest()));
                spec.commandLine().getErr().println("tiling " + tiling.describe() + " (recorded in the bundle)");
            }
            bundle.save(out);
            spec.commandLine().getErr().println("checkpoint sha256 " + sha + " (recorded in the bundle)");
            spec.commandLine().getErr().flush();
            spec.commandLine().getOut().println(out);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }

    /** The tiling the options give, null for none (the same rules as predict's and train's). */
    private Tiling tiling() {
        TilingOptions options = new TilingOptions();
        options.tile = tile;
        options.stride = tileStride;
        options.mode = tiles;
        options.merge = tileMerge;
        options.global = tileGlobal;
        return options.resolve(null);
    }
}
