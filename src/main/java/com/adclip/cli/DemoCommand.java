package com.adclip.cli;

import com.adclip.AdclipException;
import com.adclip.weights.Downloader;
import com.adclip.weights.ModelCache;
import com.adclip.weights.ModelRegistry;
import com.adclip.weights.ModelSpec;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code adclip demo}: the whole system in one command: a model, a generated product dataset, few-shot
 * training, evaluation with an HTML report, and overlays. Each step is the same command a user would run.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run the whole pipeline on generated product images: fetch ViT-B/16 (or use --weights), generate a "
                    + "dataset, train few-shot (10 defective + 10 good per class), test, and write an HTML report.",
            "Ends with the report's path and the commands to do the same on your own folder."
        })
final class DemoCommand implements Callable<Integer> {
    static final String DEFAULT_MODEL = "ViT-B/16";

    // --weights PATH or random:NAME (a smoke test: every number is meaningless), --model (fetched if missing;
    // default ViT-B/16 here, the fastest good choice on a CPU), --cache
    @Mixin ModelOptions modelOptions;

    @Option(names = "--random-weights", hidden = true,
            description = "Deprecated spelling of --weights random:MODEL.")
    boolean randomWeights;

    @Option(names = "--mirror", paramLabel = "URL",
            description = "Download the model from this mirror instead of openaipublic.azureedge.net "
                    + "(default: $ADCLIP_MODEL_MIRROR).")
    String mirror;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "adclip-demo",
            description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--classes", paramLabel = "N", defaultValue = "3", description = "Product classes (default: "
            + "${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "15",
            description = "Training epochs (default: ${DEFAULT-VALUE}, the reference's recipe).")
    int epochs;

    @Option(names = "--synth-size", paramLabel = "PX", defaultValue = "256",
            description = "Side of the generated images (default: ${DEFAULT-VALUE}).")
    int synthSize;

    @Mixin HyperOptions hyper;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private String model;
    private Path weights;
    @Option(names = "--force", description = "Start over in an --out folder used before (default: reuse its "
            + "complete dataset and trained model).")
    boolean force;

    private Path cache;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        model = modelOptions.model != null ? modelOptions.model : DEFAULT_MODEL;
        weights = modelOptions.weights;
        cache = modelOptions.cache;
        if (randomWeights) {
            err.println("note: --random-weights is deprecated; use --weights random:" + model);
        }
        if (weights != null && ModelOptions.isRandom(weights)) {
            model = weights.toString().substring(ModelOptions.RANDOM_PREFIX.length());
            weights = null;
            randomWeights = true;
        }
        long start = System.nanoTime();
        String weightsArg = weightsArgument(err);
        int size = hyper.imageSize != null ? hyper.imageSize : modelResolution();
        Path data = out.resolve("data");
        Path run = out.resolve("run");
        Path eval = out.resolve("eval");
        Files.createDirectories(out);
        if (randomWeights) {
            Files.writeString(out.resolve("RANDOM-WEIGHTS.txt"),
                    "random weights: numbers are meaningless (adclip demo --weights random:NAME is a smoke test)\n");
        }
        if (force) {
            for (Path dir : List.of(data, run, eval)) {
                deleteTree(dir);
            }
        }
        if (Files.isRegularFile(data.resolve("meta.json"))) {
            step(err, 2, "reusing the dataset in " + data + " (--force makes a new one)");
        } else {
            if (Files.isDirectory(data) && !isEmpty(data)) {
                throw AdclipException.usage(data + " holds an incomplete dataset from an interrupted demo; run "
                        + "again with --force to start over", null);
            }
            step(err, 2, "generating a product dataset in " + data);
            run("synth", "--out", data.toString(), "--classes", Integer.toString(classes), "--size",
                    Integer.toString(synthSize), "--seed", Long.toString(seed));
        }
        if (Files.isRegularFile(run.resolve("model.adclip"))) {
            step(err, 3, "reusing the trained model " + run.resolve("model.adclip") + " (--force trains again)");
        } else {
            step(err, 3, "training few-shot (10 defective + 10 good images per class) into " + run);
            List<String> train = new ArrayList<>(List.of("train", "--data", data.resolve("meta.json").toString(),
                    "--out", run.toString(), "--weights", weightsArg, "--recipe", "anomalyclip", "--epochs",
                    Integer.toString(epochs), "--image-size", Integer.toString(size), "--seed", Long.toString(seed)));
            addModelOptions(train);
            run(train);
        }
        step(err, 4, "testing on the held-out images into " + eval);
        List<String> test = new ArrayList<>(List.of("test", "--bundle", run.resolve("model.adclip").toString(),
                "--weights", weightsArg, "--data", data.resolve("meta.json").toString(), "--out", eval.toString(),
                "--save-maps"));
        addCache(test);
        run(test);
        double minutes = (System.nanoTime() - start) / 60e9;
        summary(err, eval, minutes);
        return 0;
    }

    private static boolean isEmpty(Path dir) throws java.io.IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    /** Removes a folder the demo wrote (data, run or eval inside --out). */
    private static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private void step(PrintWriter err, int number, String what) {
        err.printf("%n[%d/5] %s%n", number, what);
        err.flush();
    }

    private void summary(PrintWriter err, Path eval, double minutes) {
        PrintWriter o = spec.commandLine().getOut();
        err.printf(Locale.ROOT, "%n[5/5] done in %.1f min%s%n", minutes,
                randomWeights ? " — random weights: numbers are meaningless" : "");
        err.flush();
        o.println("report: " + eval.resolve("report.html").toAbsolutePath());
        o.println();
        o.println("Do the same on your own folder (good/ plus one folder per defect type, see docs/datasets.md):");
        o.println("  ./adclip train --data my-parts/ --model " + model + " --out runs/parts --val-split 0.2");
        o.println("  ./adclip test --bundle runs/parts/model.adclip --data my-parts/ --out eval/");
        o.println("  ./adclip predict --bundle runs/parts/model.adclip --out results/ new-photos/");
        o.flush();
    }

    /** Step 1: the weights to use; fetches the model when missing; offline → the message and exit 2. */
    private String weightsArgument(PrintWriter err) {
        if (randomWeights) {
            step(err, 1, "random " + model + " weights (smoke test: the numbers will be meaningless)");
            return ModelOptions.RANDOM_PREFIX + ModelRegistry.find(model).name();
        }
        if (weights != null) {
            step(err, 1, "using " + weights);
            if (!Files.exists(weights)) {
                throw AdclipException.usage("weights not found: " + weights, null);
            }
            return weights.toString();
        }
        ModelSpec spec = ModelRegistry.find(model);
        ModelCache modelCache = ModelCache.locate(cache);
        step(err, 1, "model " + spec.name() + " (" + modelCache.pathOf(spec) + ")");
        try {
            String source = ModelCache.mirror(mirror, System::getenv);
            ConsoleDownloadListener listener = new ConsoleDownloadListener(spec.name(), err, System.console() != null);
            return new Downloader().fetch(modelCache.request(spec, source), listener).toString();
        } catch (AdclipException e) {
            throw AdclipException.usage(e.getMessage() + ". Or run the demo with --weights PATH, or with "
                    + "--random-weights as a smoke test (its numbers are meaningless).", e);
        }
    }

    private int modelResolution() {
        if (weights != null && !randomWeights) {
            return ModelRegistry.all().stream().filter(s -> s.fileName().equals(weights.getFileName().toString()))
                    .map(ModelSpec::inputResolution).findFirst().orElse(224);
        }
        return ModelRegistry.find(model).inputResolution();
    }

    /** Passes the hyper-parameters the user gave on to train (test takes them from the bundle). */
    private void addModelOptions(List<String> args) {
        if (hyper.features != null) {
            args.add("--features");
            args.add(String.join(",", hyper.features.stream().map(String::valueOf).toList()));
        }
        add(args, "--dpam", hyper.dpam);
        add(args, "--depth", hyper.depth);
        add(args, "--n-ctx", hyper.nCtx);
        add(args, "--t-n-ctx", hyper.tNCtx);
        add(args, "--sigma", hyper.sigma);
        add(args, "--temperature", hyper.temperature);
        addCache(args);
    }

    private void addCache(List<String> args) {
        if (cache != null) {
            args.add("--cache");
            args.add(cache.toString());
        }
    }

    private static void add(List<String> args, String name, Number value) {
        if (value != null) {
            args.add(name);
            args.add(value.toString());
        }
    }

    private void run(String... args) {
        run(List.of(args));
    }

    /** Runs another adclip command in this process, with this command's output streams. */
    private void run(List<String> args) {
        int code = Main.run(spec.commandLine().getOut(), spec.commandLine().getErr(), args.toArray(String[]::new));
        if (code != 0) {
            throw new AdclipException("demo step `adclip " + String.join(" ", args) + "` failed (exit " + code + ")");
        }
    }
}
