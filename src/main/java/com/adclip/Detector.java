package com.adclip;

import com.adclip.files.AtomicFiles;
import ai.djl.ndarray.NDArray;
import com.adclip.anomaly.AnomalyDetector;
import com.adclip.anomaly.AnomalyPredictor;
import com.adclip.anomaly.BundleManifest;
import com.adclip.anomaly.ConfigOverrides;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.anomaly.GaussianSmoothing;
import com.adclip.anomaly.MapFusion;
import com.adclip.anomaly.MapPostProcessor;
import com.adclip.clip.ClipModel;
import com.adclip.clip.Precision;
import com.adclip.image.DecodeBudget;
import com.adclip.image.ImagePreprocessor;
import com.adclip.image.PreprocessConfig;
import com.adclip.reference.BankBuilder;
import com.adclip.reference.BankOptions;
import com.adclip.reference.ReferenceBank;
import com.adclip.reference.ReferenceImages;
import com.adclip.tile.TileModel;
import com.adclip.tile.TiledPredictor;
import com.adclip.tile.Tiling;
import com.adclip.types.DefectTypes;
import ai.djl.ndarray.NDManager;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import com.adclip.weights.WeightsSource;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import javax.imageio.ImageIO;

/**
 * AD-CLIP's entry point for Java code: a trained detector, ready to inspect images.
 *
 * <pre>{@code
 * try (Detector detector = Detector.builder().bundle(Path.of("model.adclip")).build()) {
 *     Inspection result = detector.inspect(Path.of("part.png"));
 *     if (result.verdict() == Verdict.NG) { ... }
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> A detector is safe to share between threads. Inspections are serialised: one runs at a
 * time (libtorch already spreads one inspection over the cores), the others wait for it. The threshold may be
 * changed from any thread at any time; an inspection uses the value current when its model run starts, and its
 * verdict always follows from that value ({@link Verdict#of}). {@link #close} must not race inspections.
 *
 * <p>Errors: what the caller gave wrong (missing files, weights that do not fit the bundle, an image that cannot
 * be decoded) is an {@link AdclipException} with a one-line message.
 */
public final class Detector implements AutoCloseable {
    /** The largest image accepted by default, in megapixels (as {@code adclip predict --max-megapixels}). */
    public static final double DEFAULT_MAX_MEGAPIXELS = 40;
    /** Tiles run at once by default (as {@code --tile-batch}). */
    public static final int DEFAULT_TILE_BATCH = 4;

    private final DetectorAssembly parts;
    private final ImagePreprocessor preprocessor;
    private final AnomalyPredictor predictor;
    private final AnomalyPredictor withPromptOnly;
    private final double mapThreshold;
    private final long maxPixels;
    private final String name;
    private final Tiling tiling;
    private final int tileBatch;
    private final ReentrantLock lock = new ReentrantLock();
    private final boolean referenceOff;
    private volatile ReferenceBank bank;
    private volatile double threshold;
    private final DefectTypes types;

    private Detector(DetectorAssembly parts, ReferenceBank bank, boolean referenceOff, double threshold,
            double mapThreshold, double maxMegapixels, double maxDecodedMb, String name, Tiling tiling,
            int tileBatch, DefectTypes types) {
        this.parts = parts;
        this.types = types;
        this.tiling = tiling;
        this.tileBatch = tileBatch;
        this.bank = bank;
        this.referenceOff = referenceOff;
        this.threshold = requireFinite(threshold);
        this.mapThreshold = requireFinite(mapThreshold);
        this.maxPixels = (long) (maxMegapixels * 1e6);
        this.name = name;
        DetectorConfig config = parts.detector().config();
        this.preprocessor = new ImagePreprocessor(PreprocessConfig.reference(config.imageSize()));
        long maxDecoded = (long) (maxDecodedMb * 1e6);
        GaussianSmoothing smoothing = MapPostProcessor.smoothing(config.sigma());
        MapPostProcessor post = new MapPostProcessor(smoothing, mapThreshold);
        AnomalyPredictor plain = new AnomalyPredictor(parts.detector(), preprocessor, post, maxPixels, maxDecoded,
                parts.manager(), this::threshold).withTypes(types);
        BundleManifest.Thresholds prompt = parts.thresholds();
        // the bank is read at each batch, so that it can be replaced by a bigger one (under the lock)
        MapFusion current = (detection, features, size) -> this.bank.fuse(detection, features, size);
        if (tiling != null && bank == null) {
            this.predictor = plain.withPerImage(tiled(post, null, null));
            this.withPromptOnly = this.predictor;
        } else if (tiling != null) {
            this.predictor = plain.withPerImage(tiled(post, current, null));
            this.withPromptOnly = plain.withPerImage(tiled(post, current, prompt));
        } else if (bank == null) {
            this.predictor = plain;
            this.withPromptOnly = plain;
        } else {
            AnomalyPredictor promptBase = new AnomalyPredictor(parts.detector(), preprocessor,
                    new MapPostProcessor(smoothing, prompt.pixel()), maxPixels, maxDecoded, parts.manager(),
                    this::threshold).withTypes(types);
            this.predictor = plain.fused(current, post);
            this.withPromptOnly = promptBase.fusedWithPromptOnly(current, post, prompt.image());
        }
    }

    /**
     * The tiled path: each tile like a whole image, {@code fusion} (the bank) fused into each tile when not null;
     * with {@code prompt}, each answer also carries the prompt-only one at those thresholds.
     */
    private AnomalyPredictor.PerImage tiled(MapPostProcessor post, MapFusion fusion,
            BundleManifest.Thresholds prompt) {
        TileModel model = fusion == null ? TileModel.of(parts.detector(), types)
                : TileModel.fused(parts.detector(), fusion, prompt != null, types);
        TiledPredictor base = new TiledPredictor(model, tiling, post.smoothing(), mapThreshold, tileBatch,
                parts.manager()).withTypes(types == null ? null : types.fusion());
        TiledPredictor tiles = prompt == null ? base : base.withPromptOnly(prompt.pixel());
        double promptImage = prompt == null ? Double.NaN : prompt.image();
        return (source, threshold) -> {
            TiledPredictor.Result result = tiles.predict(source, threshold, promptImage);
            return new AnomalyPredictor.Answer(result.prediction(), result.promptOnly());
        };
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Inspects one image file (PNG, JPEG, BMP, TIFF, ...).
     *
     * @throws AdclipException if the file cannot be read or decoded, or is larger than the pixel limit
     */
    public Inspection inspect(Path image) {
        Outcome outcome = inspectAll(List.of(image)).get(0);
        if (outcome.failed()) {
            throw new AdclipException(outcome.error());
        }
        return outcome.inspection();
    }

    /** Inspects encoded image bytes (any format {@link #inspect(Path)} reads). */
    public Inspection inspect(byte[] encoded) {
        Objects.requireNonNull(encoded, "encoded");
        return viaFile(file -> Files.write(file, encoded));
    }

    /**
     * Inspects an image in memory. It is passed to the model exactly as a lossless PNG of its RGB pixels would
     * be (the alpha channel, if any, is dropped as the file path drops it).
     */
    public Inspection inspect(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        return viaFile(file -> {
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new AdclipException("cannot encode a BufferedImage of type " + image.getType());
            }
        });
    }

    /**
     * Inspects several image files as one batch (faster per image). An image that cannot be used becomes a
     * failed outcome; the others go on. Outcomes are in input order.
     */
    public List<Outcome> inspectAll(List<Path> images) {
        return inspectAll(images, false);
    }

    /**
     * Decodes and preprocesses a batch of image files for {@link #inspectPrepared}, without taking the
     * detector: a caller decodes the next batch on another thread while this one runs.
     */
    public AnomalyPredictor.Prepared prepareAll(List<Path> images) {
        return predictor.prepare(images);
    }

    /** {@link #inspectAll(List)} on a batch that {@link #prepareAll} decoded; outcomes in input order. */
    public List<Outcome> inspectPrepared(AnomalyPredictor.Prepared batch) {
        lock.lock();
        try {
            return predictor.infer(batch);
        } finally {
            lock.unlock();
        }
    }

    /**
     * As {@link #inspectAll(List)}; with {@code promptOnly} and a reference bank in use, each outcome also carries
     * the prompt-only prediction (at the bundle's prompt-only thresholds), for side-by-side metrics.
     */
    public List<Outcome> inspectAll(List<Path> images, boolean promptOnly) {
        lock.lock();
        try {
            return (promptOnly ? withPromptOnly : predictor).predict(images);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The bank of good reference images fused into the inspections (see docs/reference-images.md), or null when
     * the bundle has none or it was turned off.
     */
    public ReferenceBank referenceBank() {
        return bank;
    }

    /** Whether the bundle has a reference bank that this detector ignores ({@link Builder#noReference}). */
    public boolean referenceTurnedOff() {
        return referenceOff;
    }

    /**
     * What adding good images to the bank would give: a new bank holding the current one's rows (if any) and the
     * images' patch features — with a {@link #tiling()}, the patches of the tiles it cuts each image into, as the
     * tiled inspections compare them. The detector itself is unchanged (see {@link #useReferenceBank}).
     *
     * @param known sha256 of images not to add again (besides those in the current bank)
     * @param naming the name recorded for each image
     * @param skipped receives the images that were not added, and why
     * @return the new bank (in this detector's memory, to be closed or used), or null when no image was added
     */
    public ReferenceBank extendReferences(List<Path> images, Function<Path, String> naming, BankOptions options,
            Set<String> known, Consumer<String> progress, List<ReferenceImages.Skipped> skipped) {
        lock.lock();
        try {
            ReferenceBank current = bank;
            Set<String> hashes = new HashSet<>(known);
            if (current != null) {
                current.section().images().forEach(image -> hashes.add(image.sha256()));
            }
            try (NDManager scope = parts.manager().newSubManager();
                    BankBuilder builder = new BankBuilder(config(), options, tiling, scope)) {
                Consumer<Integer> encoded = done -> progress.accept(done + "/" + images.size() + " images encoded");
                skipped.addAll(tiling == null
                        ? ReferenceImages.encode(builder, parts.detector(), preprocessor, images, naming, hashes, 1,
                                maxPixels, scope, encoded)
                        : ReferenceImages.encodeTiles(builder, parts.detector(), preprocessor, images, naming, hashes,
                                tiling, tileBatch, maxPixels, scope, encoded));
                if (builder.pending() == 0) {
                    return null;
                }
                return builder.build(current, parts.manager(), progress);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes every inspection from now on use {@code next} instead of the current bank, which is closed. Only a
     * detector that already fuses a bank can change it (the threshold stays: it is one of fused scores).
     */
    public void useReferenceBank(ReferenceBank next) {
        Objects.requireNonNull(next, "next");
        lock.lock();
        try {
            if (bank == null) {
                throw new IllegalStateException("this detector fuses no reference bank; build it from a bundle with "
                        + "one");
            }
            next.checkAgainst(config());
            ReferenceBank old = bank;
            bank = next;
            if (old != next) {
                old.close();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The bundle's defect type names, in vocabulary order (see docs/defect-types.md), or an empty list when the
     * bundle has none (then no inspection has types). Every region of an inspection then has
     * {@link com.adclip.anomaly.DefectRegions.Region#types()} and the image {@link Inspection#types()}, tiled
     * inspections too (each tile's patch types, see docs/tiling.md).
     */
    public List<String> defectTypes() {
        return types == null ? List.of() : types.names();
    }

    /** The image threshold: NG when the score is at or above it. */
    public double threshold() {
        return threshold;
    }

    /** Changes the image threshold for every inspection that starts from now on. */
    public void setThreshold(double threshold) {
        this.threshold = requireFinite(threshold);
    }

    /** The map threshold: map values above it are defective pixels (regions and masks). */
    public double mapThreshold() {
        return mapThreshold;
    }

    /**
     * The tiling in use (see {@link Builder#tiling}), or null when images are inspected whole. Tiled images are
     * decoded at full resolution.
     */
    public Tiling tiling() {
        return tiling;
    }

    /** Most tiles run through the network at once. */
    public int tileBatch() {
        return tileBatch;
    }

    /** Where the time of the last whole-image batch went, or null before the first (benchmarks). */
    public AnomalyPredictor.StageTimes lastStageTimes() {
        return predictor.lastStageTimes();
    }

    /** The image tower's precision. */
    public Precision precision() {
        return parts.clip().precision();
    }

    /**
     * The parts an export needs: the CLIP model and the detector with its text features. They belong to this
     * detector (closed with it) and must not be used while it inspects.
     */
    public ExportParts exportParts() {
        return new ExportParts(parts.clip(), parts.detector());
    }

    /** See {@link #exportParts()}. */
    public record ExportParts(ClipModel clip, AnomalyDetector detector) {}

    /** The hyper-parameters in use (image size, feature blocks, DPAM, sigma, prompts). */
    public DetectorConfig config() {
        return parts.detector().config();
    }

    /**
     * The thresholds the bundle stores for this detector's scores (defaults for a reference checkpoint), whatever
     * this detector uses: with a reference bank in use, the bank's (fused scores and maps), else the prompt-only
     * ones.
     */
    public BundleManifest.Thresholds storedThresholds() {
        ReferenceBank current = bank;
        return current != null ? current.thresholds() : parts.thresholds();
    }

    /** The bundle's prompt-only thresholds (defaults for a reference checkpoint). */
    public BundleManifest.Thresholds promptThresholds() {
        return parts.thresholds();
    }

    /** The CLIP weights in use: a file, or {@code random:NAME}. */
    public Path weightsFile() {
        return parts.weightsPath();
    }

    /** The format of the weights file (random weights are {@code RANDOM}). */
    public com.adclip.weights.WeightsFormat weightsFormat() {
        return parts.weights().format();
    }

    /** The sha256 of the weights file (of the {@code random:NAME} text for random weights). */
    public String weightsSha256() {
        return parts.weightsSha256();
    }

    /** Whether the weights are random (numbers without meaning: smoke tests only). */
    public boolean randomWeights() {
        return WeightsSource.isRandom(parts.weightsPath());
    }

    /** A short name for reports: the bundle's or checkpoint's file name. */
    public String name() {
        return name;
    }

    /** The preprocessing of this detector's input size (also used to bring ground-truth masks to it). */
    public ImagePreprocessor preprocessor() {
        return preprocessor;
    }

    /** The learned prompt tensors, e.g. to write them as a bundle. Owned by the detector. */
    public Map<String, NDArray> prompts() {
        return parts.learner().parameters();
    }

    @Override
    public void close() {
        parts.manager().close();
    }

    private interface FileWriter {
        void write(Path file) throws IOException;
    }

    private Inspection viaFile(FileWriter writer) {
        Path file = null;
        try {
            file = Files.createTempFile("adclip-inspect", ".img");
            writer.write(file);
            return inspect(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage the image for inspection: " + e.getMessage(), e);
        } finally {
            AtomicFiles.deleteQuietly(file);
        }
    }

    private static double requireFinite(double threshold) {
        if (!Double.isFinite(threshold)) {
            throw new IllegalArgumentException("thresholds must be finite, not " + threshold);
        }
        return threshold;
    }

    /**
     * Options of a detector, with the CLI's defaults: whatever is not set comes from the bundle (or, for a
     * reference checkpoint, from the model card).
     */
    public static final class Builder {
        private Path bundle;
        private Path checkpoint;
        private Path weights;
        private String model;
        private Path cache;
        private boolean force;
        private Integer imageSize;
        private List<Integer> features;
        private Integer dpam;
        private Double sigma;
        private Float temperature;
        private Integer nCtx;
        private Integer tNCtx;
        private Integer depth;
        private Double threshold;
        private Double mapThreshold;
        private double maxMegapixels = DEFAULT_MAX_MEGAPIXELS;
        private boolean tilingGiven;
        private Tiling tiling;
        private Tiling.Merge tileMerge;
        private Boolean tileGlobal;
        private int tileBatch = DEFAULT_TILE_BATCH;
        private boolean noReference;
        private double maxDecodedMb = DecodeBudget.DEFAULT_MAX_MB;
        private Precision precision = Precision.auto();
        private Long freshSeed;
        private String classWord;
        private boolean fitDepth;

        private Builder() {}

        /**
         * Ignore the bundle's bank of good reference images: prompt maps and scores only, with the prompt-only
         * thresholds (as {@code --no-reference}). By default a bundle's bank is fused in.
         */
        public Builder noReference(boolean noReference) {
            this.noReference = noReference;
            return this;
        }

        /**
         * Prompts initialised from {@code seed} instead of a bundle or checkpoint: the start of a training run, or
         * a benchmark. Such a detector's answers mean nothing until the prompts are trained.
         */
        public Builder freshPrompts(long seed) {
            this.freshSeed = seed;
            return this;
        }

        /** With {@link #freshPrompts}: the object word of the prompts (as {@code train --class-word}; default object). */
        public Builder classWord(String classWord) {
            this.classWord = classWord;
            return this;
        }

        /**
         * With {@link #freshPrompts} and no {@link #depth}: cut the prompt depth to the CLIP's text blocks (small
         * test CLIPs have fewer than the default 9), as {@code adclip bench} does.
         */
        public Builder fitPromptDepth() {
            this.fitDepth = true;
            return this;
        }

        /** A trained {@code .adclip} bundle (as {@code --bundle}). */
        public Builder bundle(Path bundle) {
            this.bundle = bundle;
            return this;
        }

        /** A reference AnomalyCLIP checkpoint ({@code epoch_N.pth}) instead of a bundle (as {@code --checkpoint}). */
        public Builder checkpoint(Path checkpoint) {
            this.checkpoint = checkpoint;
            return this;
        }

        /**
         * CLIP weights: an OpenAI .pt archive, a safetensors file or a Hugging Face CLIPModel folder (as
         * {@code --weights}). {@code random:NAME} gives random weights of a registry model's shape, see
         * {@link #randomWeights}. Optional: by default the bundle's registry model from the model cache.
         */
        public Builder weights(Path weights) {
            this.weights = weights;
            return this;
        }

        /** Random weights of a registry model's shape, as {@code --weights random:NAME}: smoke tests only. */
        public Builder randomWeights(String model) {
            return weights(WeightsSource.random(model));
        }

        /** A registry model from the cache (as {@code --model}); default: the bundle's model. */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** The model cache folder (as {@code --cache}; default $ADCLIP_CACHE, $XDG_CACHE_HOME/adclip, ~/.cache/adclip). */
        public Builder cache(Path cache) {
            this.cache = cache;
            return this;
        }

        /** Use a bundle with CLIP weights other than those its manifest names (as {@code --force}). */
        public Builder force(boolean force) {
            this.force = force;
            return this;
        }

        /** Input side in pixels (as {@code --image-size}; default the bundle's). */
        public Builder imageSize(int imageSize) {
            this.imageSize = imageSize;
            return this;
        }

        /** The vision blocks whose patch tokens make the maps (as {@code --features}; default the bundle's). */
        public Builder features(List<Integer> features) {
            this.features = List.copyOf(features);
            return this;
        }

        /** The number of last vision blocks with DPAM (as {@code --dpam}; default the bundle's). */
        public Builder dpam(int dpam) {
            this.dpam = dpam;
            return this;
        }

        /** Gaussian smoothing of the map, 0 for none (as {@code --sigma}; default the bundle's). */
        public Builder sigma(double sigma) {
            this.sigma = sigma;
            return this;
        }

        /** The similarity temperature (as {@code --temperature}; default the bundle's). */
        public Builder temperature(float temperature) {
            this.temperature = temperature;
            return this;
        }

        /** Context vectors; must match the prompts (as {@code --n-ctx}). */
        public Builder nCtx(int nCtx) {
            this.nCtx = nCtx;
            return this;
        }

        /** Text context vectors; must match the prompts (as {@code --t-n-ctx}). */
        public Builder tNCtx(int tNCtx) {
            this.tNCtx = tNCtx;
            return this;
        }

        /** Prompt depth; must match the prompts (as {@code --depth}). */
        public Builder depth(int depth) {
            this.depth = depth;
            return this;
        }

        /** The image threshold at start (as {@code --threshold}; default the bundle's). */
        public Builder threshold(double threshold) {
            this.threshold = threshold;
            return this;
        }

        /** The map threshold (as {@code --map-threshold}; default the bundle's). */
        public Builder mapThreshold(double mapThreshold) {
            this.mapThreshold = mapThreshold;
            return this;
        }

        /** Larger images are refused before decoding (as {@code --max-megapixels}; default 40). */
        public Builder maxMegapixels(double maxMegapixels) {
            if (!(maxMegapixels > 0)) {
                throw new IllegalArgumentException("maxMegapixels must be positive");
            }
            this.maxMegapixels = maxMegapixels;
            return this;
        }

        /**
         * Cut images into tiles, each inspected like a whole image, and stitch the maps (as {@code --tile},
         * {@code --tiles auto}; see docs/tiling.md). {@code null} inspects whole images even when the bundle
         * stores a tiling (as {@code --tiles none}). Default: the tiling the bundle stores, else whole images.
         */
        public Builder tiling(Tiling tiling) {
            this.tilingGiven = true;
            this.tiling = tiling;
            return this;
        }

        /** How overlapping tile maps merge, over the tiling in use (as {@code --tile-merge}). */
        public Builder tileMerge(Tiling.Merge merge) {
            this.tileMerge = Objects.requireNonNull(merge, "merge");
            return this;
        }

        /** Whether a whole-image pass is fused into the score, over the tiling in use (as {@code --tile-global}). */
        public Builder tileGlobal(boolean global) {
            this.tileGlobal = global;
            return this;
        }

        /** Most tiles run at once; memory grows with it (as {@code --tile-batch}; default 4). */
        public Builder tileBatch(int tileBatch) {
            if (tileBatch < 1) {
                throw AdclipException.usage("--tile-batch must be at least 1, got " + tileBatch, null);
            }
            this.tileBatch = tileBatch;
            return this;
        }

        /** The tiling a detector gets from these options over the bundle's {@code stored} one (may be null). */
        public Tiling tilingOver(Tiling stored) {
            Tiling t = tilingGiven ? tiling : stored;
            if (t == null) {
                if (tileMerge != null || tileGlobal != null) {
                    throw AdclipException.usage("--tile-merge and --tile-global need --tile SIZE or --tiles auto "
                            + "(or a bundle with a tiling)", null);
                }
                return null;
            }
            if (tileMerge != null) {
                t = t.withMerge(tileMerge);
            }
            if (tileGlobal != null) {
                t = t.withGlobal(tileGlobal);
            }
            return t;
        }

        /**
         * The parts of the detector without the inspection side: for training (the prompts are trainable) and
         * benchmarks. The caller owns them and closes them.
         *
         * @throws AdclipException (usage, exit code 2) for missing files and parts that do not fit together
         */
        public DetectorAssembly assemble() {
            return DetectorAssembly.create(new DetectorAssembly.Origin(bundle, checkpoint, freshSeed, classWord,
                    fitDepth), new WeightsSource(weights, model, cache), overrides(), force, precision);
        }

        /**
         * Images whose raw decode (width × height × channels × bytes per sample, from the header) is more than this
         * many MB (10^6 bytes) are refused before decoding (as {@code --max-decoded-mb}; default 160): decoders
         * produce every raw row even for a subsampled result, so this bounds an image's decoding time and memory.
         */
        /**
         * How the image tower runs (as {@code --precision}): {@code FP32} or {@code BF16} as one compiled graph,
         * {@code EAGER} one op at a time; default {@link Precision#auto()} (bf16 on CPUs with native bf16).
         */
        public Builder precision(Precision value) {
            this.precision = java.util.Objects.requireNonNull(value, "precision");
            return this;
        }

        public Builder maxDecodedMb(double maxDecodedMb) {
            if (!(maxDecodedMb > 0)) {
                throw new IllegalArgumentException("maxDecodedMb must be positive");
            }
            this.maxDecodedMb = maxDecodedMb;
            return this;
        }

        /** The hyper-parameter overrides set so far (also what {@code train} applies to its starting point). */
        public ConfigOverrides overrides() {
            return new ConfigOverrides(imageSize, features, dpam, sigma, temperature, nCtx, tNCtx, depth);
        }

        /**
         * Loads the weights and prompts and assembles the detector.
         *
         * @throws AdclipException (usage, exit code 2) for missing files and parts that do not fit together
         */
        private static ReferenceBank loadBank(DetectorAssembly parts) {
            ReferenceBank bank = DetectorAssembly.usage(() -> ReferenceBank.fromBundle(parts.bundle(),
                    parts.manager()));
            DetectorAssembly.usage(() -> {
                bank.checkAgainst(parts.detector().config());
                return null;
            });
            return bank;
        }

        private static DefectTypes loadTypes(DetectorAssembly parts) {
            if (parts.bundle() == null || !parts.bundle().hasTypes()) {
                return null;
            }
            com.adclip.types.TypesSection section = parts.bundle().manifest().types();
            if (!section.features().equals(parts.detector().config().featureBlocks())) {
                throw AdclipException.usage("the bundle's defect types were made on feature blocks "
                        + section.features() + ", not " + parts.detector().config().featureBlocks()
                        + ": leave --features at the bundle's", null);
            }
            return DetectorAssembly.usage(() -> DefectTypes.load(section, parts.bundle().types(), parts.clip(),
                    parts.manager()));
        }

        public Detector build() {
            DetectorAssembly parts = assemble();
            try {
                boolean hasBank = parts.bundle() != null && parts.bundle().hasReference();
                ReferenceBank bank = hasBank && !noReference ? loadBank(parts) : null;
                BundleManifest.Thresholds stored = bank != null ? bank.thresholds() : parts.thresholds();
                double image = threshold != null ? threshold : stored.image();
                double map = mapThreshold != null ? mapThreshold : stored.pixel();
                Path source = bundle != null ? bundle : checkpoint;
                String name = source != null ? source.getFileName().toString() : "fresh prompts (seed " + freshSeed + ")";
                Tiling tiling = tilingOver(parts.storedTiling());
                if (bank != null && !BundleManifest.Tiling.sameLayout(bank.section().tiling(),
                        tiling == null ? null : tiling.toManifest())) {
                    throw AdclipException.usage(source.getFileName() + "'s reference bank holds patches of "
                            + bank.section().describeTiling() + "; this run inspects "
                            + BundleManifest.Tiling.describeLayout(tiling == null ? null : tiling.toManifest())
                            + ": inspect with the bank's tiling (" + Tiling.optionsFor(bank.section().tiling())
                            + "), or add --no-reference", null);
                }
                DefectTypes types = loadTypes(parts); // before the text tower is released: the text path needs it
                Detector detector = new Detector(parts, bank, hasBank && noReference, image, map, maxMegapixels,
                        maxDecodedMb, name, tiling, tileBatch, types);
                parts.clip().releaseTextTower(); // the text features are computed: inference never needs it again
                return detector;
            } catch (RuntimeException e) {
                parts.manager().close();
                throw e;
            }
        }
    }
}
