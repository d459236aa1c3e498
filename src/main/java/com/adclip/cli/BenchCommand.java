package com.adclip.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.adclip.anomaly.AnomalyDetector;
import com.adclip.bench.TrainBench;
import com.adclip.anomaly.BundleManifest;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.anomaly.MapPostProcessor;
import com.adclip.anomaly.AnomalyPredictor;
import com.adclip.anomaly.PromptConfig;
import com.adclip.anomaly.PromptLearner;
import com.adclip.clip.ClipModel;
import com.adclip.image.ImagePreprocessor;
import com.adclip.image.PreprocessConfig;
import com.adclip.clip.VisionRequest;
import com.adclip.weights.ClipWeights;
import com.adclip.weights.ModelRegistry;
import com.adclip.weights.ModelSpec;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code adclip bench}: seconds per image of preprocessing + the vision tower (DPAM on, the detector's feature
 * blocks) at full model size, with random weights so that nothing has to be downloaded.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Time preprocessing + the CLIP vision tower (DPAM on, AnomalyCLIP feature blocks) per image.",
            "Builds the full-size architecture with random weights (no download), warms up, then prints one JSON "
                    + "line with seconds_per_image and the thread count. Record results in docs/benchmarks.md."
        })
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "NAME", defaultValue = "ViT-L/14@336px",
            description = "Architecture from the registry (default: ${DEFAULT-VALUE}). See `adclip models`.")
    String model;

    @Option(names = "--random-weights", defaultValue = "true", negatable = true, fallbackValue = "true",
            description = "Use random weights of the model's full size (default). --no-random-weights needs "
                    + "--weights.")
    boolean randomWeights;

    @Option(names = "--weights", paramLabel = "PATH", description = "Real weights to time instead of random ones.")
    Path weights;

    @Option(names = "--image-size", paramLabel = "N",
            description = "Input side in pixels (default: the detector default, 518).")
    Integer imageSize;

    @Option(names = "--images", paramLabel = "K", defaultValue = "5",
            description = "Timed images after the warm-up (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "1",
            description = "Untimed warm-up images (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--source-size", paramLabel = "WxH", defaultValue = "1280x960",
            description = "Size of the synthetic camera images that are decoded and preprocessed "
                    + "(default: ${DEFAULT-VALUE}).")
    String sourceSize;

    @Option(names = "--precision", paramLabel = "MODE", defaultValue = "auto",
            description = "Image tower precision: auto, fp32, bf16 or eager (see predict --help; default: "
                    + "${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--threads", paramLabel = "T",
            description = "libtorch intra-op threads (default: libtorch's choice, one per core).")
    Integer threads;

    @Option(names = "--end-to-end",
            description = "Time the whole predict path instead: read image → detector (random prompts) → smoothing, "
                    + "verdict, regions → .npy, overlay and mask written.")
    boolean endToEnd;

    @Option(names = "--tiled",
            description = "Time tiled prediction instead: each --source-size image cut as --tile/--tile-stride (or "
                    + "--tiles auto) and through the detector, next to one whole-image pass; reports the tile count "
                    + "and the overhead over tiles x a single pass.")
    boolean tiled;

    @Option(names = "--tile", paramLabel = "SIZE", description = "With --tiled: tile side (default: --tiles auto).")
    Integer tile;

    @Option(names = "--tile-stride", paramLabel = "S", description = "With --tiled: stride (default: SIZE).")
    Integer tileStride;

    @Option(names = "--tile-batch", paramLabel = "N", defaultValue = "4",
            description = "With --tiled: tiles per forward pass (default: ${DEFAULT-VALUE}).")
    int tileBatch;

    @Option(names = "--train",
            description = "Time training epochs instead (first and later), on --images synthetic images, half of "
                    + "them with a defect mask.")
    boolean train;

    @Option(names = "--no-cache",
            description = "With --train: no feature cache, the image tower runs on every step (the reference's way).")
    boolean noCache;

    @Option(names = "--epochs", paramLabel = "E", defaultValue = "3",
            description = "With --train: epochs to time (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "8",
            description = "With --train: images per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--accuracy",
            description = "Check the accuracy guard instead: --precision (bf16 when auto or fp32) against fp32 on "
                    + "--images synthetic product images (random prompts): image score |Δ|, Pearson of the anomaly "
                    + "maps, verdict flips, worst and median.")
    boolean accuracy;

    @Option(names = "--metrics",
            description = "Time the streaming pixel metrics instead: --maps synthetic maps of --image-size² pixels "
                    + "(default 2,000 maps at 518², 537 M pixels), with peak heap.")
    boolean metrics;

    @Option(names = "--maps", paramLabel = "N", defaultValue = "2000",
            description = "With --metrics: number of maps (default: ${DEFAULT-VALUE}).")
    int maps;

    @Option(names = "--reference",
            description = "Time the bank of good reference images instead, on a synthetic data set (synth, one "
                    + "class): bank building and bank scoring per image against the vision tower, for each "
                    + "--reference-shots k, with test metrics with and without the bank (random prompts).")
    boolean reference;

    @Option(names = "--reference-shots", paramLabel = "K,K", split = ",", defaultValue = "1,4,16,110",
            description = "With --reference: the bank sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> referenceShots;

    @Option(names = "--coreset", paramLabel = "N", defaultValue = "8192",
            description = "With --reference: most bank rows per block (default: ${DEFAULT-VALUE}; 0 keeps all).")
    int coreset;

    @Option(names = "--test-good", paramLabel = "N", defaultValue = "16",
            description = "With --reference: good test images (default: ${DEFAULT-VALUE}).")
    int testGood;

    @Option(names = "--test-defects", paramLabel = "N", defaultValue = "16",
            description = "With --reference: defective test images (default: ${DEFAULT-VALUE}).")
    int testDefects;

    @Option(names = "--synth-size", paramLabel = "PX", defaultValue = "256",
            description = "With --reference: side of the synthetic images (default: ${DEFAULT-VALUE}).")
    int synthSize;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        validate();
        if (metrics) {
            return benchMetrics();
        }
        if (threads != null) {
            ai.djl.engine.Engine.getEngine("PyTorch"); // loads libtorch: JniUtils needs the native library
            JniUtils.setNumThreads(threads);
        }
        Path dir = Files.createTempDirectory("adclip-bench");
        try (NDManager manager = NDManager.newBaseManager(); ClipWeights clipWeights = loadWeights(manager)) {
            DetectorConfig detector = DetectorConfig.defaultsFor(clipWeights.config());
            int size = imageSize != null ? imageSize : detector.imageSize();
            detector = detector.withImageSize(size);
            PromptConfig p = detector.prompts(); // small CLIPs (tests) have fewer text blocks than depth 9
            detector = detector.withPrompts(new PromptConfig(p.nCtx(), p.tNCtx(),
                    Math.min(p.depth(), clipWeights.config().text().layers()), p.classWord()));
            detector.checkAgainst(clipWeights.config());
            ClipModel clip = ClipModel.create(clipWeights.config(), clipWeights::get, manager, precision());
            if (accuracy) {
                printAccuracy(clipWeights, detector, dir, manager);
                clip.close();
                return 0;
            }
            if (reference) {
                printReference(clipWeights, detector, benchReference(clip, detector, dir, manager));
                clip.close();
                return 0;
            }
            if (train) {
                List<Path> files = syntheticImages(dir, images);
                printTrain(TrainBench.run(clip, detector, files, batchSize, epochs, !noCache, manager), detector);
                clip.close();
                return 0;
            }
            List<Path> files = syntheticImages(dir, warmup + images);
            ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.reference(size));
            VisionRequest request = new VisionRequest(detector.dpam(), detector.featureBlocks());
            if (tiled) {
                printTiled(runTiled(manager, clip, preprocessor, detector, files), detector);
                clip.close();
                return 0;
            }
            Timings timings = endToEnd ? runEndToEnd(manager, clip, preprocessor, detector, files, dir)
                    : run(manager, clip, preprocessor, request, files);
            print(clipWeights, detector, timings);
            clip.close();
        } finally {
            deleteAll(dir);
        }
        return 0;
    }

    private void validate() {
        if (images < 1 || warmup < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--images must be >= 1 and --warmup >= 0");
        }
        if (!randomWeights && weights == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--no-random-weights needs --weights PATH");
        }
        if (threads != null && threads < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be >= 1");
        }
    }

    private ClipWeights loadWeights(NDManager manager) {
        if (weights != null) {
            return ClipWeights.load(weights, manager);
        }
        ModelSpec spec = ModelRegistry.find(model);
        return ClipWeights.random(spec.config(), manager, 0);
    }

    private record Timings(double[] preprocess, double[] encoder, double[][] stages) {
        Timings(double[] preprocess, double[] encoder) {
            this(preprocess, encoder, null);
        }

        double mean(double[] values) {
            double sum = 0;
            for (double v : values) {
                sum += v;
            }
            return sum / values.length;
        }
    }

    private Timings run(NDManager manager, ClipModel clip, ImagePreprocessor preprocessor, VisionRequest request,
            List<Path> files) {
        double[] preprocess = new double[images];
        double[] encoder = new double[images];
        for (int i = 0; i < files.size(); i++) {
            try (NDManager scope = manager.newSubManager()) {
                long t0 = System.nanoTime();
                NDArray pixels = preprocessor.pixels(scope, List.of(files.get(i)));
                long t1 = System.nanoTime();
                clip.encodeVision(pixels, request).patches().forEach(p -> p.tokens().toFloatArray());
                long t2 = System.nanoTime();
                if (i >= warmup) {
                    preprocess[i - warmup] = (t1 - t0) / 1e9;
                    encoder[i - warmup] = (t2 - t1) / 1e9;
                }
            }
        }
        return new Timings(preprocess, encoder);
    }

    /** Predict's path per image; the second timing array holds everything after preprocessing. */
    private Timings runEndToEnd(NDManager manager, ClipModel clip, ImagePreprocessor preprocessor,
            DetectorConfig detector, List<Path> files, Path dir) {
        double[] total = new double[images];
        double[] writing = new double[images];
        double[][] stages = new double[3][images]; // prepare, network, post
        try (PromptLearner prompts = PromptLearner.initialise(detector.prompts(), clip, manager, 0);
                AnomalyDetector anomaly = AnomalyDetector.create(clip, prompts, detector, manager)) {
            BundleManifest.Thresholds thresholds = BundleManifest.Thresholds.defaults(detector);
            MapPostProcessor post = new MapPostProcessor(MapPostProcessor.smoothing(detector.sigma()),
                    thresholds.pixel());
            AnomalyPredictor predictor = new AnomalyPredictor(anomaly, preprocessor, post, Long.MAX_VALUE, manager,
                    thresholds::image);
            ResultWriter writer = new ResultWriter(dir.resolve("out"), true, false, detector);
            for (int i = 0; i < files.size(); i++) {
                long t0 = System.nanoTime();
                Path file = files.get(i);
                AnomalyPredictor.Outcome outcome = predictor.predict(List.of(file)).get(0);
                if (outcome.failed()) {
                    throw new IllegalStateException("bench image failed: " + outcome.error());
                }
                long t1 = System.nanoTime();
                writer.write(new InputFiles.Input(file, file.toString(), "image-" + i), outcome);
                if (i >= warmup) {
                    total[i - warmup] = (System.nanoTime() - t0) / 1e9;
                    writing[i - warmup] = (System.nanoTime() - t1) / 1e9;
                    AnomalyPredictor.StageTimes st = predictor.lastStageTimes();
                    stages[0][i - warmup] = st.prepareMs() / 1e3;
                    stages[1][i - warmup] = st.networkMs() / 1e3;
                    stages[2][i - warmup] = st.postMs() / 1e3;
                }
            }
        }
        return new Timings(writing, total, stages);
    }

    /** Mean seconds per image tiled and whole, and the tile count (of the last image). */
    private record TiledTimings(double tiledSeconds, double wholeSeconds, int tiles) {}

    private TiledTimings runTiled(NDManager manager, ClipModel clip, ImagePreprocessor preprocessor,
            DetectorConfig detector, List<Path> files) {
        com.adclip.tile.Tiling tiling = tile == null ? com.adclip.tile.Tiling.auto()
                : com.adclip.tile.Tiling.of(tile, tileStride != null ? tileStride : tile);
        double tiledSum = 0;
        double wholeSum = 0;
        int tiles = 0;
        try (PromptLearner prompts = PromptLearner.initialise(detector.prompts(), clip, manager, 0);
                AnomalyDetector anomaly = AnomalyDetector.create(clip, prompts, detector, manager)) {
            com.adclip.tile.TileModel model = com.adclip.tile.TileModel.of(anomaly);
            com.adclip.anomaly.GaussianSmoothing smoothing = MapPostProcessor.smoothing(detector.sigma());
            com.adclip.tile.TiledPredictor tiledPredictor = new com.adclip.tile.TiledPredictor(model, tiling,
                    smoothing, 1e9, tileBatch, manager);
            com.adclip.tile.TiledPredictor wholePredictor = new com.adclip.tile.TiledPredictor(model,
                    com.adclip.tile.Tiling.of(1 << 20, 1 << 20), smoothing, 1e9, 1, manager);
            for (int i = 0; i < files.size(); i++) {
                long t0 = System.nanoTime();
                ImagePreprocessor.Source source = preprocessor.load(files.get(i), Long.MAX_VALUE);
                tiles = tiledPredictor.predict(source, 0.5).grid().count();
                long t1 = System.nanoTime();
                wholePredictor.predict(preprocessor.load(files.get(i), Long.MAX_VALUE), 0.5);
                long t2 = System.nanoTime();
                if (i >= warmup) {
                    tiledSum += (t1 - t0) / 1e9;
                    wholeSum += (t2 - t1) / 1e9;
                }
            }
        }
        return new TiledTimings(tiledSum / images, wholeSum / images, tiles);
    }

    private void printTiled(TiledTimings t, DetectorConfig detector) throws IOException {
        ObjectNode json = new ObjectMapper().createObjectNode();
        json.put("model", weights != null ? weights.toString() : ModelRegistry.find(model).name());
        json.put("mode", "tiled");
        json.put("image_size", detector.imageSize());
        json.put("source_size", sourceSize);
        json.put("tiling", tile == null ? "auto" : tile + "/" + (tileStride != null ? tileStride : tile));
        json.put("tiles", t.tiles());
        json.put("tile_batch", tileBatch);
        json.put("images", images);
        json.put("threads", JniUtils.getNumThreads());
        json.put("seconds_per_image", round(t.tiledSeconds()));
        json.put("whole_image_seconds", round(t.wholeSeconds()));
        json.put("overhead_vs_tiles_x_whole", round(t.tiledSeconds() / (t.tiles() * t.wholeSeconds()) - 1));
        json.put("cpu", cpuName());
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(json));
        spec.commandLine().getOut().flush();
    }

    private void print(ClipWeights clipWeights, DetectorConfig detector, Timings timings) throws IOException {
        ObjectNode json = new ObjectMapper().createObjectNode();
        json.put("model", weights != null ? weights.toString() : ModelRegistry.find(model).name());
        json.put("weights", clipWeights.format().name().toLowerCase(java.util.Locale.ROOT));
        json.put("image_size", detector.imageSize());
        json.put("dpam", detector.dpam());
        json.put("features", detector.featureBlocks().toString());
        json.put("mode", endToEnd ? "end-to-end" : "encoder");
        json.put("precision", precision().label());
        json.put("images", images);
        json.put("source_size", sourceSize);
        json.put("threads", JniUtils.getNumThreads());
        json.put("cores", Runtime.getRuntime().availableProcessors());
        if (!endToEnd) {
            json.put("preprocess_seconds", round(timings.mean(timings.preprocess())));
            json.put("encoder_seconds", round(timings.mean(timings.encoder())));
        } else {
            json.put("decode_preprocess_seconds", round(timings.mean(timings.stages()[0])));
            json.put("network_seconds", round(timings.mean(timings.stages()[1])));
            json.put("post_seconds", round(timings.mean(timings.stages()[2])));
            json.put("write_seconds", round(timings.mean(timings.preprocess())));
        }
        json.put("peak_rss_mb", round(peakRssBytes() / 1e6));
        json.put("seconds_per_image", round(endToEnd ? timings.mean(timings.encoder())
                : timings.mean(timings.preprocess()) + timings.mean(timings.encoder())));
        json.put("cpu", cpuName());
        json.put("cpu_flags", cpuFlags());
        json.put("java", System.getProperty("java.version"));
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(json));
        spec.commandLine().getOut().flush();
    }

    private com.adclip.bench.ReferenceBench.Result benchReference(ClipModel clip, DetectorConfig detector, Path dir,
            NDManager manager) {
        List<Integer> shots = referenceShots.stream().sorted().distinct().toList();
        if (shots.isEmpty() || shots.get(0) < 1 || testGood < 1 || testDefects < 1 || coreset < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--reference-shots must be >= 1, "
                    + "--test-good and --test-defects >= 1, --coreset >= 0");
        }
        int max = shots.get(shots.size() - 1);
        java.io.PrintWriter err = spec.commandLine().getErr();
        com.adclip.synth.SynthGenerator.Summary data = com.adclip.synth.SynthGenerator.generate(
                new com.adclip.synth.SynthGenerator.Config(dir.resolve("synth"), 1, Math.max(max, testGood), 0,
                        testDefects, synthSize, 0), n -> { });
        com.adclip.data.Dataset dataset = com.adclip.data.DatasetLoader.load(data.meta());
        List<com.adclip.data.Sample> goods = dataset.samples("train").stream().filter(s -> !s.anomaly())
                .sorted(java.util.Comparator.comparing(s -> s.image().toString())).toList();
        List<com.adclip.data.Sample> test = new ArrayList<>();
        dataset.samples("test").stream().filter(s -> !s.anomaly()).limit(testGood).forEach(test::add);
        dataset.samples("test").stream().filter(com.adclip.data.Sample::anomaly).forEach(test::add);
        return com.adclip.bench.ReferenceBench.run(clip, detector, goods, test, shots, coreset, manager, message -> {
            err.println("bench: " + message);
            err.flush();
        });
    }

    private void printReference(ClipWeights clipWeights, DetectorConfig detector,
            com.adclip.bench.ReferenceBench.Result result) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode json = mapper.createObjectNode();
        json.put("model", weights != null ? weights.toString() : ModelRegistry.find(model).name());
        json.put("mode", "reference");
        json.put("weights", weights == null ? "random" : "given");
        json.put("prompts", "random");
        json.put("image_size", detector.imageSize());
        json.put("features", detector.featureBlocks().toString());
        json.put("coreset", coreset);
        json.put("test_images", testGood + testDefects);
        json.put("tower_seconds_per_image", round(result.towerSecondsPerImage()));
        metricsJson(json.putObject("prompt_only"), result.promptOnly());
        com.fasterxml.jackson.databind.node.ArrayNode shots = json.putArray("shots");
        for (com.adclip.bench.ReferenceBench.Shot shot : result.shots()) {
            ObjectNode node = shots.addObject();
            node.put("k", shot.shots());
            node.put("rows_per_block", shot.rows());
            node.put("covering_radius", round(shot.radius()));
            node.put("build_seconds", round(shot.buildSeconds()));
            node.put("bank_seconds_per_image", round(shot.bankSecondsPerImage()));
            node.put("bank_share_of_tower", round(shot.bankSecondsPerImage() / result.towerSecondsPerImage()));
            metricsJson(node.putObject("fused"), shot.metrics());
        }
        json.put("threads", JniUtils.getNumThreads());
        json.put("cpu", cpuName());
        spec.commandLine().getOut().println(mapper.writeValueAsString(json));
        spec.commandLine().getOut().flush();
    }

    private static void metricsJson(ObjectNode node, com.adclip.eval.ClassMetrics metrics) {
        for (String name : List.of("image_auroc", "image_ap", "pixel_auroc", "pixel_aupro")) {
            com.adclip.eval.MetricValue value = metrics.get(name);
            if (value.computable()) {
                node.put(name, round(value.get()));
            } else {
                node.putNull(name);
            }
        }
    }

    private int benchMetrics() throws IOException {
        int side = imageSize != null ? imageSize : DetectorConfig.DEFAULT_IMAGE_SIZE;
        com.adclip.bench.PixelMetricsBenchmark.Report report = com.adclip.bench.PixelMetricsBenchmark.run(maps, side, side,
                42, com.adclip.eval.PixelMetricsAccumulator.DEFAULT_CAPACITY);
        ObjectNode json = new ObjectMapper().createObjectNode();
        json.put("mode", "pixel-metrics");
        json.put("maps", report.maps());
        json.put("pixels", report.pixels());
        json.put("metric_seconds", round(report.metricSeconds()));
        json.put("total_seconds", round(report.totalSeconds()));
        json.put("peak_heap_mb", round(report.peakHeapBytes() / 1e6));
        json.put("histogram_mb", round(report.histogramBytes() / 1e6));
        json.put("exact", report.metrics().exact());
        json.put("auroc_error_bound", report.metrics().aurocErrorBound());
        json.put("cpu", cpuName());
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(json));
        spec.commandLine().getOut().flush();
        return 0;
    }

    private void printAccuracy(ClipWeights clipWeights, DetectorConfig detector, Path dir, NDManager manager)
            throws IOException {
        com.adclip.clip.Precision mode = precision();
        if (mode == com.adclip.clip.Precision.FP32 || mode == com.adclip.clip.Precision.EAGER) {
            mode = com.adclip.clip.Precision.BF16;
        }
        List<Path> files = AccuracyBench.syntheticImages(dir, images);
        AccuracyBench.Result r = AccuracyBench.run(clipWeights, detector, mode, files, manager);
        ObjectNode json = new ObjectMapper().createObjectNode();
        json.put("model", weights != null ? weights.toString() : ModelRegistry.find(model).name());
        json.put("mode", "accuracy");
        json.put("precision", mode.label());
        json.put("against", "fp32");
        json.put("image_size", detector.imageSize());
        json.put("images", r.images());
        json.put("worst_score_delta", r.worstScoreDelta());
        json.put("median_score_delta", r.medianScoreDelta());
        json.put("worst_map_pearson", r.worstPearson());
        json.put("median_map_pearson", r.medianPearson());
        json.put("verdict_flips", r.verdictFlips());
        json.put("images_within_guard", r.passing());
        json.put("cpu", cpuName());
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(json));
        spec.commandLine().getOut().flush();
    }

    private void printTrain(TrainBench.Result result, DetectorConfig detector) throws IOException {
        ObjectNode json = new ObjectMapper().createObjectNode();
        json.put("model", weights != null ? weights.toString() : ModelRegistry.find(model).name());
        json.put("mode", noCache ? "train-no-cache" : "train-cached");
        json.put("precision", precision().label());
        json.put("image_size", detector.imageSize());
        json.put("images", images);
        json.put("batch_size", batchSize);
        json.put("threads", JniUtils.getNumThreads());
        List<com.adclip.train.EpochRecord> log = result.epochs();
        json.put("first_epoch_seconds", round(log.get(0).seconds()));
        if (log.size() > 1) {
            double later = log.subList(1, log.size()).stream().mapToDouble(com.adclip.train.EpochRecord::seconds)
                    .average().orElseThrow();
            int steps = (images + batchSize - 1) / batchSize;
            json.put("later_epoch_seconds", round(later));
            json.put("later_seconds_per_step", round(later / steps));
        }
        if (!noCache) {
            json.put("cache_mb_per_image", round(result.cacheBytes() / 1e6 / Math.max(1, result.cachedImages())));
            json.put("cache_mb_total", round(result.cacheBytes() / 1e6));
        }
        json.put("peak_rss_mb", round(result.peakRssBytes() / 1e6));
        json.put("cpu", cpuName());
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(json));
        spec.commandLine().getOut().flush();
    }

    private static double round(double seconds) {
        return Math.round(seconds * 10000) / 10000.0;
    }

    private com.adclip.clip.Precision precision() {
        try {
            return com.adclip.clip.Precision.parse(precision);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--precision: " + e.getMessage());
        }
    }

    /** The CPU flags that decide GEMM speed: AVX-512 (and its BF16/VNNI parts), AMX. */
    static String cpuFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    return java.util.Arrays.stream(line.substring(line.indexOf(':') + 1).trim().split("\\s+"))
                            .filter(f -> f.startsWith("avx512") || f.startsWith("amx") || f.equals("avx2")
                                    || f.equals("fma"))
                            .sorted().distinct().collect(java.util.stream.Collectors.joining(" "));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "";
    }

    /** VmHWM of this process (Linux), else 0. */
    static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return 0;
    }

    private static String cpuName() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }

    /** Noisy gradient images, so decoding and resampling do real work; written as PNG like camera exports. */
    private List<Path> syntheticImages(Path dir, int count) throws IOException {
        String[] parts = sourceSize.toLowerCase(java.util.Locale.ROOT).split("x");
        int width;
        int height;
        try {
            width = Integer.parseInt(parts[0]);
            height = Integer.parseInt(parts[1]);
        } catch (RuntimeException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--source-size must look like 1280x960");
        }
        Random random = new Random(42);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int v = (x * 255 / width + y * 255 / height) / 2;
                    int n = random.nextInt(32);
                    image.setRGB(x, y, ((v + n) & 0xFF) << 16 | (v & 0xFF) << 8 | ((255 - v + n) & 0xFF));
                }
            }
            Path file = dir.resolve("bench-" + i + ".png");
            ImageIO.write(image, "png", file.toFile());
            files.add(file);
        }
        return files;
    }

    private static void deleteAll(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

}
