package com.adclip.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.adclip.anomaly.AccuracyGuard;
import com.adclip.anomaly.AnomalyDetector;
import com.adclip.anomaly.BundleManifest;
import com.adclip.anomaly.Detection;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.anomaly.PromptLearner;
import com.adclip.clip.ClipModel;
import com.adclip.image.ImagePreprocessor;
import com.adclip.clip.Precision;
import com.adclip.image.PreprocessConfig;
import com.adclip.synth.SynthGenerator;
import com.adclip.weights.ClipWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import com.adclip.DetectorAssembly;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code adclip bench --accuracy}: a fast precision mode against fp32 on synthetic product images, with the
 * same random prompts: image score |Δ|, Pearson correlation of the raw anomaly maps, verdict agreement at the
 * default threshold, worst and median.
 */
public final class AccuracyBench {
    /** Figures over the images. */
    public record Result(int images, double worstScoreDelta, double medianScoreDelta, double worstPearson,
            double medianPearson, int verdictFlips, int passing, int flipsBeyondTolerance, double closestToThreshold) {}

    private AccuracyBench() {}

    /**
     * Runs on {@code count} synthetic images written to a temporary folder (deleted after), comparing
     * {@code mode} against fp32 on the assembly's weights.
     */
    public static Result onSyntheticImages(DetectorAssembly parts, Precision mode, int count) throws IOException {
        try (BenchImages scratch = new BenchImages()) {
            List<Path> files = syntheticImages(scratch.dir(), count);
            return run(parts.weights(), parts.config(), mode, files, parts.manager());
        }
    }

    /**
     * The JSON line {@code bench --accuracy} prints.
     *
     * @param model the model's name
     */
    public static Map<String, Object> line(Result r, String model, Precision mode, DetectorConfig config) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", model);
        json.put("mode", "accuracy");
        json.put("precision", mode.label());
        json.put("against", "fp32");
        json.put("image_size", config.imageSize());
        json.put("images", r.images());
        json.put("worst_score_delta", r.worstScoreDelta());
        json.put("median_score_delta", r.medianScoreDelta());
        json.put("worst_map_pearson", r.worstPearson());
        json.put("median_map_pearson", r.medianPearson());
        json.put("verdict_flips", r.verdictFlips());
        json.put("images_within_guard", r.passing());
        json.put("flips_beyond_score_tolerance", r.flipsBeyondTolerance());
        json.put("closest_fp32_score_to_threshold", r.closestToThreshold());
        json.put("cpu", Machine.cpuName());
        return json;
    }

    /** {@code count} synthetic images (several products, good and defective) written under {@code dir}. */
    public static List<Path> syntheticImages(Path dir, int count) throws IOException {
        int classes = Math.min(5, Math.max(1, count / 4));
        int perClass = (count + classes - 1) / classes;
        int good = Math.max(1, perClass / 4);
        int defects = Math.max(0, perClass - 2 * good);
        SynthGenerator.generate(new SynthGenerator.Config(dir.resolve("synth"), classes, good, 0, defects, 512, 7),
                n -> { });
        try (Stream<Path> files = Files.walk(dir.resolve("synth"))) {
            return files.filter(f -> f.toString().endsWith(".png") && !f.toString().contains("ground_truth")
                    && !f.getFileName().toString().contains("mask")).sorted().limit(count).toList();
        }
    }

    public static Result run(ClipWeights weights, DetectorConfig config, Precision mode, List<Path> images,
            NDManager manager) {
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.reference(config.imageSize()));
        BundleManifest.Thresholds thresholds = BundleManifest.Thresholds.defaults(config);
        List<AccuracyGuard.Comparison> comparisons = new ArrayList<>();
        try (ClipModel exact = ClipModel.create(weights.config(), weights::get, manager, Precision.FP32);
                ClipModel fast = ClipModel.create(weights.config(), weights::get, manager, mode);
                PromptLearner prompts = PromptLearner.initialise(config.prompts(), exact, manager, 0);
                AnomalyDetector reference = AnomalyDetector.create(exact, prompts, config, manager);
                AnomalyDetector tested = AnomalyDetector.create(fast, prompts, config, manager)) {
            for (Path image : images) {
                try (NDManager scope = manager.newSubManager()) {
                    NDArray pixels = preprocessor.pixels(scope, List.of(image));
                    Detection a = reference.detect(pixels);
                    Detection b = tested.detect(pixels);
                    comparisons.add(AccuracyGuard.compare(score(a), a.rawMap().toFloatArray(), score(b),
                            b.rawMap().toFloatArray(), thresholds.image()));
                }
            }
        }
        return summarise(comparisons);
    }

    private static double score(Detection d) {
        return d.probabilities().get(new NDIndex("0, 1")).getFloat();
    }

    private static Result summarise(List<AccuracyGuard.Comparison> c) {
        double[] deltas = c.stream().mapToDouble(AccuracyGuard.Comparison::scoreDelta).sorted().toArray();
        double[] pearsons = c.stream().mapToDouble(AccuracyGuard.Comparison::pearson).sorted().toArray();
        int flips = (int) c.stream().filter(x -> !x.sameVerdict()).count();
        int passing = (int) c.stream().filter(AccuracyGuard.DEFAULT::passes).count();
        int beyond = (int) c.stream().filter(AccuracyGuard.DEFAULT::flipBeyondTolerance).count();
        double closest = c.stream().mapToDouble(AccuracyGuard.Comparison::thresholdMargin).min().orElse(Double.NaN);
        return new Result(c.size(), deltas[deltas.length - 1], median(deltas), pearsons[0], median(pearsons), flips,
                passing, beyond, closest);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
