package com.adclip.cli;

import ai.djl.pytorch.jni.JniUtils;
import com.adclip.Detector;
import com.adclip.DetectorAssembly;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.bench.AccuracyBench;
import com.adclip.bench.InferenceBench;
import com.adclip.bench.ReferenceBench;
import com.adclip.bench.ServeBench;
import com.adclip.bench.TiledBench;
import com.adclip.tile.Tiling;
import java.util.List;
import com.adclip.bench.PixelMetricsBenchmark;
import com.adclip.bench.TrainBench;
import com.adclip.eval.PixelMetricsAccumulator;
import com.adclip.weights.ModelRegistry;
import com.adclip.weights.WeightsSource;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code adclip bench}: parses the options, runs one benchmark of {@code com.adclip.bench} and prints its JSON
 * line. Without {@code --weights}, random weights of {@code --model}'s full size, so nothing is downloaded.
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

    @Mixin ModelOptions modelOptions;

    @Option(names = "--random-weights", negatable = true, hidden = true,
            description = "Deprecated: random weights are the default without --weights (or give --weights "
                    + "random:NAME). --no-random-weights needs --weights.")
    Boolean randomWeights;

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

    @Option(names = "--threads", paramLabel = "T",
            description = "libtorch intra-op threads (default: libtorch's choice, one per core).")
    Integer threads;

    @Option(names = "--end-to-end",
            description = "Time the whole predict path instead: read image → detector (random prompts) → smoothing, "
                    + "verdict, regions → .npy, overlay and mask written; gives the time to the verdict and the "
                    + "time until the files are written.")
    boolean endToEnd;

    @Option(names = "--throughput",
            description = "Time predict's throughput instead: --images files one after another with decoding of the "
                    + "next and writing of the last overlapped with inference; reports images/s and the network's "
                    + "own rate.")
    boolean throughput;

    @Option(names = "--serve-clients", paramLabel = "C",
            description = "Time the station instead: serve started in this process on loopback, C client threads "
                    + "posting --images camera PNGs between them; reports images/s next to the tower's own rate.")
    Integer serveClients;

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "1",
            description = "With --serve-clients: the station's batch bound, as serve --max-batch "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--serve-deadline", paramLabel = "SECONDS", defaultValue = "1800",
            description = "With --serve-clients: the longest the warm-up or the timed round may take before the "
                    + "bench fails (default: ${DEFAULT-VALUE}).")
    int serveDeadline;

    @Option(names = "--tiled",
            description = "Time tiled prediction instead: each --source-size image cut as --tile/--tile-stride (or "
                    + "--tiles auto) and through the detector, next to one whole-image pass; reports the tile count "
                    + "and the overhead over tiles x a single pass.")
    boolean tiled;

    @Option(names = "--tile", paramLabel = "SIZE", description = "With --tiled: tile side (default: --tiles auto).")
    Integer tile;

    @Option(names = "--tile-stride", paramLabel = "S", description = "With --tiled: stride (default: SIZE).")
    Integer tileStride;

    @Option(names = "--tile-counts", paramLabel = "N,N", split = ",",
            description = "With --tiled: one line per tile count (1 is always run first): images of n tiles of "
                    + "--tile px (default: 2x the model input), no overlap; reports seconds_per_image, "
                    + "seconds_per_tile and overhead_vs_tiles_x_one_tile. --source-size is not used.")
    List<Integer> tileCounts;

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
            int side = imageSize != null ? imageSize : DetectorConfig.DEFAULT_IMAGE_SIZE;
            return print(PixelMetricsBenchmark.run(maps, side, side, 42, PixelMetricsAccumulator.DEFAULT_CAPACITY)
                    .line());
        }
        if (threads != null) {
            ai.djl.engine.Engine.getEngine("PyTorch"); // loads libtorch: JniUtils needs the native library
            JniUtils.setNumThreads(threads);
        }
        int[] source = sourceSize();
        Detector.Builder builder = detector();
        if (serveClients != null) {
            try (Detector detector = builder.build()) {
                return print(ServeBench.run(detector, inference(source), new ServeBench.Options(serveClients,
                        maxBatch, Duration.ofSeconds(serveDeadline))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        if (endToEnd || throughput) {
            try (Detector detector = builder.build()) {
                return print(throughput ? InferenceBench.throughput(detector, inference(source))
                        : InferenceBench.endToEnd(detector, inference(source)));
            }
        }
        try (DetectorAssembly parts = builder.assemble()) {
            if (accuracy) {
                return printAccuracy(parts);
            }
            if (reference) {
                return printReference(parts);
            }
            if (tiled && tileCounts != null) {
                if (tileCounts.stream().anyMatch(n -> n < 1) || tileStride != null) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--tile-counts must be >= 1 and "
                            + "takes tiles without overlap (no --tile-stride)");
                }
                int side = tile != null ? tile : 2 * parts.config().imageSize();
                for (Map<String, Object> line : TiledBench.sweep(parts, inference(source), side, tileCounts,
                        tileBatch)) {
                    print(line);
                }
                return 0;
            }
            if (tiled) {
                Tiling tiling = tile == null ? Tiling.auto() : Tiling.of(tile, tileStride != null ? tileStride : tile);
                String text = tile == null ? "auto" : tile + "/" + (tileStride != null ? tileStride : tile);
                return print(TiledBench.run(parts, inference(source), tiling, text, tileBatch));
            }
            if (train) {
                Map<String, Object> line = TrainBench.run(parts, new TrainBench.Options(modelName(), images,
                        batchSize, epochs, !noCache, source[0], source[1]));
                line.put("precision", parts.clip().precision().label());
                return print(line);
            }
            return print(InferenceBench.encoder(parts, inference(source)));
        }
    }

    /** Fresh prompts (seed 0) on the weights given, else random weights of --model's shape. */
    private Detector.Builder detector() {
        Path weights = modelOptions.weights != null ? modelOptions.weights
                : WeightsSource.random(ModelRegistry.find(modelName()).name());
        Detector.Builder builder = Detector.builder().weights(weights).cache(modelOptions.cache).freshPrompts(0)
                .fitPromptDepth().maxMegapixels(Double.MAX_VALUE).precision(modelOptions.precision());
        return imageSize != null ? builder.imageSize(imageSize) : builder;
    }

    private String modelName() {
        if (modelOptions.weights != null) {
            return modelOptions.weights.toString();
        }
        String model = modelOptions.model != null ? modelOptions.model : ModelOptions.DEFAULT_MODEL;
        return ModelRegistry.find(model).name();
    }

    private InferenceBench.Options inference(int[] source) {
        return new InferenceBench.Options(modelName(), images, warmup, source[0], source[1]);
    }

    private void validate() {
        if (images < 1 || warmup < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--images must be >= 1 and --warmup >= 0");
        }
        if (Boolean.FALSE.equals(randomWeights) && modelOptions.weights == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--no-random-weights needs --weights PATH");
        }
        if (modelOptions.weights != null && modelOptions.model != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give either --weights or --model, not both");
        }
        if (threads != null && threads < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be >= 1");
        }
        if (serveClients != null && (serveClients < 1 || maxBatch < 1 || serveDeadline < 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--serve-clients, --max-batch and "
                    + "--serve-deadline must be >= 1");
        }
        if (tileCounts != null && !tiled) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--tile-counts needs --tiled");
        }
    }

    private int[] sourceSize() {
        String[] parts = sourceSize.toLowerCase(Locale.ROOT).split("x");
        try {
            return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        } catch (RuntimeException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--source-size must look like 1280x960");
        }
    }

    private int print(Map<String, Object> line) throws IOException {
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(line));
        spec.commandLine().getOut().flush();
        return 0;
    }

    private ReferenceBench.Options referenceOptions() {
        List<Integer> shots = referenceShots.stream().sorted().distinct().toList();
        if (shots.isEmpty() || shots.get(0) < 1 || testGood < 1 || testDefects < 1 || coreset < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--reference-shots must be >= 1, "
                    + "--test-good and --test-defects >= 1, --coreset >= 0");
        }
        return new ReferenceBench.Options(shots, coreset, testGood, testDefects, synthSize);
    }

    private int printReference(DetectorAssembly parts) throws IOException {
        ReferenceBench.Options options = referenceOptions();
        java.io.PrintWriter err = spec.commandLine().getErr();
        ReferenceBench.Result result = ReferenceBench.onSyntheticData(parts, options, message -> {
            err.println("bench: " + message);
            err.flush();
        });
        boolean random = modelOptions.weights == null || ModelOptions.isRandom(modelOptions.weights);
        return print(ReferenceBench.line(result, modelName(), random, parts.config(), options));
    }

    private int printAccuracy(DetectorAssembly parts) throws IOException {
        com.adclip.clip.Precision mode = modelOptions.precision();
        if (mode == com.adclip.clip.Precision.FP32 || mode == com.adclip.clip.Precision.EAGER) {
            mode = com.adclip.clip.Precision.BF16;
        }
        AccuracyBench.Result r = AccuracyBench.onSyntheticImages(parts, mode, images);
        return print(AccuracyBench.line(r, modelName(), mode, parts.config()));
    }
}
