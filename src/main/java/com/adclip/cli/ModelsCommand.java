package com.adclip.cli;

import com.adclip.weights.ModelCache;
import com.adclip.weights.ModelRegistry;
import com.adclip.weights.PromptCheckpoints;
import com.adclip.weights.ModelSpec;
import com.adclip.weights.Sizes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code adclip models}: the known CLIP checkpoints and whether they are in the cache. */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = "List OpenAI's CLIP ViTs, their input resolution, and whether each is in the model cache "
                + "(files are not re-hashed here; `adclip fetch-model NAME` verifies them); then the prompt "
                + "checkpoints AnomalyCLIP published for zero-shot use, with their source URLs.")
final class ModelsCommand implements Callable<Integer> {

    private static final String ROW = "%-16s %5s  %-16s %10s  %s%n";

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Cache directory (default: $ADCLIP_CACHE, else $XDG_CACHE_HOME/adclip, "
                    + "else ~/.cache/adclip).")
    Path cache;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ModelCache modelCache = ModelCache.locate(cache);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, ROW, "MODEL", "INPUT", "STATUS", "SIZE", "FILE");
        for (ModelSpec model : ModelRegistry.all()) {
            OptionalLong cached = modelCache.cachedSize(model);
            OptionalLong partial = modelCache.partialSize(model);
            String status;
            String size;
            if (cached.isPresent()) {
                status = "cached";
                size = Sizes.human(cached.getAsLong());
            } else if (partial.isPresent()) {
                status = "partial download";
                size = Sizes.human(partial.getAsLong());
            } else {
                status = "not downloaded";
                size = "-";
            }
            out.printf(Locale.ROOT, ROW, model.name(), model.inputResolution() + "px", status, size,
                    modelCache.pathOf(model));
        }
        out.println();
        out.println("cache: " + modelCache.dir());
        out.println("fetch a model with: adclip fetch-model NAME");
        out.println();
        out.println("Prompt checkpoints published with AnomalyCLIP, for zero-shot use without training "
                + "(docs/zero-shot.md):");
        for (PromptCheckpoints.Entry e : PromptCheckpoints.all()) {
            out.printf(Locale.ROOT, "%-18s trained on %s, with %s; for %s%n", e.name(), e.trainedOn(), e.clipModel(),
                    e.useFor());
            out.println("  " + e.url());
            out.println("  sha256: " + (e.sha256() != null ? e.sha256() : "not published upstream, cannot be pinned; "
                    + "adclip import prints it and records it in the bundle at first use"));
        }
        out.println("use one with: adclip import --checkpoint epoch_15.pth --out NAME.adclip (weights of its CLIP "
                + "model), then predict or serve --bundle NAME.adclip");
        out.flush();
        return 0;
    }
}
