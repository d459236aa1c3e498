package com.adclip.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.adclip.Detector;
import com.adclip.InspectionPipeline;
import com.adclip.DetectorAssembly;
import com.adclip.Outcome;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.clip.VisionRequest;
import com.adclip.image.ImagePreprocessor;
import com.adclip.image.PreprocessConfig;
import com.adclip.report.ResultWriter;
import com.adclip.anomaly.AnomalyPredictor;
import com.adclip.clip.Precision;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code adclip bench} and {@code adclip bench --end-to-end}: seconds per image of preprocessing + the vision
 * tower (DPAM on, the detector's feature blocks), or of predict's whole path (read → detector → smoothing,
 * verdict, regions → .npy, overlay and mask written). Each run gives the one JSON line the command prints.
 */
public final class InferenceBench {
    /**
     * @param model what the line names as the model (a registry name or the weights given)
     * @param images timed images after the warm-up
     * @param warmup untimed images first
     * @param sourceWidth width of the synthetic camera images
     * @param sourceHeight their height
     */
    public record Options(String model, int images, int warmup, int sourceWidth, int sourceHeight) {
        public Options {
            if (images < 1 || warmup < 0) {
                throw new IllegalArgumentException("--images must be >= 1 and --warmup >= 0");
            }
        }

        String sourceSize() {
            return sourceWidth + "x" + sourceHeight;
        }
    }

    private InferenceBench() {}

    /** Preprocessing and the vision tower, timed apart, per image. */
    public static Map<String, Object> encoder(DetectorAssembly parts, Options options) throws IOException {
        DetectorConfig config = parts.config();
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.reference(config.imageSize()));
        VisionRequest request = new VisionRequest(config.dpam(), config.featureBlocks());
        parts.clip().releaseTextTower(); // as a built Detector does: inference holds the text features, not the tower
        double[] preprocess = new double[options.images()];
        double[] encoder = new double[options.images()];
        try (BenchImages images = new BenchImages()) {
            List<Path> files = images.write(options.warmup() + options.images(), options.sourceWidth(),
                    options.sourceHeight());
            for (int i = 0; i < files.size(); i++) {
                try (NDManager scope = parts.manager().newSubManager()) {
                    long t0 = System.nanoTime();
                    NDArray pixels = preprocessor.pixels(scope, List.of(files.get(i)));
                    long t1 = System.nanoTime();
                    parts.clip().encodeVision(pixels, request).patches().forEach(p -> p.tokens().toFloatArray());
                    long t2 = System.nanoTime();
                    if (i >= options.warmup()) {
                        preprocess[i - options.warmup()] = (t1 - t0) / 1e9;
                        encoder[i - options.warmup()] = (t2 - t1) / 1e9;
                    }
                }
            }
        }
        Map<String, Object> line = head(options, parts.weights().format().name(), config, "encoder",
                parts.clip().precision());
        line.put("preprocess_seconds", Machine.round(mean(preprocess)));
        line.put("encoder_seconds", Machine.round(mean(encoder)));
        line.put("seconds_per_image", Machine.round(mean(preprocess) + mean(encoder)));
        double flops = TowerFlops.perImage(parts.clip().config(), config.imageSize(), request);
        line.put("tower_gflop_per_image", Machine.round(flops / 1e9));
        line.put("tower_gflop_per_second", Machine.round(flops / 1e9 / mean(encoder)));
        return tail(line);
    }

    /**
     * Predict's path per image, through {@code detector}, one image at a time: the time to the answer (verdict,
     * regions) and the time until its three files are also written, the writing then timed on its own.
     */
    public static Map<String, Object> endToEnd(Detector detector, Options options) throws IOException {
        double[] total = new double[options.images()];
        double[] verdict = new double[options.images()];
        double[] writing = new double[options.images()];
        double[][] stages = new double[3][options.images()]; // prepare, network, post
        try (BenchImages images = new BenchImages()) {
            List<Path> files = images.write(options.warmup() + options.images(), options.sourceWidth(),
                    options.sourceHeight());
            ResultWriter writer = new ResultWriter(images.dir().resolve("out"), true, false, detector.config());
            for (int i = 0; i < files.size(); i++) {
                long t0 = System.nanoTime();
                Path file = files.get(i);
                Outcome outcome = detector.inspectAll(List.of(file)).get(0);
                if (outcome.failed()) {
                    throw new IllegalStateException("bench image failed: " + outcome.error());
                }
                long t1 = System.nanoTime();
                writer.write(file.toString(), "image-" + i, outcome);
                if (i >= options.warmup()) {
                    long t2 = System.nanoTime();
                    total[i - options.warmup()] = (t2 - t0) / 1e9;
                    verdict[i - options.warmup()] = (t1 - t0) / 1e9;
                    writing[i - options.warmup()] = (t2 - t1) / 1e9;
                    AnomalyPredictor.StageTimes st = detector.lastStageTimes();
                    stages[0][i - options.warmup()] = st.prepareMs() / 1e3;
                    stages[1][i - options.warmup()] = st.networkMs() / 1e3;
                    stages[2][i - options.warmup()] = st.postMs() / 1e3;
                }
            }
        }
        Map<String, Object> line = head(options, detector.weightsFormat().name(), detector.config(), "end-to-end",
                detector.precision());
        line.put("decode_preprocess_seconds", Machine.round(mean(stages[0])));
        line.put("network_seconds", Machine.round(mean(stages[1])));
        line.put("post_seconds", Machine.round(mean(stages[2])));
        line.put("write_seconds", Machine.round(mean(writing)));
        line.put("verdict_seconds", Machine.round(mean(verdict))); // read → answer (verdict, regions)
        line.put("files_written_seconds", Machine.round(mean(total))); // read → .npy, mask and overlay on disk
        line.put("seconds_per_image", Machine.round(mean(total)));
        return tail(line);
    }

    /**
     * Predict's throughput: {@code images} files one per batch through {@link InspectionPipeline} (decoding of the
     * next image and writing of the last overlap with inference), after {@code warmup} untimed ones. Reports
     * images/s over the wall clock and the network's own rate (images over the summed network time) for
     * comparison: hidden decoding and writing make the two equal.
     */
    public static Map<String, Object> throughput(Detector detector, Options options) throws IOException {
        double[] network = new double[1];
        long[] wall = new long[1];
        try (BenchImages images = new BenchImages()) {
            List<Path> files = images.write(options.warmup() + options.images(), options.sourceWidth(),
                    options.sourceHeight());
            ResultWriter writer = new ResultWriter(images.dir().resolve("out"), true, false, detector.config());
            for (int i = 0; i < options.warmup(); i++) {
                detector.inspectAll(List.of(files.get(i)));
            }
            List<List<Path>> batches = new ArrayList<>();
            files.subList(options.warmup(), files.size()).forEach(f -> batches.add(List.of(f)));
            long t0 = System.nanoTime();
            InspectionPipeline.run(detector, batches, (b, outcomes, stages) -> {
                Outcome outcome = outcomes.get(0);
                if (outcome.failed()) {
                    throw new IllegalStateException("bench image failed: " + outcome.error());
                }
                writer.write(batches.get(b).get(0).toString(), "image-" + b, outcome);
                network[0] += stages.networkMs() / 1e3;
            });
            wall[0] = System.nanoTime() - t0;
        }
        Map<String, Object> line = head(options, detector.weightsFormat().name(), detector.config(), "throughput",
                detector.precision());
        double seconds = wall[0] / 1e9;
        line.put("wall_seconds", Machine.round(seconds));
        line.put("images_per_second", Machine.round(options.images() / seconds));
        line.put("network_images_per_second", Machine.round(options.images() / network[0]));
        line.put("share_of_network_rate", Machine.round(network[0] / seconds));
        return tail(line);
    }

    static Map<String, Object> head(Options options, String format, DetectorConfig config, String mode,
            Precision precision) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("model", options.model());
        line.put("weights", format.toLowerCase(Locale.ROOT));
        line.put("image_size", config.imageSize());
        line.put("dpam", config.dpam());
        line.put("features", config.featureBlocks().toString());
        line.put("mode", mode);
        line.put("precision", precision.label());
        line.put("images", options.images());
        line.put("source_size", options.sourceSize());
        line.put("threads", JniUtils.getNumThreads());
        line.put("cores", Runtime.getRuntime().availableProcessors());
        return line;
    }

    static Map<String, Object> tail(Map<String, Object> line) {
        line.put("peak_rss_mb", Machine.round(Machine.peakRss() / 1e6));
        line.put("cpu", Machine.cpuName());
        line.put("cpu_flags", Machine.cpuFlags());
        line.put("java", System.getProperty("java.version"));
        return line;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }
}
