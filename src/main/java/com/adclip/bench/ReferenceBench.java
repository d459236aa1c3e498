package com.adclip.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.adclip.anomaly.AnomalyDetector;
import com.adclip.anomaly.Detection;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.anomaly.MapPostProcessor;
import com.adclip.anomaly.PromptLearner;
import com.adclip.clip.ClipModel;
import com.adclip.clip.VisionFeatures;
import com.adclip.data.Sample;
import com.adclip.eval.ClassMetrics;
import com.adclip.eval.PixelMetricsAccumulator;
import com.adclip.image.ImagePreprocessor;
import com.adclip.image.PreprocessConfig;
import com.adclip.reference.BankBuilder;
import com.adclip.reference.BankOptions;
import com.adclip.reference.ReferenceBank;
import ai.djl.pytorch.jni.JniUtils;
import com.adclip.DetectorAssembly;
import com.adclip.data.Dataset;
import com.adclip.data.DatasetLoader;
import com.adclip.eval.MetricValue;
import com.adclip.synth.SynthGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code adclip bench --reference}: for k good reference images, the time to build the bank (coreset and
 * leave-one-out statistics), the time of bank scoring per test image against the vision tower's, and the test
 * metrics with and without the bank. The vision tower runs once per image; the same features serve every k.
 */
public final class ReferenceBench {
    private ReferenceBench() {}

    /**
     * One bank size.
     *
     * @param shots k, the reference images
     * @param rows bank rows per block after the coreset
     * @param radius the largest covering radius over the blocks
     * @param buildSeconds building the bank from encoded images (coreset, statistics), without encoding them
     * @param bankSecondsPerImage bank map and fusion per test image
     * @param metrics fused test metrics
     */
    public record Shot(int shots, long rows, double radius, double buildSeconds, double bankSecondsPerImage,
            ClassMetrics metrics) {}

    /**
     * @param towerSecondsPerImage the vision tower per test image
     * @param promptOnly test metrics of the prompts alone
     * @param shots one entry per k
     */
    public record Result(double towerSecondsPerImage, ClassMetrics promptOnly, List<Shot> shots) {}

    /**
     * What {@code bench --reference} measures on.
     *
     * @param shots the k to measure, ascending, at least 1
     * @param coreset most bank rows per block (0 keeps all)
     * @param testGood good test images
     * @param testDefects defective test images
     * @param synthSize side of the synthetic images
     */
    public record Options(List<Integer> shots, int coreset, int testGood, int testDefects, int synthSize) {}

    /**
     * Runs on a synthetic data set of one product written to a temporary folder (deleted after): its good
     * training images are the references (in name order), its test images the test.
     */
    public static Result onSyntheticData(DetectorAssembly parts, Options options, Consumer<String> progress)
            throws IOException {
        int max = options.shots().get(options.shots().size() - 1);
        try (BenchImages scratch = new BenchImages()) {
            SynthGenerator.Summary data = SynthGenerator.generate(new SynthGenerator.Config(
                    scratch.dir().resolve("synth"), 1, Math.max(max, options.testGood()), 0, options.testDefects(),
                    options.synthSize(), 0), n -> { });
            Dataset dataset = DatasetLoader.load(data.meta());
            List<Sample> goods = dataset.samples("train").stream().filter(s -> !s.anomaly())
                    .sorted(Comparator.comparing(s -> s.image().toString())).toList();
            List<Sample> test = new ArrayList<>();
            dataset.samples("test").stream().filter(s -> !s.anomaly()).limit(options.testGood()).forEach(test::add);
            dataset.samples("test").stream().filter(Sample::anomaly).forEach(test::add);
            return run(parts.clip(), parts.config(), goods, test, options.shots(), options.coreset(),
                    parts.manager(), progress);
        }
    }

    /**
     * The JSON line {@code bench --reference} prints.
     *
     * @param model the model's name
     * @param randomWeights whether the CLIP weights were random
     */
    public static Map<String, Object> line(Result result, String model, boolean randomWeights, DetectorConfig config,
            Options options) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", model);
        json.put("mode", "reference");
        json.put("weights", randomWeights ? "random" : "given");
        json.put("prompts", "random");
        json.put("image_size", config.imageSize());
        json.put("features", config.featureBlocks().toString());
        json.put("coreset", options.coreset());
        json.put("test_images", options.testGood() + options.testDefects());
        json.put("tower_seconds_per_image", Machine.round(result.towerSecondsPerImage()));
        json.put("prompt_only", metrics(result.promptOnly()));
        json.put("shots", result.shots().stream().map(shot -> shot(shot, result.towerSecondsPerImage())).toList());
        json.put("threads", JniUtils.getNumThreads());
        json.put("cpu", Machine.cpuName());
        return json;
    }

    private static Map<String, Object> shot(Shot shot, double towerSecondsPerImage) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("k", shot.shots());
        node.put("rows_per_block", shot.rows());
        node.put("covering_radius", Machine.round(shot.radius()));
        node.put("build_seconds", Machine.round(shot.buildSeconds()));
        node.put("bank_seconds_per_image", Machine.round(shot.bankSecondsPerImage()));
        node.put("bank_share_of_tower", Machine.round(shot.bankSecondsPerImage() / towerSecondsPerImage));
        node.put("fused", metrics(shot.metrics()));
        return node;
    }

    private static Map<String, Object> metrics(ClassMetrics metrics) {
        Map<String, Object> node = new LinkedHashMap<>();
        for (String name : List.of("image_auroc", "image_ap", "pixel_auroc", "pixel_aupro")) {
            MetricValue value = metrics.get(name);
            node.put(name, value.computable() ? Machine.round(value.get()) : null);
        }
        return node;
    }

    /** An encoded test image: features, prompt detection, S×S ground truth. */
    private record Encoded(VisionFeatures features, Detection prompt, boolean[] mask, boolean anomaly) {}

    /**
     * @param references good images, at least the largest k
     * @param test test images with masks for the defective ones
     * @param shots the k to measure, ascending
     */
    public static Result run(ClipModel clip, DetectorConfig config, List<Sample> references, List<Sample> test,
            List<Integer> shots, int coresetSize, NDManager manager, Consumer<String> progress) {
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.reference(config.imageSize()));
        MapPostProcessor smoothing = new MapPostProcessor(MapPostProcessor.smoothing(config.sigma()), 0);
        try (PromptLearner prompts = PromptLearner.initialise(config.prompts(), clip, manager, 0);
                AnomalyDetector detector = AnomalyDetector.create(clip, prompts, config, manager);
                NDManager held = manager.newSubManager()) {
            int max = shots.get(shots.size() - 1);
            List<VisionFeatures> goods = new ArrayList<>();
            for (int i = 0; i < max; i++) {
                goods.add(detector.encode(preprocessor.pixels(held, List.of(references.get(i).image()))));
                if ((i + 1) % 10 == 0 || i + 1 == max) {
                    progress.accept((i + 1) + "/" + max + " reference images encoded");
                }
            }
            List<Encoded> encoded = new ArrayList<>();
            double tower = 0;
            for (Sample sample : test) {
                NDArray pixels = preprocessor.pixels(held, List.of(sample.image()));
                long t0 = System.nanoTime();
                VisionFeatures features = detector.encode(pixels);
                features.patches().forEach(p -> p.tokens().toFloatArray());
                tower += (System.nanoTime() - t0) / 1e9;
                encoded.add(new Encoded(features, detector.detect(features), mask(sample, preprocessor, held),
                        sample.anomaly()));
            }
            progress.accept(test.size() + " test images encoded");
            ClassMetrics promptOnly = metrics(encoded, null, smoothing, config.imageSize(), new double[1]);
            List<Shot> results = new ArrayList<>();
            for (int k : shots) {
                BankOptions options = BankOptions.defaults().withCoresetSize(coresetSize);
                try (BankBuilder builder = new BankBuilder(config, options, held)) {
                    for (int i = 0; i < k; i++) {
                        builder.add("reference-" + i, String.format("%064x", i + 1), goods.get(i), 0);
                    }
                    long t0 = System.nanoTime();
                    try (ReferenceBank bank = builder.build(null, held, message -> { })) {
                        double build = (System.nanoTime() - t0) / 1e9;
                        double[] bankSeconds = new double[1];
                        ClassMetrics fused = metrics(encoded, bank, smoothing, config.imageSize(), bankSeconds);
                        double radius = bank.section().layers().stream().mapToDouble(l -> l.radius()).max()
                                .orElse(0);
                        results.add(new Shot(k, bank.section().layers().get(0).kept(), radius, build,
                                bankSeconds[0] / encoded.size(), fused));
                        progress.accept(String.format(java.util.Locale.ROOT, "k = %d: %d rows per block, build %.2f s, "
                                + "bank %.4f s per image (tower %.4f s), fused image AUROC %s, pixel AUROC %s, "
                                + "AUPRO %s", k, results.get(results.size() - 1).rows(), build,
                                bankSeconds[0] / encoded.size(), tower / encoded.size(), fused.get("image_auroc"),
                                fused.get("pixel_auroc"), fused.get("pixel_aupro")));
                    }
                }
            }
            return new Result(tower / encoded.size(), promptOnly, results);
        }
    }

    /** Metrics of the test images, prompt-only ({@code bank} null) or fused; bank time summed into seconds[0]. */
    private static ClassMetrics metrics(List<Encoded> encoded, ReferenceBank bank, MapPostProcessor smoothing,
            int size, double[] seconds) {
        PixelMetricsAccumulator pixels = new PixelMetricsAccumulator();
        boolean[] labels = new boolean[encoded.size()];
        double[] scores = new double[encoded.size()];
        for (int i = 0; i < encoded.size(); i++) {
            Encoded e = encoded.get(i);
            try (NDManager scope = e.prompt().rawMap().getManager().newSubManager()) {
                Detection detection = e.prompt();
                if (bank != null) {
                    long t0 = System.nanoTime();
                    detection = bank.fuse(e.prompt(), e.features(), size);
                    detection.rawMap().toFloatArray();
                    seconds[0] += (System.nanoTime() - t0) / 1e9;
                    detection.rawMap().attach(scope);
                    detection.probabilities().attach(scope);
                    detection.logits().attach(scope);
                }
                NDArray smoothed = smoothing.smoothed(detection); // [1, S, S]
                smoothed.attach(scope);
                pixels.add(smoothed.toFloatArray(), e.mask(), size, size);
                labels[i] = e.anomaly();
                scores[i] = detection.probabilities().get(new NDIndex("0, 1")).getFloat();
            }
        }
        return ClassMetrics.of(labels, scores, 0.5, pixels.result());
    }

    private static boolean[] mask(Sample sample, ImagePreprocessor preprocessor, NDManager manager) {
        int size = preprocessor.config().size();
        boolean[] mask = new boolean[size * size];
        if (sample.mask().isEmpty()) {
            return mask;
        }
        try (NDManager scope = manager.newSubManager()) {
            float[] values = sample.mask().get().target(scope, preprocessor).toFloatArray();
            for (int i = 0; i < mask.length; i++) {
                mask[i] = values[i] > 0.5f;
            }
        }
        return mask;
    }
}
