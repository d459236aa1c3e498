package com.adclip.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.adclip.AdclipException;
import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.BundleManifest;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.anomaly.PromptConfig;
import com.adclip.anomaly.PromptLearner;
import com.adclip.anomaly.ReferenceCheckpoint;
import com.adclip.clip.ClipModel;
import com.adclip.image.ImagePreprocessor;
import com.adclip.image.PreprocessConfig;
import com.adclip.clip.VisionRequest;
import com.adclip.data.Dataset;
import com.adclip.data.DatasetLoader;
import com.adclip.data.Sample;
import com.adclip.eval.ThresholdStrategy;
import com.adclip.train.EpochRecord;
import com.adclip.train.FeatureCache;
import com.adclip.train.LossWeights;
import com.adclip.train.OptimizerConfig;
import com.adclip.train.TrainConfig;
import com.adclip.train.TrainItem;
import com.adclip.train.Trainer;
import com.adclip.train.TrainingObjective;
import com.adclip.weights.ClipWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
final class TrainCommand implements Callable<Integer> {
    static final String RECIPE_ANOMALYCLIP = "anomalyclip";

    @Option(names = {"--data", "--train_data_path"}, paramLabel = "PATH",
            description = "Dataset root or meta.json (see docs/datasets.md). Required unless --resume.")
    Path data;

    @Option(names = {"--out", "--save_path"}, paramLabel = "DIR", defaultValue = "adclip-train",
            description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

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

    @Option(names = "--feature-cache", paramLabel = "memory|disk", defaultValue = "memory",
            description = "Where frozen-encoder features live (default: ${DEFAULT-VALUE}); disk keeps them for the "
                    + "next run too.")
    String featureCache;

    @Option(names = "--feature-cache-dtype", paramLabel = "fp32|fp16", defaultValue = "fp32",
            description = "Precision of cached features (default: ${DEFAULT-VALUE}; fp16 halves memory).")
    String featureCacheDtype;

    @Option(names = "--good-threshold", paramLabel = "max|sigma:K", defaultValue = "max",
            description = "Threshold rule when there are no defective images: the highest good score, or mean + "
                    + "K·σ (default: ${DEFAULT-VALUE}).")
    String goodThreshold;

    @Option(names = "--augment",
            description = "Augment training images: random resized crop, flips, 90° rotations, colour jitter "
                    + "(masks transformed alike). See docs/augmentation.md for the cost.")
    boolean augment;

    @Option(names = "--augment-views", paramLabel = "K", defaultValue = "4",
            description = "With --augment: cache K views per image and cycle through them (0 = a new view every "
                    + "epoch, encoded every time; default: ${DEFAULT-VALUE}).")
    int augmentViews;

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

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path outDir = resume != null ? resume : out;
        Bundle resumed = null;
        try (NDManager manager = NDManager.newBaseManager()) {
            if (resume != null) {
                resumed = Bundle.load(resume.resolve("last.adclip"), manager);
                applyStored(resumed.manifest());
            }
            if (data == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--data PATH is required");
            }
            TrainConfig config = trainConfig();
            Dataset dataset = DatasetLoader.load(data);
            if (valSplit != null) {
                dataset = dataset.withValidationSplit(valSplit, config.seed());
            }
            List<Sample> trainSamples = dataset.samples("train");
            if (ignoreDefects) {
                trainSamples = trainSamples.stream().filter(sample -> !sample.anomaly()).toList();
            }
            List<Sample> valSamples = dataset.samples("val");
            Stream.concat(trainSamples.stream(), valSamples.stream()).forEach(Sample::requireMaskFits);
            Path weightsPath = resumed != null ? resumeWeights(resumed.manifest()) : modelOptions.resolve(null);
            ClipWeights weights = ModelOptions.load(weightsPath, manager);
            String weightsSha = modelOptions.sha256(weightsPath);
            if (resumed != null && !weightsSha.equals(resumed.manifest().clip().weightsSha256())) {
                spec.commandLine().getErr().println("note: resuming with other CLIP weights than the run started "
                        + "with (" + weightsPath + "): the result will not equal an uninterrupted run");
            }
            ClipModel clip = ClipModel.create(weights.config(), weights::get, manager);
            PromptLearner learner;
            DetectorConfig detector;
            if (resumed != null) {
                detector = resumed.manifest().detector().toConfig();
                learner = PromptLearner.fromTensors(detector.prompts(), clip, resumed.prompts(), manager);
            } else {
                InitialPrompts initial = initialPrompts(clip, weights, weightsPath, config, manager);
                detector = initial.detector();
                learner = initial.learner();
            }
            detector.checkAgainst(weights.config());
            boolean created = !Files.exists(outDir);
            Files.createDirectories(outDir);
            removeStaleTemps(outDir);
            TrainingRun run = new TrainingRun(outDir, clip, learner, detector, config, weightsPath, weightsSha,
                    spec.commandLine().getErr());
            try {
                return run.execute(trainSamples, valSamples, resumed, manager);
            } catch (Exception | Error e) {
                removeIfEmpty(created, outDir);
                throw e;
            }
        }
    }

    /** Temp files of a killed run (loss curve, log, checkpoints) would otherwise stay in the run folder forever. */
    private void removeStaleTemps(Path dir) throws java.io.IOException {
        int removed = com.adclip.train.LossCurve.removeStaleTemps(dir, List.of(ConsoleTrainListener.LOG, "last.adclip",
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
     * the weights file it was trained with, by path, if it is still there with the same sha256.
     */
    private Path resumeWeights(BundleManifest manifest) {
        Object stored = ((Map<?, ?>) manifest.training().get("options")).get("weights");
        if (modelOptions.weights != null || modelOptions.model != null || !(stored instanceof String path)) {
            return modelOptions.resolve(manifest.clip().model());
        }
        Path file = Path.of(path);
        if (ModelOptions.isRandom(file)) {
            modelOptions.weights = file;
            return modelOptions.resolve(null);
        }
        if (!Files.isRegularFile(file)) {
            throw AdclipException.usage("cannot resume: the run was trained with the weights " + file + ", which are "
                    + "gone; pass --weights PATH to resume with a copy of them", null);
        }
        String sha = modelOptions.sha256(file);
        if (!sha.equals(manifest.clip().weightsSha256())) {
            throw AdclipException.usage("cannot resume: the weights " + file + " changed since the run was trained "
                    + "(sha256 " + sha.substring(0, 12) + "…, was " + abbreviate(manifest.clip().weightsSha256())
                    + "); pass --weights PATH to resume with other weights", null);
        }
        modelOptions.weights = file;
        return file;
    }

    private static String abbreviate(String sha) {
        return sha == null ? "unknown" : sha.substring(0, Math.min(12, sha.length())) + "…";
    }

    /** Prompts and detector config of a fresh run: from --init, or initialised from the seed. */
    private InitialPrompts initialPrompts(ClipModel clip, ClipWeights weights, Path weightsPath, TrainConfig config,
            NDManager manager) {
        DetectorConfig defaults = DetectorConfig.defaultsFor(weights.config());
        if (init != null && init.toString().endsWith(".pth")) {
            ReferenceCheckpoint checkpoint = ReferenceCheckpoint.read(init, manager);
            checkpoint.requireAgreement(hyper.nCtx, hyper.tNCtx, hyper.depth);
            DetectorConfig detector = hyper.overrides().apply(defaults.withPrompts(checkpoint.config()));
            return new InitialPrompts(checkpoint.toLearner(clip, manager, weightsPath.toString()), detector);
        }
        if (init != null) {
            Bundle bundle = Bundle.load(init, manager);
            DetectorConfig detector = hyper.overrides().apply(bundle.manifest().detector().toConfig());
            return new InitialPrompts(PromptLearner.fromTensors(detector.prompts(), clip, bundle.prompts(), manager),
                    detector);
        }
        PromptConfig prompts = new PromptConfig(
                hyper.nCtx != null ? hyper.nCtx : DetectorConfig.DEFAULT_N_CTX,
                hyper.tNCtx != null ? hyper.tNCtx : DetectorConfig.DEFAULT_T_N_CTX,
                hyper.depth != null ? hyper.depth : DetectorConfig.DEFAULT_DEPTH,
                classWord != null ? classWord : DetectorConfig.DEFAULT_CLASS_WORD);
        DetectorConfig detector = hyper.overrides().apply(defaults.withPrompts(prompts));
        try {
            detector.checkAgainst(weights.config());
        } catch (IllegalArgumentException e) {
            throw AdclipException.usage(e.getMessage(), e);
        }
        return new InitialPrompts(PromptLearner.initialise(prompts, clip, manager, config.seed()), detector);
    }

    private record InitialPrompts(PromptLearner learner, DetectorConfig detector) {}

    /** Options from the recipe, then the model card's defaults, under what the user gave explicitly. */
    TrainConfig trainConfig() {
        boolean reference = recipe != null;
        if (reference && !recipe.equalsIgnoreCase(RECIPE_ANOMALYCLIP)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown recipe '" + recipe
                    + "'; known: " + RECIPE_ANOMALYCLIP);
        }
        String kind = optimizer != null ? optimizer.toLowerCase(Locale.ROOT) : reference ? "adam" : "adamw";
        if (!kind.equals("adam") && !kind.equals("adamw")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--optimizer must be adamw or adam");
        }
        if (betas != null && betas.size() != 2) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--betas takes two numbers, e.g. 0.9,0.999");
        }
        float beta1 = betas != null ? betas.get(0) : reference ? 0.5f : 0.9f;
        float beta2 = betas != null ? betas.get(1) : 0.999f;
        float decay = weightDecay != null ? weightDecay : kind.equals("adamw") ? 0.01f : 0f;
        double rate = lr != null ? lr : reference ? 1e-3 : TrainConfig.DEFAULT_LR;
        try {
            OptimizerConfig opt = new OptimizerConfig(kind.equals("adam") ? OptimizerConfig.Kind.ADAM
                    : OptimizerConfig.Kind.ADAMW, rate, beta1, beta2, 1e-8f, decay);
            LossWeights losses = new LossWeights(wImage != null ? wImage : 1f, wMap != null ? wMap : 4f);
            int epochCount = epochs != null ? epochs : reference ? 15 : TrainConfig.DEFAULT_EPOCHS;
            return new TrainConfig(epochCount, batchSize != null ? batchSize : TrainConfig.DEFAULT_BATCH_SIZE, opt,
                    losses, seed != null ? seed : 0L, saveEvery != null ? saveEvery : 0,
                    patience != null ? patience : 20, 0);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The run's own options, stored in every checkpoint so that --resume continues the same run. */
    Map<String, Object> storedOptions(TrainConfig config) {
        Map<String, Object> stored = new LinkedHashMap<>();
        stored.put("data", data.toAbsolutePath().normalize().toString());
        if (modelOptions.weights != null) { // resume finds them again by path (and checks their sha256)
            stored.put("weights", ModelOptions.isRandom(modelOptions.weights) ? modelOptions.weights.toString()
                    : modelOptions.weights.toAbsolutePath().normalize().toString());
        }
        stored.put("epochs", config.epochs());
        stored.put("batch_size", config.batchSize());
        stored.put("optimizer", config.optimizer().kind().name().toLowerCase(Locale.ROOT));
        stored.put("lr", config.optimizer().learningRate());
        stored.put("betas", List.of(config.optimizer().beta1(), config.optimizer().beta2()));
        stored.put("weight_decay", config.optimizer().weightDecay());
        stored.put("w_image", config.losses().image());
        stored.put("w_map", config.losses().map());
        stored.put("seed", config.seed());
        stored.put("save_every", config.saveEvery());
        stored.put("patience", config.patience());
        stored.put("val_split", valSplit);
        stored.put("recipe", recipe);
        stored.put("good_threshold", goodThreshold);
        stored.put("feature_cache", featureCache);
        stored.put("feature_cache_dtype", featureCacheDtype);
        stored.put("augment", augment);
        stored.put("synthetic_anomalies", syntheticAnomalies);
        stored.put("ignore_defects", ignoreDefects);
        stored.put("augment_views", augmentViews);
        return stored;
    }

    /** On --resume, options not given again come from the checkpoint. */
    @SuppressWarnings("unchecked")
    private void applyStored(BundleManifest manifest) {
        Object raw = manifest.training().get("options");
        if (!(raw instanceof Map)) {
            throw AdclipException.usage(resume + "/last.adclip has no training options to resume from", null);
        }
        Map<String, Object> o = (Map<String, Object>) raw;
        data = data != null ? data : Path.of((String) o.get("data"));
        epochs = epochs != null ? epochs : ((Number) o.get("epochs")).intValue();
        int storedBatch = ((Number) o.get("batch_size")).intValue();
        Object step = ((Map<?, ?>) manifest.training().get("state")).get("epoch_step");
        if (batchSize != null && batchSize != storedBatch && step instanceof Number n && n.intValue() > 0) {
            throw AdclipException.usage("cannot resume in the middle of an epoch with another --batch-size (the run "
                    + "used " + storedBatch + "); leave --batch-size out", null);
        }
        batchSize = batchSize != null ? batchSize : storedBatch;
        optimizer = optimizer != null ? optimizer : (String) o.get("optimizer");
        lr = lr != null ? lr : ((Number) o.get("lr")).doubleValue();
        if (betas == null) {
            List<Number> b = (List<Number>) o.get("betas");
            betas = List.of(b.get(0).floatValue(), b.get(1).floatValue());
        }
        weightDecay = weightDecay != null ? weightDecay : ((Number) o.get("weight_decay")).floatValue();
        wImage = wImage != null ? wImage : ((Number) o.get("w_image")).floatValue();
        wMap = wMap != null ? wMap : ((Number) o.get("w_map")).floatValue();
        seed = seed != null ? seed : ((Number) o.get("seed")).longValue();
        saveEvery = saveEvery != null ? saveEvery : ((Number) o.get("save_every")).intValue();
        patience = patience != null ? patience : ((Number) o.get("patience")).intValue();
        valSplit = valSplit != null ? valSplit : o.get("val_split") == null ? null : ((Number) o.get("val_split"))
                .doubleValue();
        goodThreshold = (String) o.getOrDefault("good_threshold", goodThreshold);
        featureCache = (String) o.getOrDefault("feature_cache", featureCache);
        featureCacheDtype = (String) o.getOrDefault("feature_cache_dtype", featureCacheDtype);
        augment = augment || Boolean.TRUE.equals(o.get("augment"));
        ignoreDefects = ignoreDefects || Boolean.TRUE.equals(o.get("ignore_defects"));
        syntheticAnomalies = syntheticAnomalies != null ? syntheticAnomalies : o.get("synthetic_anomalies") == null
                ? null : ((Number) o.get("synthetic_anomalies")).doubleValue();
        augmentViews = o.get("augment_views") == null ? augmentViews : ((Number) o.get("augment_views")).intValue();
    }

    /**
     * Augmented views of the training images: view {@code (epoch − 1) mod K} of each image, seeded by (run seed,
     * view, image), its features cached once; with K = 0 a fresh view every epoch, encoded every time.
     * Validation and scoring (epoch 0) use the plain images.
     */
    private static final class AugmentedSource implements Trainer.FeatureSource {
        private final FeatureCache cache;
        private final ImagePreprocessor preprocessor;
        private final com.adclip.image.Augmentation augmentation;
        private final Map<TrainItem, Integer> index = new java.util.IdentityHashMap<>();
        private final Map<TrainItem, Sample> samples = new java.util.IdentityHashMap<>();
        private final Map<String, byte[]> masks = new java.util.HashMap<>();
        private final long seed;
        private final int views;

        AugmentedSource(FeatureCache cache, ImagePreprocessor preprocessor, List<TrainItem> items, List<Sample> sampleList,
                long seed, int views) {
            this.cache = cache;
            this.preprocessor = preprocessor;
            this.augmentation = new com.adclip.image.Augmentation(com.adclip.image.AugmentationConfig.defaults(),
                    preprocessor);
            for (int i = 0; i < items.size(); i++) {
                index.put(items.get(i), i);
                samples.put(items.get(i), sampleList.get(i));
            }
            this.seed = seed;
            this.views = views;
        }

        @Override
        public Trainer.Features of(TrainItem item, int epoch, NDManager scope) {
            if (epoch == 0 || !index.containsKey(item)) {
                NDArray packed = cache.get(item.contentHash(), () -> preprocessor.pixels(scope, item.image()), scope);
                return new Trainer.Features(packed, item.mask());
            }
            long view = views > 0 ? (epoch - 1) % views : epoch;
            long viewSeed = com.adclip.image.Augmentation.seed(seed, view, index.get(item));
            String key = item.contentHash() + "|augment|" + augmentation.config() + "|" + viewSeed;
            if (views > 0 && masks.containsKey(key)) {
                return new Trainer.Features(cache.get(key, () -> {
                    throw new IllegalStateException("cached view vanished");
                }, scope), masks.get(key) == NO_MASK ? null : masks.get(key));
            }
            com.adclip.image.Augmentation.View v = augmentation.apply(item.image(), maskImage(item), viewSeed);
            int s = v.size();
            NDArray pixels = scope.create(v.pixels(), new ai.djl.ndarray.types.Shape(3, s, s));
            byte[] mask = viewMask(item, v);
            NDArray packed;
            if (views > 0) {
                packed = cache.get(key, () -> pixels, scope);
                masks.put(key, mask == null ? NO_MASK : mask);
            } else {
                packed = cache.encodeUncached(pixels, scope);
            }
            return new Trainer.Features(packed, mask);
        }

        private static final byte[] NO_MASK = new byte[0];

        private java.awt.image.BufferedImage maskImage(TrainItem item) {
            Sample sample = samples.get(item);
            return sample.anomaly() && sample.mask().isPresent() ? sample.maskGray() : null;
        }

        /** Good images: all zeros; defects with a mask: the transformed mask; defects without: none. */
        private static byte[] viewMask(TrainItem item, com.adclip.image.Augmentation.View view) {
            if (!item.anomalous()) {
                return new byte[view.size() * view.size()];
            }
            if (view.mask() == null) {
                return null;
            }
            byte[] mask = new byte[view.mask().length];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = view.mask()[i] > 0.5f ? (byte) 1 : 0;
            }
            return mask;
        }

        @Override
        public int encoded() {
            return cache.computed();
        }
    }

    /** One run: items, cache, trainer, checkpoints, logs, the final bundle. */
    private final class TrainingRun {
        private final Path dir;
        private final ClipModel clip;
        private final PromptLearner learner;
        private final DetectorConfig detector;
        private final TrainConfig config;
        private final Path weightsPath;
        private final String weightsSha;
        private final java.io.PrintWriter err;

        TrainingRun(Path dir, ClipModel clip, PromptLearner learner, DetectorConfig detector, TrainConfig config,
                Path weightsPath, String weightsSha, java.io.PrintWriter err) {
            this.dir = dir;
            this.clip = clip;
            this.learner = learner;
            this.detector = detector;
            this.config = config;
            this.weightsPath = weightsPath;
            this.weightsSha = weightsSha;
            this.err = err;
        }

        int execute(List<Sample> trainSamples, List<Sample> valSamples, Bundle resumed, NDManager manager)
                throws Exception {
            ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.reference(detector.imageSize()));
            List<TrainItem> train = new ArrayList<>(items(trainSamples, preprocessor, manager));
            List<TrainItem> val = items(valSamples, preprocessor, manager);
            reportUnlabelled(train);
            realDefects = train.stream().filter(TrainItem::anomalous).count();
            List<TrainItem> synthetic = syntheticItems(trainSamples, preprocessor, manager);
            List<Sample> samplesForItems = new ArrayList<>(trainSamples);
            for (TrainItem item : synthetic) {
                train.add(item);
                samplesForItems.add(new Sample(item.image(), java.util.Optional.of(
                        new com.adclip.data.MaskSource.File(maskFileOf(item.image()))), "synthetic", "synthetic", true));
            }
            FeatureCache.Precision precision = featureCacheDtype.equalsIgnoreCase("fp16") ? FeatureCache.Precision.FP16
                    : FeatureCache.Precision.FP32;
            Path cacheDir = featureCache.equalsIgnoreCase("disk") ? modelOptions.cache().dir().resolve("features") : null;
            VisionRequest request = new VisionRequest(detector.dpam(), detector.featureBlocks());
            String context = weightsSha + "|" + preprocessor.config();
            try (FeatureCache cache = new FeatureCache(clip, request, context, precision, cacheDir, manager)) {
                Trainer.FeatureSource source = augment
                        ? new AugmentedSource(cache, preprocessor, train, samplesForItems, config.seed(), augmentViews)
                        : plainSource(cache, preprocessor);
                TrainingObjective objective = new TrainingObjective(clip, config.losses(), detector.imageSize(),
                        detector.temperature());
                Trainer trainer = new Trainer(clip, learner, objective, config, train, val, source,
                        detector.featureBlocks().size(), detector.imageSize(), detector.temperature(),
                        new ConsoleTrainListener(err, dir, priorLog(resumed)));
                Trainer.Start start = resumed == null ? Trainer.Start.fresh() : startFrom(resumed);
                err.printf(Locale.ROOT, "training on %d images (%d defective), validating on %d; %d epochs, batch %d%n",
                        train.size(), train.stream().filter(TrainItem::anomalous).count(), val.size(), config.epochs(),
                        config.batchSize());
                err.flush();
                Trainer.Result result = runWithInterrupt(trainer, start, manager);
                reportCache(cache, train.size() + val.size());
                if (result.interrupted()) {
                    err.println("interrupted: saved " + dir.resolve("last.adclip") + "; continue with --resume " + dir);
                    err.flush();
                    return 130;
                }
                return finish(trainer, train, val, manager);
            } finally {
                done.countDown();
            }
        }

        private long realDefects;
        private int syntheticCount;

        /** Synthetic defective images made from the good training images (none without the option). */
        private List<TrainItem> syntheticItems(List<Sample> samples, ImagePreprocessor preprocessor, NDManager manager)
                throws java.io.IOException {
            if (syntheticAnomalies == null) {
                return List.of();
            }
            if (!(syntheticAnomalies > 0) || syntheticAnomalies > 100) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--synthetic-anomalies takes a ratio > 0 (synthetic defects per good image), got "
                                + syntheticAnomalies);
            }
            List<Sample> goods = samples.stream().filter(s -> !s.anomaly()).toList();
            if (goods.isEmpty()) {
                throw AdclipException.usage("--synthetic-anomalies needs good training images, and there are none", null);
            }
            Path folder = Files.createDirectories(dir.resolve("synthetic"));
            int count = (int) Math.max(1, Math.round(syntheticAnomalies * goods.size()));
            List<TrainItem> items = new ArrayList<>();
            for (int j = 0; j < count; j++) {
                Sample good = goods.get(j % goods.size());
                java.awt.image.BufferedImage rgb = preprocessor.prepare(good.image(), Long.MAX_VALUE).rgb();
                com.adclip.synth.SyntheticAnomaly.Result result = com.adclip.synth.SyntheticAnomaly.apply(rgb,
                        config.seed() * 7919 + j);
                String stem = "synthetic_" + j + "_" + InputFiles.stem(good.image());
                Path image = folder.resolve(stem + ".png");
                com.adclip.synth.SyntheticAnomaly.write(result, image, maskFileOf(image));
                byte[] mask = new byte[detector.imageSize() * detector.imageSize()];
                try (NDManager scope = manager.newSubManager()) {
                    float[] values = preprocessor.mask(scope, maskFileOf(image)).toFloatArray();
                    for (int i = 0; i < values.length; i++) {
                        mask[i] = values[i] > 0.5f ? (byte) 1 : 0;
                    }
                }
                items.add(new TrainItem(image, FeatureCache.contentHash(image), true, mask));
            }
            syntheticCount = items.size();
            err.printf(Locale.ROOT, "synthetic anomalies: %d defective images made from %d good ones in %s%s%n",
                    items.size(), goods.size(), folder, realDefects == 0
                            ? " (no real defects in the training data: this model never sees a real defect)" : "");
            return items;
        }

        private Path maskFileOf(Path image) {
            String name = image.getFileName().toString();
            return image.resolveSibling(name.substring(0, name.length() - 4) + "_mask.png");
        }

        private Trainer.FeatureSource plainSource(FeatureCache cache, ImagePreprocessor preprocessor) {
            return new Trainer.FeatureSource() {
                @Override
                public Trainer.Features of(TrainItem item, int epoch, NDManager scope) {
                    NDArray packed = cache.get(item.contentHash(), () -> preprocessor.pixels(scope, item.image()), scope);
                    return new Trainer.Features(packed, item.mask());
                }

                @Override
                public int encoded() {
                    return cache.computed();
                }
            };
        }

        /** Released once everything the run prints and writes is done, so a Ctrl-C exit waits for it. */
        private final CountDownLatch done = new CountDownLatch(1);

        private Trainer.Result runWithInterrupt(Trainer trainer, Trainer.Start start, NDManager manager) {
            Thread hook = new Thread(() -> {
                trainer.requestStop();
                try {
                    done.await(5, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "adclip-train-interrupt");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                return trainer.run(start, this::checkpoint, manager);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is exiting because of Ctrl-C: the hook is running and now released
                }
            }
        }

        private Path checkpoint(String kind, int epoch, Map<String, Object> state, Map<String, NDArray> optimizerState) {
            Path file = switch (kind) {
                case "last" -> dir.resolve("last.adclip");
                case "best" -> dir.resolve("best.adclip");
                case "epoch" -> dir.resolve("epoch_" + epoch + ".adclip");
                default -> dir.resolve("model.adclip");
            };
            bundle(BundleManifest.Thresholds.defaults(detector), state).withOptimizer(optimizerState).save(file);
            return file;
        }

        private Bundle bundle(BundleManifest.Thresholds thresholds, Map<String, Object> state) {
            Map<String, Object> training = new LinkedHashMap<>();
            training.put("source", "adclip train");
            training.put("options", storedOptions(config));
            if (ModelOptions.isRandom(weightsPath)) {
                training.put("warning", com.adclip.report.EvaluationReport.RANDOM_WEIGHTS_WARNING);
            }
            training.put("real_defects_seen", realDefects);
            training.put("synthetic_anomalies", syntheticCount);
            if (realDefects == 0) {
                training.put("note", syntheticCount > 0
                        ? "trained with synthetic anomalies only: this model never saw a real defect"
                        : "trained on good images only: this model never saw a defect");
            }
            training.put("state", state);
            BundleManifest.ClipReference clipRef = new BundleManifest.ClipReference(
                    modelOptions.registryName(weightsPath).orElse(null), weightsPath.getFileName().toString(),
                    weightsSha);
            return Bundle.create(clipRef, detector, thresholds, training, learner.parameters());
        }

        private Trainer.Start startFrom(Bundle resumed) {
            Map<?, ?> state = (Map<?, ?>) resumed.manifest().training().get("state");
            return Trainer.Start.fromState(state, resumed.optimizer());
        }

        private List<EpochRecord> priorLog(Bundle resumed) throws java.io.IOException {
            Path csv = dir.resolve(ConsoleTrainListener.LOG);
            if (resumed == null || !Files.exists(csv)) {
                return List.of();
            }
            int epoch = ((Number) ((Map<?, ?>) resumed.manifest().training().get("state")).get("epoch")).intValue();
            List<EpochRecord> prior = new ArrayList<>();
            for (String line : Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size())) {
                EpochRecord record = EpochRecord.parse(line);
                if (record.epoch() <= epoch) {
                    prior.add(record);
                }
            }
            return prior;
        }

        /** Chooses the threshold on validation (else training) scores, writes model.adclip, prints a summary. */
        private int finish(Trainer trainer, List<TrainItem> train, List<TrainItem> val, NDManager manager) {
            restoreBest(val, manager);
            List<TrainItem> scored = val.isEmpty() ? train : val;
            boolean[] defective = new boolean[scored.size()];
            boolean anyDefect = false;
            boolean anyGood = false;
            for (int i = 0; i < defective.length; i++) {
                defective[i] = scored.get(i).anomalous();
                anyDefect |= defective[i];
                anyGood |= !defective[i];
            }
            ThresholdStrategy strategy = anyDefect && anyGood ? ThresholdStrategy.parse("f1")
                    : ThresholdStrategy.parse("good-only:" + goodThreshold);
            BundleManifest.Thresholds defaults = BundleManifest.Thresholds.defaults(detector);
            BundleManifest.Thresholds thresholds = defaults;
            ThresholdStrategy.Choice choice = null;
            if (anyGood) {
                choice = strategy.choose(trainer.scores(scored, manager), defective);
                thresholds = new BundleManifest.Thresholds(choice.threshold(), choice.strategy(), defaults.pixel(),
                        defaults.pixelStrategy(), (val.isEmpty() ? "training" : "validation") + " images of " + data);
            }
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("complete", true);
            Path model = dir.resolve("model.adclip");
            bundle(thresholds, state).save(model);
            err.println("saved " + model);
            if (choice != null) {
                err.printf(Locale.ROOT, "threshold %.4f (%s on %s images): precision %s, recall %s, good pass rate %s%n",
                        choice.threshold(), choice.strategy(), val.isEmpty() ? "training" : "validation",
                        pct(choice.precision()), pct(choice.recall()), pct(choice.goodPassRate()));
            } else {
                err.println("no good images to choose a threshold from: kept the default 0.5");
            }
            err.flush();
            spec.commandLine().getOut().println(model);
            spec.commandLine().getOut().flush();
            return 0;
        }

        /** With validation, the final model is the best epoch's prompts, not the last epoch's. */
        private void restoreBest(List<TrainItem> val, NDManager manager) {
            Path best = dir.resolve("best.adclip");
            if (val.isEmpty() || !Files.exists(best)) {
                return;
            }
            try (NDManager scope = manager.newSubManager()) {
                Bundle bundle = Bundle.load(best, scope);
                learner.parameters().forEach((name, param) -> param.muli(0).addi(bundle.prompts().get(name)));
            }
            err.println("final model: the prompts of the best validation epoch (best.adclip)");
        }

        private String pct(double v) {
            return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
        }

        private List<TrainItem> items(List<Sample> samples, ImagePreprocessor preprocessor, NDManager manager) {
            List<TrainItem> items = new ArrayList<>();
            int size = detector.imageSize();
            for (Sample sample : samples) {
                byte[] mask = null;
                if (!sample.anomaly()) {
                    mask = new byte[size * size];
                } else if (sample.mask().isPresent()) {
                    try (NDManager scope = manager.newSubManager()) {
                        float[] values = sample.maskTarget(scope, preprocessor).toFloatArray();
                        mask = new byte[values.length];
                        for (int i = 0; i < values.length; i++) {
                            mask[i] = values[i] > 0.5f ? (byte) 1 : 0;
                        }
                    }
                }
                items.add(new TrainItem(sample.image(), FeatureCache.contentHash(sample.image()), sample.anomaly(),
                        mask));
            }
            return items;
        }

        private void reportUnlabelled(List<TrainItem> train) {
            long unlabelled = train.stream().filter(i -> i.anomalous() && i.mask() == null).count();
            if (unlabelled > 0) {
                err.println("note: " + unlabelled + " defective training image(s) have no mask or boxes: they train "
                        + "the image-level loss only");
            }
        }

        private void reportCache(FeatureCache cache, int images) {
            if (cache.computed() > 0) {
                err.printf(Locale.ROOT, "feature cache: %d image(s) encoded, %d reuses, %.1f MB per image, %.1f MB in "
                        + "total (%s)%n", cache.computed(), cache.reused(), cache.storedBytes() / 1e6 / cache.computed(),
                        cache.storedBytes() / 1e6, cache.precision());
            }
        }
    }
}
