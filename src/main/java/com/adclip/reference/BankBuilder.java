package com.adclip.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import com.adclip.AdclipException;
import com.adclip.anomaly.AnomalyHead;
import com.adclip.anomaly.BundleManifest;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.clip.VisionFeatures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Collects the patch features of good reference images and builds a {@link ReferenceBank}: a new one, or an
 * existing one with more images.
 *
 * <p>Per block, the rows are the unit patch features rounded to float16 (what the bundle stores); the coreset
 * then keeps at most {@link BankOptions#coresetSize()} of them. The score normaliser comes from leave-one-out
 * distances, see {@link #build}.
 */
public final class BankBuilder implements AutoCloseable {
    private final DetectorConfig config;
    private final BankOptions options;
    private final NDManager manager;
    private final List<Pending> pending = new ArrayList<>();
    private final Set<String> hashes = new HashSet<>();
    private int grid = -1;

    /** One new image: per block [G², E] float16 unit rows. */
    private record Pending(String name, String sha256, List<NDArray> rows) {}

    public BankBuilder(DetectorConfig config, BankOptions options, NDManager parent) {
        this.config = config;
        this.options = options;
        this.manager = parent.newSubManager();
    }

    /** Whether an image with this sha256 is already waiting to be added. */
    public boolean has(String sha256) {
        return hashes.contains(sha256);
    }

    /** Images waiting to be added. */
    public int pending() {
        return pending.size();
    }

    /**
     * Adds image {@code index} of a batch's features (computed with this builder's detector config).
     *
     * @throws AdclipException when an image with the same sha256 was already added
     */
    public void add(String name, String sha256, VisionFeatures features, int index) {
        if (!hashes.add(sha256)) {
            throw new AdclipException(name + " is already among the reference images (same sha256)");
        }
        if (features.patches().size() != config.featureBlocks().size()) {
            throw new IllegalArgumentException("features of " + features.patches().size() + " blocks, expected "
                    + config.featureBlocks().size());
        }
        if (grid >= 0 && grid != features.grid()) {
            throw new IllegalArgumentException("patch grid " + features.grid() + " differs from " + grid);
        }
        grid = features.grid();
        List<NDArray> rows = new ArrayList<>();
        for (VisionFeatures.PatchFeatures patch : features.patches()) {
            NDArray tokens = patch.tokens().get(new NDIndex("{}, 1:, :", index)); // [G², E]
            NDArray half = AnomalyHead.normalize(tokens).toType(DataType.FLOAT16, false); // [G², E]
            half.attach(manager);
            rows.add(half);
            tokens.close();
        }
        pending.add(new Pending(name, sha256, rows));
    }

    /**
     * Builds the bank from the added images, on top of {@code existing} (null for a new bank).
     *
     * <p>Statistics: for up to {@link BankOptions#statisticsImages()} of the new images (evenly spaced), each of its
     * patches (as stored, rounded to float16)
     * has its bank distance with the image's own rows left out, {@code A⁻ⁱ(p) = Σ_l min_{m ∈ M_l, source(m) ≠ i}
     * (1 − cos(f_l(p), m))}, over the coreset-reduced bank; when no other image is in the bank, against the same
     * image's patches outside the patch's 3×3 neighbourhood. Each such image records the 99th percentile of its
     * {@code A⁻ⁱ}; the normaliser q is the mean of every reference's percentile (earlier ones kept as recorded).
     *
     * @param progress told what is being done
     */
    public ReferenceBank build(ReferenceBank existing, NDManager parent, java.util.function.Consumer<String> progress) {
        if (pending.isEmpty()) {
            throw new AdclipException("no reference images to add");
        }
        if (existing != null) {
            existing.checkAgainst(config);
            for (BundleManifest.ReferenceImage image : existing.section().images()) {
                if (hashes.contains(image.sha256())) {
                    throw new AdclipException("an image with sha256 " + image.sha256() + " (" + image.name()
                            + ") is already in the bank");
                }
            }
        }
        int offset = existing == null ? 0 : existing.size();
        try (NDManager scope = manager.newSubManager()) {
            List<NDArray> keptRows = new ArrayList<>();
            List<NDArray> keptSources = new ArrayList<>();
            List<BundleManifest.BankLayer> layers = new ArrayList<>();
            for (int l = 0; l < config.featureBlocks().size(); l++) {
                int block = config.featureBlocks().get(l);
                NDList rows = new NDList();
                NDList sources = new NDList();
                long previous = 0;
                if (existing != null) {
                    rows.add(existing.storedRows().get(l));
                    sources.add(existing.sources().get(l));
                    previous = existing.section().layers().get(l).patches();
                }
                for (int i = 0; i < pending.size(); i++) {
                    NDArray imageRows = pending.get(i).rows().get(l);
                    rows.add(imageRows);
                    int[] source = new int[Math.toIntExact(imageRows.getShape().get(0))];
                    Arrays.fill(source, offset + i);
                    sources.add(scope.create(source));
                }
                NDArray all = NDArrays.concat(rows); // [N, E] float16
                all.attach(scope);
                NDArray allSources = NDArrays.concat(sources); // [N] int32
                allSources.attach(scope);
                NDArray unit = AnomalyHead.normalize(all.toType(DataType.FLOAT32, false)); // [N, E]
                unit.attach(scope);
                long n = all.getShape().get(0);
                final int layer = l;
                if (options.coresetSize() > 0 && n > options.coresetSize()) {
                    progress.accept(String.format("block %d: coreset of %d rows out of %d", block,
                            options.coresetSize(), n));
                }
                Coreset.Result coreset = Coreset.select(unit, options.coresetSize(), options.seed() + layer,
                        k -> progress.accept(String.format("block %d: %d rows selected", block, k)));
                NDArray index = scope.create(coreset.indices());
                NDArray kept = all.get(index); // [K, E] float16
                kept.attach(scope);
                NDArray keptSource = allSources.get(index); // [K]
                keptSource.attach(scope);
                keptRows.add(kept);
                keptSources.add(keptSource);
                long newRows = n - (existing == null ? 0 : existing.storedRows().get(l).getShape().get(0));
                layers.add(new BundleManifest.BankLayer(block, previous + newRows, kept.getShape().get(0),
                        coreset.radius()));
            }
            BundleManifest.Reference draft = new BundleManifest.Reference(config.imageSize(), config.dpam(),
                    config.featureBlocks(), existing == null ? options.lambda() : existing.section().lambda(), 1,
                    options.coresetSize(), List.of(), layers,
                    existing == null ? null : existing.section().thresholds());
            try (ReferenceBank unnormalised = ReferenceBank.of(draft, keptRows, keptSources, scope)) {
                List<BundleManifest.ReferenceImage> images = new ArrayList<>();
                if (existing != null) {
                    images.addAll(existing.section().images());
                }
                images.addAll(statistics(unnormalised, offset, progress));
                BundleManifest.Reference section = new BundleManifest.Reference(draft.imageSize(), draft.dpam(),
                        draft.features(), draft.lambda(), normalizer(images), draft.coresetSize(), images, layers,
                        draft.thresholds());
                return ReferenceBank.of(section, keptRows, keptSources, parent);
            }
        }
    }

    /** The new images' manifest entries, with the leave-one-out percentile for the sampled ones. */
    private List<BundleManifest.ReferenceImage> statistics(ReferenceBank bank, int offset,
            java.util.function.Consumer<String> progress) {
        int count = pending.size();
        int sampled = Math.min(count, options.statisticsImages());
        Set<Integer> chosen = new HashSet<>();
        for (int s = 0; s < sampled; s++) {
            chosen.add((int) ((long) s * count / sampled));
        }
        List<BundleManifest.ReferenceImage> images = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Pending image = pending.get(i);
            Double p99 = null;
            if (chosen.contains(i)) {
                progress.accept("leave-one-out distances of " + image.name());
                p99 = percentile(leaveOneOut(bank, image, offset + i), 0.99);
            }
            images.add(new BundleManifest.ReferenceImage(image.name(), image.sha256(), p99));
        }
        return images;
    }

    /** {@code A⁻ⁱ(p)} for every patch of one image, as floats. */
    private float[] leaveOneOut(ReferenceBank bank, Pending image, int source) {
        try (NDManager scope = manager.newSubManager()) {
            NDList perLayer = new NDList();
            boolean alone = false;
            List<NDArray> others = new ArrayList<>();
            for (int l = 0; l < image.rows().size(); l++) {
                NDArray mask = bank.sources().get(l).neq(source); // [N]
                mask.attach(scope);
                NDArray rest = bank.searchRows().get(l).get(mask); // [N', E]
                rest.attach(scope);
                alone |= rest.getShape().get(0) == 0;
                others.add(rest);
            }
            for (int l = 0; l < image.rows().size(); l++) {
                NDArray queries = AnomalyHead.normalize(image.rows().get(l).toType(DataType.FLOAT32, false));
                queries.attach(scope);
                NDArray distance = alone ? BankSearch.nearestOutsideNeighbourhood(queries, grid)
                        : BankSearch.nearestDistances(queries, others.get(l)); // [G²]
                distance.attach(scope);
                perLayer.add(distance);
            }
            NDArray sum = NDArrays.stack(perLayer).sum(new int[] {0}); // [G²]
            sum.attach(scope);
            return sum.toFloatArray();
        }
    }

    /** numpy's default (linear) percentile, {@code fraction} in [0, 1]. */
    static double percentile(float[] values, double fraction) {
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        double position = fraction * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(sorted.length - 1, below + 1);
        double weight = position - below;
        return sorted[below] + weight * (sorted[above] - sorted[below]);
    }

    /** The mean of the recorded percentiles, at least 1e-6 (a bank of identical images). */
    static double normalizer(List<BundleManifest.ReferenceImage> images) {
        double sum = 0;
        int count = 0;
        for (BundleManifest.ReferenceImage image : images) {
            if (image.looP99() != null) {
                sum += image.looP99();
                count++;
            }
        }
        return Math.max(1e-6, count == 0 ? 1e-6 : sum / count);
    }

    @Override
    public void close() {
        manager.close();
    }
}
