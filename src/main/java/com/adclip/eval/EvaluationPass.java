package com.adclip.eval;

import com.adclip.Outcome;
import com.adclip.Detector;
import ai.djl.ndarray.NDManager;
import com.adclip.AdclipException;
import com.adclip.anomaly.Prediction;
import com.adclip.image.ImagePreprocessor;
import com.adclip.data.Dataset;
import com.adclip.data.Sample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;

/**
 * One pass of a detector over a dataset split, shared by {@code adclip test} and {@code adclip calibrate}: the
 * image score of every sample, and the S × S smoothed maps streamed with their S × S masks into pixel-metric
 * accumulators (per class and pooled); no map is kept. Images without pixel ground truth
 * ({@link Sample#pixelLabelled()} false) are left out of the pixel metrics; images that cannot be read are
 * listed as failures and left out of everything.
 */
public final class EvaluationPass {
    /** Histogram bins per class (the pooled accumulator has the default, 2^20). */
    public static final int CLASS_CAPACITY = 1 << 18;

    /** A sample and its score. */
    public record Scored(Sample sample, String name, double score) {}

    /** What to do with each successful prediction besides scoring it (e.g. save its maps). */
    public interface Sink {
        /**
         * @param name the sample's path under the dataset root, with '/'
         * @param stem {@code name} without its extension, for output files
         */
        void accept(Sample sample, String name, String stem, Outcome outcome);
    }

    private final Map<String, List<Scored>> scored = new LinkedHashMap<>();
    private final Map<String, PixelMetricsAccumulator> classPixels = new LinkedHashMap<>();
    private final PixelMetricsAccumulator pooledPixels = new PixelMetricsAccumulator();
    private final List<String> failures = new ArrayList<>();
    /** With a reference bank and prompt-only outcomes: the prompt-only scores, in pass order. */
    private final List<Scored> promptScored = new ArrayList<>();
    /** With a reference bank and prompt-only outcomes: the prompt-only maps pooled pixel metrics. */
    private PixelMetricsAccumulator promptPixels;
    private int withoutPixelTruth;
    private int pixelMaps;
    /** The defect-type evaluation (issue 15); stays empty when predictions carry no types. */
    private final TypeEvaluation types = new TypeEvaluation();
    private final TypeAnswer.Source typeSource;

    private final Detector detector;
    private final ImagePreprocessor preprocessor;
    private final boolean perClass;

    private EvaluationPass(Detector detector, boolean perClass, TypeAnswer.Source typeSource) {
        this.detector = detector;
        this.preprocessor = detector.preprocessor();
        this.perClass = perClass;
        this.typeSource = typeSource;
    }

    /**
     * Runs the detector over {@code split} of {@code dataset}.
     *
     * @param perClass whether to keep per-class pixel accumulators too
     * @param sink called for each successful prediction, or null
     */
    public static EvaluationPass run(Detector detector, Dataset dataset,
            String split, int batchSize, boolean perClass, Sink sink) {
        return run(detector, dataset, split, batchSize, perClass, false, sink);
    }

    /**
     * As above; with {@code promptOnly} and a reference bank in use, the prompt-only scores and pooled pixel
     * metrics are kept too ({@link #promptScored}, {@link #promptPixels}).
     */
    public static EvaluationPass run(Detector detector, Dataset dataset, String split, int batchSize, boolean perClass,
            boolean promptOnly, Sink sink) {
        return run(detector, dataset, split, batchSize, perClass, promptOnly, sink, PredictedTypes.SOURCE);
    }

    /** As above, reading each prediction's defect types from {@code typeSource} for {@link #types()}. */
    public static EvaluationPass run(Detector detector, Dataset dataset, String split, int batchSize, boolean perClass,
            boolean promptOnly, Sink sink, TypeAnswer.Source typeSource) {
        EvaluationPass pass = new EvaluationPass(detector, perClass, typeSource);
        List<Sample> samples = dataset.samples(split);
        boolean bar = samples.size() > 1 && System.console() != null;
        try (ProgressBar progress = bar ? new ProgressBar(split, samples.size()) : null) {
            for (int start = 0; start < samples.size(); start += batchSize) {
                List<Sample> batch = samples.subList(start, Math.min(samples.size(), start + batchSize));
                List<Path> paths = batch.stream().map(Sample::image).toList();
                List<Outcome> outcomes = detector.inspectAll(paths, promptOnly);
                for (int i = 0; i < batch.size(); i++) {
                    pass.add(dataset.root(), batch.get(i), outcomes.get(i), sink);
                }
                if (progress != null) {
                    progress.stepBy(batch.size());
                }
            }
        }
        return pass;
    }

    /** The name of a sample in outputs: its path under the dataset root, with '/'. */
    public static String name(Path root, Sample sample) {
        Path image = sample.image();
        Path rel = image.startsWith(root) ? root.relativize(image) : image.getFileName();
        return rel.toString().replace('\\', '/');
    }

    private void add(Path root, Sample sample, Outcome outcome, Sink sink) {
        String name = name(root, sample);
        if (outcome.failed()) {
            failures.add(name + ": " + outcome.error());
            return;
        }
        Prediction p = outcome.prediction();
        if (sample.pixelLabelled()) {
            boolean[] mask;
            try {
                mask = mask(sample, p.gridSize());
            } catch (AdclipException e) {
                failures.add(name + ": ground-truth mask: " + e.getMessage());
                return;
            }
            pooledPixels.add(p.grid(), mask, p.gridSize(), p.gridSize());
            pixelMaps++;
            Prediction prompt = outcome.promptOnly();
            if (prompt != null) {
                if (promptPixels == null) {
                    promptPixels = new PixelMetricsAccumulator();
                }
                promptPixels.add(prompt.grid(), mask, prompt.gridSize(), prompt.gridSize());
            }
            if (perClass) {
                classPixels.computeIfAbsent(sample.className(), c -> new PixelMetricsAccumulator(CLASS_CAPACITY))
                        .add(p.grid(), mask, p.gridSize(), p.gridSize());
            }
        } else {
            withoutPixelTruth++;
        }
        scored.computeIfAbsent(sample.className(), c -> new ArrayList<>()).add(new Scored(sample, name, p.score()));
        types.add(sample, p, typeSource.apply(p));
        if (outcome.promptOnly() != null) {
            promptScored.add(new Scored(sample, name, outcome.promptOnly().score()));
        }
        if (sink != null) {
            String stem = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
            sink.accept(sample, name, stem, outcome);
        }
    }

    /** The S × S ground truth: all background for good images, else the mask resized as the reference does. */
    private boolean[] mask(Sample sample, int size) {
        if (sample.mask().isEmpty()) {
            return new boolean[size * size];
        }
        try (NDManager scope = NDManager.newBaseManager()) {
            return ImagePreprocessor.maskBooleans(sample.maskTarget(scope, preprocessor).toFloatArray());
        }
    }

    /** All scored samples, in class order. */
    /** The scored samples per class, in class order. */
    public Map<String, List<Scored>> scored() {
        return scored;
    }

    /** Per-class pixel accumulators (empty unless asked for). */
    public Map<String, PixelMetricsAccumulator> classPixels() {
        return classPixels;
    }

    /** Pixel accumulator over every class. */
    public PixelMetricsAccumulator pooledPixels() {
        return pooledPixels;
    }

    /** Images that could not be used, each as "name: why". */
    public List<String> failures() {
        return failures;
    }

    /** Scored images without pixel ground truth (left out of the pixel metrics). */
    public int withoutPixelTruth() {
        return withoutPixelTruth;
    }

    /** Maps that went into the pixel metrics. */
    /** With a reference bank and prompt-only outcomes: the prompt-only scores, in pass order (else empty). */
    public List<Scored> promptScored() {
        return promptScored;
    }

    /** With a reference bank and prompt-only outcomes: the prompt-only pooled pixel metrics (else null). */
    public PixelMetricsAccumulator promptPixels() {
        return promptPixels;
    }

    /** The defect-type evaluation: empty unless the predictions had types and the ground truth has types. */
    public java.util.Optional<TypeEvaluation.Result> types() {
        return types.result();
    }

    public int pixelMaps() {
        return pixelMaps;
    }

    public List<Scored> all() {
        List<Scored> out = new ArrayList<>();
        scored.values().forEach(out::addAll);
        return out;
    }
}
