package com.adclip.cli;

import com.adclip.AdclipException;
import com.adclip.data.Dataset;
import com.adclip.data.DatasetInspection;
import com.adclip.data.DatasetLoader;
import com.adclip.data.MetaJson;
import com.adclip.data.TestSplit;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code adclip dataset}: look at a dataset, or convert it to the reference's {@code meta.json}. */
@Command(
        name = "dataset",
        mixinStandardHelpOptions = true,
        description = "Inspect a dataset or write its meta.json index (layouts: docs/datasets.md).",
        subcommands = {DatasetCommand.Inspect.class, DatasetCommand.ToMeta.class})
final class DatasetCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code adclip dataset inspect PATH}. */
    @Command(
            name = "inspect",
            mixinStandardHelpOptions = true,
            description = {"Count good and defective images and defect types per class, and list problems: "
                    + "defective images with no mask, masks whose size differs from their image, duplicate images "
                    + "(same content), unreadable files.",
                "Exit 0 when the data is usable (problems listed or not), 1 when it is not."})
    static final class Inspect implements Callable<Integer> {

        @Parameters(paramLabel = "PATH", description = "Dataset folder or meta.json file.")
        Path path;

        @Option(names = "--decode", description = "Decode every image and mask fully to find corrupt pixel data "
                + "(slower; by default only headers are read).")
        boolean decode;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
                description = "Files listed per kind of problem (default: ${DEFAULT-VALUE}; 0 = all).")
        int limit;

        @Option(names = "--test-split", paramLabel = "F", description = "As train's --test-split: the share "
                + "carved out for test when the data has no test split (default 0.2; 0 = none).")
        double testSplit = TestSplit.DEFAULT.fraction();

        @Option(names = "--split-seed", paramLabel = "N", description = "As train's --split-seed (default 0).")
        long splitSeed = TestSplit.DEFAULT.seed();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (limit < 0) {
                throw AdclipException.usage("--limit must be 0 (all) or more, got " + limit, null);
            }
            Dataset dataset = DatasetLoader.load(path);
            DatasetInspection.Report report = DatasetInspection.inspect(dataset, decode);
            PrintWriter out = spec.commandLine().getOut();
            out.println("dataset: " + dataset.layout().description() + " at " + dataset.root());
            for (DatasetInspection.ClassSummary c : report.classes()) {
                out.println(c.name() + ": " + (c.good() + c.defective()) + " images (" + c.good() + " good, "
                        + c.defective() + " defective); defect types: " + counts(c.defectTypes(), "none")
                        + "; splits: " + counts(c.splits(), "none"));
            }
            out.println("split that train and test will use:");
            new TestSplit(testSplit, splitSeed).describe(dataset).forEach(line -> out.println("  " + line));
            List<DatasetInspection.Problem> problems = report.problems();
            out.println(problems.isEmpty() ? "problems: none" : "problems: " + problems.size());
            for (DatasetInspection.Kind kind : DatasetInspection.Kind.values()) {
                List<DatasetInspection.Problem> ofKind = problems.stream().filter(p -> p.kind() == kind).toList();
                if (ofKind.isEmpty()) {
                    continue;
                }
                out.println("  " + kind.title() + ": " + ofKind.size());
                int shown = limit == 0 ? ofKind.size() : Math.min(limit, ofKind.size());
                for (DatasetInspection.Problem p : ofKind.subList(0, shown)) {
                    out.println("    " + display(dataset, p.file()) + (p.detail().isEmpty() ? "" : ": " + p.detail()));
                }
                if (shown < ofKind.size()) {
                    out.println("    ... and " + (ofKind.size() - shown) + " more (--limit 0 lists all)");
                }
            }
            out.flush();
            if (!report.usable()) {
                throw new AdclipException("dataset " + dataset.root() + " is unusable: no readable image in class(es) "
                        + String.join(", ", report.unusableClasses()));
            }
            return 0;
        }

        private static String counts(Map<String, Integer> counts, String none) {
            return counts.isEmpty() ? none : counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining(", "));
        }

        private static String display(Dataset dataset, Path file) {
            return file.startsWith(dataset.root()) ? dataset.root().relativize(file).toString() : file.toString();
        }
    }

    /** {@code adclip dataset to-meta PATH [--out FILE]}. */
    @Command(
            name = "to-meta",
            mixinStandardHelpOptions = true,
            description = {"Write the dataset as the reference's meta.json index (paths relative to its folder).",
                "Masks drawn from boxes/polygons are written as PNGs in a masks/ folder next to it, since "
                    + "meta.json can only name mask files."})
    static final class ToMeta implements Callable<Integer> {

        @Parameters(paramLabel = "PATH", description = "Dataset folder or meta.json file.")
        Path path;

        @Option(names = "--out", paramLabel = "FILE",
                description = "Where to write the index (default: meta.json in the dataset folder).")
        Path out;

        @Option(names = "--force", description = "Overwrite an existing index.")
        boolean force;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Dataset dataset = DatasetLoader.load(path);
            Path target = out != null ? out : dataset.root().resolve("meta.json");
            if (Files.exists(target) && !force) {
                throw AdclipException.usage(target + " already exists; pass --force to overwrite it or --out FILE "
                        + "to write elsewhere", null);
            }
            MetaJson.Written written = MetaJson.write(dataset, target);
            PrintWriter pw = spec.commandLine().getOut();
            List<String> parts = new ArrayList<>();
            for (String split : Dataset.SPLITS) {
                parts.add(dataset.samples(split).size() + " " + split);
            }
            pw.println("wrote " + written.file() + ": " + String.join(", ", parts) + " images in "
                    + dataset.classes().size() + " class(es), from the " + dataset.layout().description() + " at "
                    + dataset.root());
            if (written.drawnMasks() > 0) {
                pw.println("wrote " + written.drawnMasks() + " mask PNG(s) rasterised from boxes/polygons to "
                        + written.masksDir() + " (meta.json can only name mask files)");
            }
            pw.flush();
            return 0;
        }
    }
}
