package com.adclip.cli;

import ai.djl.ndarray.NDManager;
import com.adclip.AdclipException;
import com.adclip.Detector;
import com.adclip.DetectorAssembly;
import com.adclip.anomaly.Bundle;
import com.adclip.reference.BankOptions;
import com.adclip.anomaly.BundleManifest;
import com.adclip.train.TrainConfig;
import com.adclip.train.TrainingData;
import com.adclip.train.Trainer;
import com.adclip.train.TrainingOptions;
import com.adclip.train.TrainingRun;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import com.adclip.types.TypeVocabulary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code adclip train}: few-shot training of the prompts on a company's own images. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Train AD-CLIP's prompts on your own images (the CLIP weights stay frozen).",
            "Writes OUT/model.adclip (with a calibrated threshold), OUT/last.adclip every epoch (resumable), "
                    + "OUT/best.adclip with validation, OUT/epoch_N.adclip with --save-every, OUT/train_log.csv and "
                    + "OUT/loss_curve.png. Ctrl-C finishes the current step, saves last.adclip and exits."
        })
final class TrainCommand implements Callable<Integer>, ConfigFile.Repeatable {
    @Mixin ConfigFile.Option configOption;

    @Override
    public Path outputFolder() {
        return resume != null ? resume : output.path();
    }

    @Option(names = {"--data", "--train_data_path"}, paramLabel = "PATH",
            description = "Dataset root or meta.json (see docs/datasets.md). Required unless --resume.")
    Path data;

    @Option(names = "--name", paramLabel = "NAME",
            description = "Product or model name shown by serve and in reports (default: the data folder's name).")
    String name;

    @Mixin OutputFolder output = new OutputFolder("adclip-train");

    @Mixin ModelOptions modelOptions;
    @Mixin HyperOptions hyper;

    @Option(names = "--class-word", paramLabel = "WORD", description = "Object word of the prompts (default object).")
    String classWord;

    @Option(names = "--init", paramLabel = "FILE", description = "Start from a bundle or a reference epoch_N.pth.")
    Path init;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run saved in DIR/last.adclip.")
    Path resume;

    @Option(names = "--recipe", paramLabel = "NAME",
            description = "anomalyclip: the reference's exact recipe (Adam, lr 1e-3, betas 0.5,0.999, w-map 4, "
                    + "w-image 1, 15 epochs). Explicit options still win.")
    String recipe;

    @Option(names = {"--epochs", "--epoch"}, paramLabel = "N", description = "Epochs (default 500).")
    Integer epochs;

    @Option(names = {"--batch-size", "--batch_size"}, paramLabel = "N", description = "Images per step (default 8).")
    Integer batchSize;

    @Option(names = {"--lr", "--learning_rate"}, paramLabel = "LR", description = "Learning rate (default 1e-4).")
    Double lr;

    @Option(names = "--betas", paramLabel = "B1,B2", split = ",", description = "Adam betas (default 0.9,0.999).")
    List<Float> betas;

    @Option(names = "--weight-decay", paramLabel = "WD", description = "Weight decay (default 0.01 for adamw, 0 "
            + "for adam).")
    Float weightDecay;

    @Option(names = "--optimizer", paramLabel = "adamw|adam", description = "Optimiser (default adamw).")
    String optimizer;

    @Option(names = "--w-image", paramLabel = "W", description = "Weight of the image loss (default 1).")
    Float wImage;

    @Option(names = "--w-map", paramLabel = "W", description = "Weight of the map losses (default 4).")
    Float wMap;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of initialisation and shuffling (default 0).")
    Long seed;

    @Option(names = "--save-every", paramLabel = "N", description = "Write OUT/epoch_N.adclip every N epochs.")
    Integer saveEvery;

    @Option(names = "--patience", paramLabel = "N",
            description = "Early stop after N epochs without validation improvement (default 20; 0 = off).")
    Integer patience;

    @Option(names = "--val-split", paramLabel = "F",
            description = "Hold out a stratified fraction of the training images for validation, e.g. 0.2.")
    Double valSplit;

    @Option(names = "--test-split", paramLabel = "F",
            description = "When the data has no test split of its own (a plain folder), carve one out before "
                    + "training: F of the good images and of each defect type (default 0.2; 0 = train on all).")
    Double testSplit;

    @Option(names = "--split-seed", paramLabel = "N",
            description = "Seed that chooses the carved test images (default 0); recorded in the bundle.")
    Long splitSeed;

    @Option(names = "--feature-cache", paramLabel = "memory|disk",
            description = "Where frozen-encoder features live (default: memory); disk keeps them for the next run "
                    + "too.")
    String featureCache;

    @Option(names = "--feature-cache-dtype", paramLabel = "fp32|fp16",
            description = "Precision of cached features (default: fp32; fp16 halves memory).")
    String featureCacheDtype;

    @Option(names = "--good-threshold", paramLabel = "max|sigma:K",
            description = "Threshold rule when there are no defective images: the highest good score, or mean + "
                    + "K·σ (default: max).")
    String goodThreshold;

    @Option(names = "--augment",
            description = "Augment training images: random resized crop, flips, 90° rotations, colour jitter "
                    + "(masks transformed alike). See docs/augmentation.md for the cost.")
    boolean augment;

    @Option(names = "--augment-views", paramLabel = "K",
            description = "With --augment: cache K views per image and cycle through them (0 = a new view every "
                    + "epoch, encoded every time; default: 4).")
    Integer augmentViews;

    @Option(names = "--synthetic-anomalies", paramLabel = "RATIO", arity = "0..1", fallbackValue = "1.0",
            description = "Paste generated anomalies (Perlin-noise regions blended with a texture, a colour shift or "
                    + "another area, as DRAEM) onto good training images and train on them with their masks: RATIO "
                    + "synthetic defective images per good image (default 1.0 when given). Lets a line with no "
                    + "defects yet train a model.")
    Double syntheticAnomalies;

    @Option(names = "--ignore-defects",
            description = "Train on the good training images only; defective ones are left out (a line that has not "
                    + "seen a defect yet; combine with --synthetic-anomalies).")
    boolean ignoreDefects;

    @CommandLine.Mixin TilingOptions tilingOptions = new TilingOptions();

    /** The tiling training runs on (the options over a resumed run's), null for whole images. */
    private com.adclip.tile.Tiling tiling;

    @Option(names = "--reference-shots", paramLabel = "K", defaultValue = "0",
            description = "Put K good training images into the bundle's bank of reference images (evenly spaced in "
                    + "path order) and calibrate the threshold on fused scores (default: ${DEFAULT-VALUE}, no bank). "
                    + "See docs/reference-images.md.")
    int referenceShots;

    @Option(names = "--coreset", paramLabel = "N",
            description = "With --reference-shots: most bank rows kept per feature block (default "
                    + BankOptions.DEFAULT_CORESET + "; 0 keeps all).")
    Integer coreset;

    @Option(names = "--defect-types", paramLabel = "LIST",
            description = "Defect types besides the training data's defect folder names, comma-separated; each may "
                    + "carry prompt phrases after = separated by |, e.g. scratch,crack=hairline crack|fissure. "
                    + "See docs/defect-types.md.")
    String defectTypes;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (referenceShots < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--reference-shots must be 0 or more");
        }
        if (coreset != null && coreset < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--coreset must be 0 or more");
        }
        TypeVocabulary givenTypes = defectTypes == null ? null : TypeVocabulary.parse(defectTypes);
        Path outDir = resume != null ? resume : output.path();
        try (NDManager manager = NDManager.newBaseManager()) {
            Bundle resumed = resume != null ? Bundle.load(resume.resolve("last.adclip"), manager) : null;
            TrainingOptions options = resumed != null ? resumedOptions(resumed) : given();
            if (resumed != null && givenTypes == null
                    && resumed.manifest().training().get(TrainingRun.DEFECT_TYPES) instanceof String stored) {
                givenTypes = TypeVocabulary.parse(stored); // the run's --defect-types, unless given again
            }
            if (options.data() == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--data PATH is required");
            }
            TrainConfig config = trainConfig(options);
            tiling = tilingOptions.resolve(resumed == null ? null
                    : com.adclip.tile.Tiling.fromManifest(resumed.manifest().tiling()));
            if (tiling != null && (Boolean.TRUE.equals(options.augment()) || options.syntheticAnomalies() != null)) {
                throw AdclipException.usage("--augment and --synthetic-anomalies do not work with tiles yet (they make "
                        + "whole-image items, see docs/tiling.md): leave them out, or train on whole images", null);
            }
            Path data = Path.of(options.data());
            TrainingData prepared = TrainingData.prepare(options, config.seed(), (carve, heldOut) ->
                    spec.commandLine().getErr().printf(Locale.ROOT, "test split: %d image(s) held out for adclip "
                            + "test (%.0f %% of each class's good images and of each defect type, seed %d; "
                            + "--test-split 0 trains on all)%n", heldOut, 100 * carve.fraction(), carve.seed()));
            Path weightsPath = resumed != null ? resumeWeights(resumed.manifest(), options)
                    : modelOptions.resolve(null);
            try (DetectorAssembly parts = detector(resumed, weightsPath, config).assemble()) {
                if (resumed != null && !parts.weightsSha256().equals(resumed.manifest().clip().weightsSha256())) {
                    spec.commandLine().getErr().println("note: resuming with other CLIP weights than the run started "
                            + "with (" + weightsPath + "): the result will not equal an uninterrupted run");
                }
                boolean created = !Files.exists(outDir);
                Files.createDirectories(outDir);
                removeStaleTemps(outDir);
                PrintWriter err = spec.commandLine().getErr();
                TrainingRun run = new TrainingRun(outDir, parts, options,
                        modelOptions.registryName(weightsPath).orElse(null), modelOptions.cache().dir(),
                        prior -> new ConsoleTrainListener(err, outDir, prior), err,
                        new TrainingRun.Extras(modelName(data), tiling, prepared.images(), coreset,
                                tilingOptions.batch, givenTypes));
                TrainingRun.Result result;
                try {
                    result = run.execute(prepared.train(), prepared.validation(), resumed, manager);
                } catch (Exception | Error e) {
                    removeIfEmpty(created, outDir);
                    throw e;
                }
                if (result.interrupted()) {
                    return 130;
                }
                spec.commandLine().getOut().println(result.model());
                spec.commandLine().getOut().flush();
                return 0;
            }
        }
    }

    /**
     * The detector to train, from the one assembly path: a resumed run's last.adclip, --init (a bundle or a
     * reference epoch_N.pth) with the hyper-parameter options over it, or fresh prompts from the seed.
     */
    private Detector.Builder detector(Bundle resumed, Path weightsPath, TrainConfig config) {
        Detector.Builder builder = Detector.builder().weights(weightsPath).cache(modelOptions.cache)
                .precision(modelOptions.precision());
        if (resumed != null) {
            return builder.bundle(resume.resolve("last.adclip")).force(true);
        }
        hyper.applyTo(builder);
        if (init != null && init.toString().endsWith(".pth")) {
            return builder.checkpoint(init);
        }
        if (init != null) {
            return builder.bundle(init).force(true);
        }
        return builder.freshPrompts(config.seed()).classWord(classWord);
    }

    /** The options as given on the command line (null where not given). */
    TrainingOptions given() {
        String weights = modelOptions.weights == null ? null : ModelOptions.isRandom(modelOptions.weights)
                ? modelOptions.weights.toString() : modelOptions.weights.toAbsolutePath().normalize().toString();
        return new TrainingOptions(data == null ? null : data.toAbsolutePath().normalize().toString(), weights,
                epochs, batchSize, optimizer, lr, betas, weightDecay, wImage, wMap, seed, saveEvery, patience,
                valSplit, recipe, goodThreshold, featureCache, featureCacheDtype, augment ? true : null, augmentViews,
                syntheticAnomalies, ignoreDefects ? true : null, testSplit, splitSeed, referenceShots);
    }

    /** On --resume, options not given again come from the checkpoint. */
    private TrainingOptions resumedOptions(Bundle resumed) {
        TrainingOptions stored = TrainingOptions.stored(resumed.manifest(), resume + "/last.adclip");
        Trainer.Start state = Trainer.Start.fromState((Map<?, ?>) resumed.manifest().training().get("state"), null);
        if (batchSize != null && stored.batchSize() != null && !batchSize.equals(stored.batchSize())
                && state.epochStep() > 0) {
            throw AdclipException.usage("cannot resume in the middle of an epoch with another --batch-size (the run "
                    + "used " + stored.batchSize() + "); leave --batch-size out", null);
        }
        TrainingOptions merged = given().over(stored);
        return modelOptions.model != null ? merged.withWeights(null) : merged;
    }

    /** The trainer's configuration; a bad option value is a usage error naming it. */
    TrainConfig trainConfig(TrainingOptions options) {
        try {
            return options.trainConfig();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** Temp files of a killed run (loss curve, log, checkpoints) would otherwise stay in the run folder forever. */
    private void removeStaleTemps(Path dir) throws java.io.IOException {
        int removed = com.adclip.train.LossCurve.removeStaleTemps(dir, List.of(TrainingRun.LOG, "last.adclip",
                "best.adclip", "model.adclip", "epoch_"));
        if (removed > 0) {
            spec.commandLine().getErr().println("removed " + removed + " temporary file(s) left by a killed run in "
                    + dir);
        }
    }

    /** A run that failed before writing anything leaves no empty --out folder behind (only one it created). */
    private static void removeIfEmpty(boolean created, Path dir) {
        if (!created) {
            return;
        }
        try (var entries = Files.list(dir)) {
            if (entries.findAny().isEmpty()) {
                Files.delete(dir);
            }
        } catch (java.io.IOException e) {
            // keep it: the error being reported matters more than an empty folder
        }
    }

    /**
     * The CLIP weights of a resumed run: --weights/--model when given, else the registry model the run used, else
     * the weights file it was trained with ({@link com.adclip.weights.WeightsSource#trainedWeights}).
     */
    private Path resumeWeights(BundleManifest manifest, TrainingOptions options) {
        if (modelOptions.weights != null || modelOptions.model != null || options.weights() == null) {
            return modelOptions.resolve(manifest.clip().model());
        }
        return modelOptions.source().trainedWeights(Path.of(options.weights()), manifest.clip().weightsSha256());
    }

    /** {@code --name}, else the name of the --data folder. */
    String modelName() {
        return modelName(data);
    }

    /** {@code --name}, else the data folder's name (the folder holding it when --data is a meta.json). */
    String modelName(Path data) {
        if (name != null && !name.isBlank()) {
            return name.strip();
        }
        Path folder = data.toAbsolutePath().normalize();
        if (Files.isRegularFile(folder) && folder.getParent() != null) {
            folder = folder.getParent();
        }
        return folder.getFileName() == null ? null : folder.getFileName().toString();
    }
}
