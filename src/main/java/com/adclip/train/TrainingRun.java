package com.adclip.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.adclip.AdclipException;
import com.adclip.DetectorAssembly;
import com.adclip.anomaly.AnomalyDetector;
import com.adclip.anomaly.Bundle;
import com.adclip.types.TypeVocabulary;
import com.adclip.anomaly.BundleManifest;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.anomaly.PromptLearner;
import com.adclip.clip.ClipModel;
import com.adclip.clip.VisionRequest;
import com.adclip.data.ImageFiles;
import com.adclip.data.MaskSource;
import com.adclip.data.Sample;
import com.adclip.data.TrainingImages;
import com.adclip.reference.BankOptions;
import com.adclip.reference.ReferenceBank;
import com.adclip.tile.Tiling;
import com.adclip.eval.ThresholdStrategy;
import com.adclip.image.ImagePreprocessor;
import com.adclip.image.PreprocessConfig;
import com.adclip.report.EvaluationReport;
import com.adclip.synth.SyntheticAnomaly;
import com.adclip.weights.WeightsSource;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One training run of {@code adclip train}: items, feature cache, trainer, checkpoints, the final bundle with its
 * threshold. Progress and summaries go to {@code err}; Ctrl-C finishes the current step and saves last.adclip.
 */
public final class TrainingRun {
    /** The per-epoch log in the run folder. */
    public static final String LOG = "train_log.csv";
    /** The manifest's {@code training} key of the {@code --defect-types} given, for {@code train --resume}. */
    public static final String DEFECT_TYPES = "defect_types";

    /** How the run ended: the model written, or interrupted (last.adclip saved). */
    public record Result(Path model, boolean interrupted) {}

    /**
     * What a run records besides its options.
     *
     * @param name the product/model name stored in every bundle, or null
     * @param tiling the tiling training runs on, null for whole images
     * @param images the training images and test split, recorded in every bundle written
     * @param coreset with reference shots: most bank rows kept per feature block, or null for the default
     * @param tileBatch with a tiling: most tiles encoded at once (the cache's feature extraction, the bank's)
     * @param defectTypes the types given with {@code --defect-types} (besides the data's), or null
     */
    public record Extras(String name, Tiling tiling, TrainingImages images, Integer coreset, int tileBatch,
            TypeVocabulary defectTypes) {}

    private final Path dir;
    private final ClipModel clip;
    private final PromptLearner learner;
    private final DetectorConfig detector;
    private final TrainingOptions given;
    private final TrainingOptions options;
    private final TrainConfig config;
    private final Path weightsPath;
    private final String weightsSha;
    private final BundleManifest.ClipReference clipRef;
    private final Path cacheRoot;
    private final Function<List<EpochRecord>, TrainListener> listener;
    private final PrintWriter err;
    private final Extras extras;
    private final Tiling tiling;
    private final int tileBatch;

    /**
     * @param parts the detector to train (its prompts are trained in place)
     * @param options the run's options as given (merged with a resumed run's)
     * @param registryName the registry name of the weights, or null
     * @param cacheRoot the model cache folder (disk feature caches go in its {@code features} folder)
     * @param listener the listener of epochs, given the log of epochs already done (on resume)
     */
    public TrainingRun(Path dir, DetectorAssembly parts, TrainingOptions options, String registryName,
            Path cacheRoot, Function<List<EpochRecord>, TrainListener> listener, PrintWriter err) {
        this(dir, parts, options, registryName, cacheRoot, listener, err, new Extras(null, null, null, null, 4, null));
    }

    /** As above, with a name, a tiling, the training images record and the bank's coreset size. */
    public TrainingRun(Path dir, DetectorAssembly parts, TrainingOptions options, String registryName,
            Path cacheRoot, Function<List<EpochRecord>, TrainListener> listener, PrintWriter err, Extras extras) {
        this.extras = extras;
        this.tiling = extras.tiling();
        this.tileBatch = extras.tileBatch();
        this.dir = dir;
        this.clip = parts.clip();
        this.learner = parts.learner();
        this.detector = parts.config();
        this.given = options;
        this.options = options.resolved();
        this.config = options.trainConfig();
        this.weightsPath = parts.weightsPath();
        this.weightsSha = parts.weightsSha256();
        this.clipRef = new BundleManifest.ClipReference(registryName, WeightsSource.isRandom(weightsPath)
                ? weightsPath.toString() : weightsPath.getFileName().toString(), weightsSha);
        this.cacheRoot = cacheRoot;
        this.listener = listener;
        this.err = err;
    }

    /** Trains; {@code resumed} is the checkpoint a resumed run continues from, else null. */
    public Result execute(List<Sample> trainSamples, List<Sample> valSamples, Bundle resumed, NDManager manager)
            throws IOException {
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.reference(detector.imageSize()));
        FeatureCache.Precision precision = options.halfPrecisionCache() ? FeatureCache.Precision.FP16
                : FeatureCache.Precision.FP32;
        Path cacheDir = options.diskCache() ? cacheRoot.resolve("features") : null;
        VisionRequest request = new VisionRequest(detector.dpam(), detector.featureBlocks());
        String context = weightsSha + "|" + preprocessor.config();
        try (FeatureCache cache = new FeatureCache(clip, request, context, precision, cacheDir, manager)) {
            List<TrainItem> train;
            List<TrainItem> val;
            Trainer.FeatureSource source;
            if (tiling != null) {
                trainLabels = labels(trainSamples);
                train = tileItems(trainSamples, "training", preprocessor, cache, manager);
                val = tileItems(valSamples, "validation", preprocessor, cache, manager);
                realDefects = trainSamples.stream().filter(Sample::anomaly).count();
                goodImages = trainSamples.size() - realDefects;
                source = plainSource(cache, preprocessor);
            } else {
                train = new ArrayList<>(items(trainSamples, preprocessor, manager));
                val = items(valSamples, preprocessor, manager);
                reportUnlabelled(train);
                realDefects = train.stream().filter(TrainItem::anomalous).count();
                goodImages = train.size() - realDefects;
                List<TrainItem> synthetic = syntheticItems(trainSamples, preprocessor, manager);
                List<Sample> samplesForItems = new ArrayList<>(trainSamples);
                for (TrainItem item : synthetic) {
                    train.add(item);
                    samplesForItems.add(new Sample(item.image(), Optional.of(
                            new MaskSource.File(maskFileOf(item.image()))), "synthetic", "synthetic", true));
                }
                source = options.augment()
                        ? new AugmentedSource(cache, preprocessor, train, samplesForItems, config.seed(),
                                options.augmentViews())
                        : plainSource(cache, preprocessor);
            }
            validationImages = valSamples.size();
            TrainingObjective objective = new TrainingObjective(clip, config.losses(), detector.imageSize(),
                    detector.temperature());
            Trainer trainer = new Trainer(clip, learner, objective, config, train, val, source,
                    detector.featureBlocks().size(), detector.imageSize(), detector.temperature(),
                    listener.apply(priorLog(resumed)));
            Trainer.Start start = resumed == null ? Trainer.Start.fresh() : startFrom(resumed);
            err.printf(Locale.ROOT, "training on %d %s (%d defective), validating on %d; %d epochs, batch %d%n",
                    train.size(), tiling != null ? "tiles" : "images", train.stream().filter(TrainItem::anomalous)
                            .count(), val.size(), config.epochs(), config.batchSize());
            err.flush();
            Trainer.Result result = runWithInterrupt(trainer, start, manager);
            reportCache(cache, train.size() + val.size());
            if (result.interrupted()) {
                err.println("interrupted: saved " + dir.resolve("last.adclip") + "; continue with --resume " + dir);
                err.flush();
                return new Result(dir.resolve("last.adclip"), true);
            }
            return finish(trainer, train, val, labels(val.isEmpty() ? trainSamples : valSamples), trainSamples, manager);
        } finally {
            done.countDown();
        }
    }

    /** The tiles of some images as items, their features cached; says what was left out and why. */
    private List<TrainItem> tileItems(List<Sample> samples, String role, ImagePreprocessor preprocessor,
            FeatureCache cache, NDManager manager) {
        if (samples.isEmpty()) {
            return List.of();
        }
        err.printf(Locale.ROOT, "cutting %d %s image(s) into tiles (%s) and encoding them%n", samples.size(), role,
                tiling.describe());
        err.flush();
        TileItems.Result tiles = TileItems.of(samples, tiling, preprocessor, cache, Long.MAX_VALUE, tileBatch,
                manager);
        if (tiles.unlocated() > 0) {
            err.println("note: " + tiles.unlocated() + " defective " + role + " image(s) have no mask or boxes: "
                    + "which tile shows the defect is unknown, so they are left out");
        }
        if (tiles.uncertain() > 0) {
            err.println("note: " + tiles.uncertain() + " " + role + " tile(s) hold part of a box, less than "
                    + Math.round(100 * com.adclip.tile.TileLabels.BOX_SHARE) + "% of it: left out");
        }
        return tiles.items();
    }

    /** Each image's label, for thresholds on tiled runs (an image is as anomalous as its worst tile). */
    private static Map<Path, Boolean> labels(List<Sample> samples) {
        Map<Path, Boolean> labels = new LinkedHashMap<>();
        samples.forEach(sample -> labels.put(sample.image(), sample.anomaly()));
        return labels;
    }

    private long realDefects;
    /** With tiles: each training image's own label (a defective image also has good tiles). */
    private Map<Path, Boolean> trainLabels;
    private long goodImages;
    private int validationImages;
    private int syntheticCount;

    /** Synthetic defective images made from the good training images (none without the option). */
    private List<TrainItem> syntheticItems(List<Sample> samples, ImagePreprocessor preprocessor, NDManager manager)
            throws IOException {
        Double syntheticAnomalies = options.syntheticAnomalies();
        if (syntheticAnomalies == null) {
            return List.of();
        }
        if (!(syntheticAnomalies > 0) || syntheticAnomalies > 100) {
            throw AdclipException.usage(
                    "--synthetic-anomalies takes a ratio > 0 (synthetic defects per good image), got "
                            + syntheticAnomalies, null);
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
            BufferedImage rgb = preprocessor.prepare(good.image(), Long.MAX_VALUE).rgb();
            SyntheticAnomaly.Result result = SyntheticAnomaly.apply(rgb,
                    config.seed() * 7919 + j);
            String stem = "synthetic_" + j + "_" + ImageFiles.stem(good.image());
            Path image = folder.resolve(stem + ".png");
            SyntheticAnomaly.write(result, image, maskFileOf(image));
            byte[] mask;
            try (NDManager scope = manager.newSubManager()) {
                mask = ImagePreprocessor.maskBytes(preprocessor.mask(scope, maskFileOf(image)).toFloatArray());
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
                NDArray packed = cache.get(item.cacheKey(), () -> item.tile() == null
                        ? preprocessor.pixels(scope, item.image())
                        : TileItems.pixels(item, preprocessor, Long.MAX_VALUE, scope), scope);
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
        training.put("options", options.toManifest());
        if (WeightsSource.isRandom(weightsPath)) {
            training.put("warning", EvaluationReport.RANDOM_WEIGHTS_WARNING);
        }
        training.put("real_defects_seen", realDefects);
        training.put("good_images", goodImages);
        training.put("validation_images", validationImages);
        training.put("synthetic_anomalies", syntheticCount);
        if (realDefects == 0) {
            training.put("note", syntheticCount > 0
                    ? "trained with synthetic anomalies only: this model never saw a real defect"
                    : "trained on good images only: this model never saw a defect");
        }
        if (extras.images() != null) {
            training.put(TrainingImages.KEY, extras.images().toMap());
        }
        if (extras.defectTypes() != null) {
            training.put(DEFECT_TYPES, extras.defectTypes().toOption()); // read back by train --resume
        }
        training.put("state", state);
        Bundle bundle = Bundle.create(clipRef, detector, thresholds, training, learner.parameters())
                .withName(extras.name());
        return tiling == null ? bundle : bundle.withManifest(bundle.manifest().withTiling(tiling.toManifest()));
    }

    private Trainer.Start startFrom(Bundle resumed) {
        Map<?, ?> state = (Map<?, ?>) resumed.manifest().training().get("state");
        return Trainer.Start.fromState(state, resumed.optimizer());
    }

    private List<EpochRecord> priorLog(Bundle resumed) throws IOException {
        Path csv = dir.resolve(LOG);
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
    private Result finish(Trainer trainer, List<TrainItem> train, List<TrainItem> val, Map<Path, Boolean> labels,
            List<Sample> trainSamples, NDManager manager) {
        restoreBest(val, manager);
        List<TrainItem> scored = val.isEmpty() ? train : val;
        double[] scores = trainer.scores(scored, manager);
        boolean[] defective = new boolean[scored.size()];
        for (int i = 0; i < defective.length; i++) {
            defective[i] = scored.get(i).anomalous();
        }
        if (tiling != null) { // per image: the largest tile score, as tiled prediction scores it
            Map<Path, Double> worst = new LinkedHashMap<>();
            for (int i = 0; i < scores.length; i++) {
                worst.merge(scored.get(i).image(), scores[i], Math::max);
            }
            scores = worst.values().stream().mapToDouble(Double::doubleValue).toArray();
            defective = new boolean[scores.length];
            int i = 0;
            for (Path image : worst.keySet()) {
                defective[i++] = labels.get(image);
            }
        }
        boolean anyDefect = false;
        boolean anyGood = false;
        for (boolean d : defective) {
            anyDefect |= d;
            anyGood |= !d;
        }
        ThresholdStrategy strategy = anyDefect && anyGood ? ThresholdStrategy.parse("f1")
                : ThresholdStrategy.parse("good-only:" + options.goodThreshold());
        BundleManifest.Thresholds defaults = BundleManifest.Thresholds.defaults(detector);
        BundleManifest.Thresholds thresholds = defaults;
        ThresholdStrategy.Choice choice = null;
        if (anyGood) {
            choice = strategy.choose(scores, defective);
            thresholds = new BundleManifest.Thresholds(choice.threshold(), choice.strategy(), defaults.pixel(),
                    defaults.pixelStrategy(), (val.isEmpty() ? "training" : "validation") + " images of " + Path.of(given.data()));
        }
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("complete", true);
        Path model = dir.resolve("model.adclip");
        try (NDManager typesScope = manager.newSubManager()) {
            Bundle finished = withTypes(bundle(thresholds, state), trainSamples, typesScope);
            if (options.referenceShots() > 0) {
                saveWithReferences(finished, train, scored, labels, !val.isEmpty(), strategy, manager, model);
            } else {
                finished.save(model);
            }
        }
        err.println("saved " + model);
        if (choice != null) {
            err.printf(Locale.ROOT, "threshold %.4f (%s on %s images): precision %s, recall %s, good pass rate %s%n",
                    choice.threshold(), choice.strategy(), val.isEmpty() ? "training" : "validation",
                    pct(choice.precision()), pct(choice.recall()), pct(choice.goodPassRate()));
        } else {
            err.println("no good images to choose a threshold from: kept the default 0.5");
        }
        err.flush();
        return new Result(model, false);
    }

    /** The bundle with its defect types (whole-image training only: prototypes from tiles are not built yet). */
    private Bundle withTypes(Bundle bundle, List<Sample> trainSamples, NDManager scope) {
        if (tiling != null) {
            if (extras.defectTypes() != null) {
                err.println("--defect-types: training on tiles stores no defect types yet; the bundle has "
                        + "none (train on whole images for a typed bundle: it types tiled inspections too)");
            }
            return bundle;
        }
        AnomalyDetector anomaly = AnomalyDetector.create(clip, learner, detector, scope);
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.reference(detector.imageSize()));
        return TrainTypes.attach(bundle, trainSamples, extras.defectTypes(), anomaly, preprocessor, scope, err);
    }

    /**
     * Saves the bundle with a bank of {@code --reference-shots} good training images, its thresholds chosen like
     * the prompt-only ones but on fused scores of the same images (the references left out).
     */
    private void saveWithReferences(Bundle bundle, List<TrainItem> train, List<TrainItem> scored,
            Map<Path, Boolean> labels, boolean validation, ThresholdStrategy strategy, NDManager manager, Path model) {
        int referenceShots = options.referenceShots();
        try (NDManager scope = manager.newSubManager()) {
            AnomalyDetector anomaly = AnomalyDetector.create(clip, learner, detector, scope);
            ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.reference(detector.imageSize()));
            List<Path> chosen = TrainReferences.choose(train, trainLabels, referenceShots);
            if (chosen.size() < referenceShots) {
                err.println("--reference-shots " + referenceShots + ": only " + chosen.size()
                        + " good training images; all of them are references");
            }
            BankOptions bankOptions = BankOptions.defaults()
                    .withCoresetSize(extras.coreset() != null ? extras.coreset() : BankOptions.DEFAULT_CORESET);
            try (ReferenceBank bank = TrainReferences.build(anomaly, preprocessor, chosen, bankOptions, tiling, tileBatch, scope,
                    err)) {
                List<TrainItem> kept = new ArrayList<>();
                double[] scores = TrainReferences.fusedScores(anomaly, preprocessor, bank, scored, chosen,
                        detector.sigma(), tiling, tileBatch, labels, scope, kept);
                BundleManifest.Thresholds defaults = bank.thresholds();
                BundleManifest.Thresholds fused = defaults;
                boolean[] defective = new boolean[kept.size()];
                for (int i = 0; i < defective.length; i++) {
                    defective[i] = kept.get(i).anomalous();
                }
                boolean anyGood = kept.stream().anyMatch(item -> !item.anomalous());
                String where = (validation ? "validation" : "training") + " images of " + Path.of(given.data());
                if (anyGood) {
                    ThresholdStrategy.Choice choice = strategy.choose(scores, defective);
                    fused = new BundleManifest.Thresholds(choice.threshold(), choice.strategy(), defaults.pixel(),
                            defaults.pixelStrategy(), where + ", fused with the reference bank, references left "
                                    + "out");
                    err.printf(Locale.ROOT, "reference bank: %d good images; fused threshold %.4f (%s on %d "
                            + "images): precision %s, recall %s, good pass rate %s%n", bank.size(),
                            choice.threshold(), choice.strategy(), kept.size(), pct(choice.precision()),
                            pct(choice.recall()), pct(choice.goodPassRate()));
                } else {
                    err.println("reference bank: " + bank.size() + " good images; no other good image to "
                            + "calibrate the fused threshold on: kept the default");
                }
                bundle.withReference(bank.section().withThresholds(fused), bank.tensors()).save(model);
            }
        }
    }

    /** With validation, the final model is the best epoch's prompts, not the last epoch's. */
    private void restoreBest(List<TrainItem> val, NDManager manager) {
        Path best = dir.resolve("best.adclip");
        if (val.isEmpty() || !Files.exists(best)) {
            return;
        }
        try (NDManager scope = manager.newSubManager()) {
            Bundle bundle = Bundle.load(best, scope);
            // zeroed as x - x, not x * 0: no scalar overloads in train/ (see clip/Constants)
            learner.parameters().forEach((name, param) -> param.subi(param).addi(bundle.prompts().get(name)));
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
                    mask = ImagePreprocessor.maskBytes(sample.maskTarget(scope, preprocessor).toFloatArray());
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
