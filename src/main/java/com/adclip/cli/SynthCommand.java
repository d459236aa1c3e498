package com.adclip.cli;

import com.adclip.synth.SynthGenerator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code adclip synth}: write a synthetic product dataset with exact masks and boxes. */
@Command(
        name = "synth",
        mixinStandardHelpOptions = true,
        description = {"Generate a synthetic product dataset with ground truth: procedural products (disc, fabric, "
                + "pcb, label, bottle_cap) with scratches, cracks, dents, stains, holes, missing parts, "
                + "contamination and print errors, in the MVTec AD layout plus meta.json and boxes.json.",
            "The same options give byte-identical files. See docs/synthetic-data.md."})
final class SynthCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Folder to write (created; must be new or empty).")
    Path out;

    @Option(names = "--classes", paramLabel = "N", defaultValue = "3",
            description = "Product classes, 1-5 (default: ${DEFAULT-VALUE}: disc, fabric, pcb; then label, "
                    + "bottle_cap).")
    int classes;

    @Option(names = "--good", paramLabel = "N", defaultValue = "10",
            description = "Good images per class in train and again in test (default: ${DEFAULT-VALUE}).")
    int good;

    @Option(names = "--train-defects", paramLabel = "N", defaultValue = "10",
            description = "Defective training images per class, with masks, for few-shot training "
                    + "(default: ${DEFAULT-VALUE}; 0 for none).")
    int trainDefects;

    @Option(names = "--defects", paramLabel = "N", defaultValue = "10",
            description = "Defective test images per class, spread over its defect types (default: "
                    + "${DEFAULT-VALUE}).")
    int defects;

    @Option(names = "--size", paramLabel = "PX", defaultValue = "256",
            description = "Image side in pixels, 64-1024 (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        SynthGenerator.Config config =
                new SynthGenerator.Config(out, classes, good, trainDefects, defects, size, seed);
        long start = System.nanoTime();
        boolean bar = System.console() != null && config.images() > 20;
        SynthGenerator.Summary summary;
        try (ProgressBar progress = bar ? new ProgressBar("synth", config.images()) : null) {
            summary = SynthGenerator.generate(config, n -> {
                if (progress != null) {
                    progress.stepTo(n);
                }
            });
        }
        PrintWriter o = spec.commandLine().getOut();
        int classes = summary.classes().size();
        o.printf(Locale.ROOT, "wrote %d images and %d masks of %d %s (%s) to %s in %.1f s%n", summary.images(),
                summary.masks(), classes, classes == 1 ? "class" : "classes", String.join(", ", summary.classes()),
                summary.root(), (System.nanoTime() - start) / 1e9);
        o.println("index: " + summary.meta() + "; boxes: " + summary.boxes());
        o.flush();
        return 0;
    }
}
