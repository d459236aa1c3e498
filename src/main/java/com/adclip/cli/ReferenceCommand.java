package com.adclip.cli;

import ai.djl.ndarray.NDManager;
import com.adclip.data.InputFiles;
import com.adclip.AdclipException;
import com.adclip.Detector;
import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.BundleManifest;
import com.adclip.reference.BankOptions;
import com.adclip.reference.ReferenceBank;
import com.adclip.reference.ReferenceImages;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code adclip reference add|list}: a bundle's bank of good reference images. */
@Command(
        name = "reference",
        mixinStandardHelpOptions = true,
        description = {
            "A bundle's bank of good reference images: their patch features are compared with each test image's, "
                    + "and that map is fused with the prompt maps (see docs/reference-images.md)."
        },
        subcommands = {ReferenceCommand.Add.class, ReferenceCommand.ListReferences.class})
final class ReferenceCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code adclip reference add}. */
    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Add good images to a bundle's reference bank (creating it) and write the bundle to --out.",
                "With a tiling (the bundle's, or --tile/--tiles auto), each image is cut into tiles and the bank "
                        + "holds the tiles' patches; the bundle then stores that tiling.",
                "Images already in the bank (same sha256) and unreadable ones are skipped with a reason. A new bank "
                        + "starts with the default thresholds; an extended one keeps its calibrated thresholds."
            })
    static final class Add implements Callable<Integer> {
        @Mixin DetectorOptions detectorOptions;
        @Mixin ModelOptions modelOptions;

        @Option(names = "--out", paramLabel = "FILE", required = true,
                description = "The bundle to write (may be --bundle itself; written atomically).")
        Path out;

        @Option(names = "--coreset", paramLabel = "N",
                description = "Most rows kept per feature block by the greedy k-center coreset; 0 keeps all "
                        + "(default: the bank's, else " + BankOptions.DEFAULT_CORESET + ").")
        Integer coreset;

        @Option(names = "--lambda", paramLabel = "L",
                description = "Weight of the bank map in the fused map, for a new bank (default: 1).")
        Double lambda;

        @Parameters(paramLabel = "IMAGE", arity = "1..*",
                description = "Good images: files, folders (searched recursively) or quoted globs.")
        List<String> inputs;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (detectorOptions.bundle == null || detectorOptions.checkpoint != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "reference add needs --bundle FILE");
            }
            detectorOptions.noReference = false;
            List<Path> images = InputFiles.expand(inputs).stream().map(InputFiles.Input::path).toList();
            PrintWriter err = spec.commandLine().getErr();
            try (Detector detector = detectorOptions.builder(modelOptions).build()) {
                ReferenceBank existing = detector.referenceBank();
                BankOptions options = options(existing);
                List<ReferenceImages.Skipped> skipped = new ArrayList<>();
                ReferenceBank bank = detector.extendReferences(images, path -> path.getFileName().toString(), options,
                        Set.of(), message -> progress(err, message), skipped);
                skipped.forEach(s -> err.println("skipped " + s.image() + ": " + s.reason()));
                if (bank == null) {
                    throw new AdclipException("no image was added; " + out + " not written");
                }
                String tilingNote = null;
                try (NDManager scope = NDManager.newBaseManager()) {
                    Bundle input = Bundle.load(detectorOptions.bundle, scope);
                    BundleManifest.Tiling used = detector.tiling() == null ? null : detector.tiling().toManifest();
                    if (!BundleManifest.Tiling.sameLayout(input.manifest().tiling(), used)) {
                        // the bank's patches only compare with inspections cut alike: the bundle now says so
                        tilingNote = "note: the bundle's tiling is now " + BundleManifest.Tiling.describeLayout(used)
                                + " (was " + BundleManifest.Tiling.describeLayout(input.manifest().tiling())
                                + "), as its bank's; its thresholds were chosen for the old one: recalibrate "
                                + "with adclip calibrate";
                        input = input.withManifest(input.manifest().withTiling(used));
                    }
                    bank.into(input).save(out);
                }
                if (tilingNote != null) {
                    err.println(tilingNote);
                }
                int added = bank.size() - (existing == null ? 0 : existing.size());
                print(spec.commandLine().getOut(), bank.section(), added, out);
                bank.close();
                return skipped.isEmpty() ? 0 : AdclipException.FAILURE;
            }
        }

        private BankOptions options(ReferenceBank existing) {
            BankOptions options = BankOptions.defaults();
            int size = coreset != null ? coreset
                    : existing != null ? existing.section().coresetSize() : BankOptions.DEFAULT_CORESET;
            try {
                options = options.withCoresetSize(size);
                if (lambda != null) {
                    if (existing != null) {
                        throw new CommandLine.ParameterException(spec.commandLine(),
                                "--lambda applies to a new bank; this bundle's bank has lambda "
                                        + existing.section().lambda());
                    }
                    options = options.withLambda(lambda);
                }
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            return options;
        }

        private static void progress(PrintWriter err, String message) {
            err.println(message);
            err.flush();
        }

        private static void print(PrintWriter out, BundleManifest.Reference r, int added, Path file) {
            out.printf(Locale.ROOT, "added %d reference image%s; the bank now holds %d (q = %.4g)%n", added,
                    added == 1 ? "" : "s", r.images().size(), r.normalizer());
            out.println("the bank holds patches of " + r.describeTiling() + (r.tiling() == null ? ""
                    : ": inspect with " + com.adclip.tile.Tiling.optionsFor(r.tiling())
                            + " (the bundle's tiling by default)"));
            for (BundleManifest.BankLayer layer : r.layers()) {
                out.printf(Locale.ROOT, "  block %d: %d of %d rows kept, covering radius %.4g%n", layer.block(),
                        layer.kept(), layer.patches(), layer.radius());
            }
            out.println("wrote " + file);
            out.flush();
        }
    }

    /** {@code adclip reference list}. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Show a bundle's reference images (name, sha256, leave-one-out statistic) and bank sizes.")
    static final class ListReferences implements Callable<Integer> {
        @Option(names = "--bundle", paramLabel = "FILE", required = true, description = "The .adclip bundle.")
        Path bundle;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (NDManager manager = NDManager.newBaseManager()) {
                Bundle loaded;
                try {
                    loaded = Bundle.load(bundle, manager);
                } catch (AdclipException e) {
                    throw AdclipException.usage(e.getMessage(), e);
                }
                BundleManifest.Reference r = loaded.manifest().reference();
                if (r == null) {
                    out.println(bundle + " has no reference images (add some with: adclip reference add)");
                    out.flush();
                    return 0;
                }
                out.printf(Locale.ROOT, "%d reference image%s; image size %d, features %s, dpam %d, lambda %s, "
                        + "q %.4g; patches of %s%n", r.images().size(), r.images().size() == 1 ? "" : "s",
                        r.imageSize(), r.features(), r.dpam(), r.lambda(), r.normalizer(), r.describeTiling());
                for (int i = 0; i < r.images().size(); i++) {
                    BundleManifest.ReferenceImage image = r.images().get(i);
                    out.printf(Locale.ROOT, "%4d  %s  %s  %s%n", i, image.sha256(), image.looP99() == null ? "-"
                            : String.format(Locale.ROOT, "loo_p99 %.4g", image.looP99()), image.name());
                }
                for (BundleManifest.BankLayer layer : r.layers()) {
                    out.printf(Locale.ROOT, "block %d: %d of %d rows kept (coreset at most %s), covering radius "
                            + "%.4g%n", layer.block(), layer.kept(), layer.patches(),
                            r.coresetSize() == 0 ? "all" : r.coresetSize(), layer.radius());
                }
                BundleManifest.Thresholds t = r.thresholds();
                out.println(t == null ? "fused thresholds: defaults (not calibrated with the bank)"
                        : String.format(Locale.ROOT, "fused thresholds: image %.6g (%s), map %.6g (%s)", t.image(),
                                t.imageStrategy(), t.pixel(), t.pixelStrategy()));
                out.flush();
                return 0;
            }
        }
    }
}
