package com.adclip.cli;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where a detector's prompts come from (a bundle or a reference checkpoint), plus its hyper-parameters. */
final class DetectorOptions {
    @Option(names = "--bundle", paramLabel = "FILE", description = "A trained .adclip bundle.")
    Path bundle;

    @Option(names = {"--checkpoint", "--checkpoint_path"}, paramLabel = "FILE",
            description = "A reference AnomalyCLIP checkpoint (epoch_N.pth) instead of a bundle.")
    Path checkpoint;

    @Option(names = "--force",
            description = "Use a bundle with CLIP weights other than those its manifest names.")
    boolean force;

    @Option(names = "--no-reference",
            description = "Ignore the bundle's bank of good reference images: prompt maps and scores only, with the "
                    + "bundle's prompt-only thresholds.")
    boolean noReference;

    @Mixin HyperOptions hyper = new HyperOptions();

    @Mixin TilingOptions tiling = new TilingOptions();

    /** A detector builder with these options and {@code model}'s weights. */
    com.adclip.Detector.Builder builder(ModelOptions model) {
        if (bundle == null) { // a bundle names its model; a checkpoint or fresh prompts take the cache's
            model.announceOnlyCached();
        }
        com.adclip.Detector.Builder builder = com.adclip.Detector.builder().bundle(bundle).checkpoint(checkpoint)
                .weights(model.weights).model(model.model).cache(model.cache).force(force)
                .precision(model.precision()).noReference(noReference);
        hyper.applyTo(builder);
        return tiling.applyTo(builder);
    }
}
