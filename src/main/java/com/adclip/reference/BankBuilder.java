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
    private final BundleManifest.Tiling tiling;
    private final NDManager manager;
    private final List<Pending> pending = new ArrayList<>();
    private final Set<String> hashes = new HashSet<>();
    private int grid = -1;

    /**
     * One new image: per block its rows, one [G², E] float16 unit array per tile (one for a whole image); after
     * {@link #build} starts, one [T·G², E] array per block.
     */
    private record Pending(String name, String sha256, List<List<NDArray>> tiles) {
        /** Block l's rows of every tile, [T·G², E] (after {@link #join}). */
        NDArray rows(int l) {
            return tiles.get(l).get(0);
        }

        /** The tiles' rows of each block as one array [T·G², E], in {@code manager}. */
        void join(NDManager manager) {
            for (List<NDArray> parts : tiles) {
                if (parts.size() > 1) {
                    NDArray all = NDArrays.concat(new NDList(parts)); // [T·G², E]
                    all.attach(manager);
                    parts.forEach(NDArray::close);
                    parts.clear();
                    parts.add(all);
                }
            }
        }

        int blocks() {
            return tiles.size();
        }
    }

    /** A builder of a bank of whole images' patches. */
    public BankBuilder(DetectorConfig config, BankOptions options, NDManager parent) {
        this(config, options, null, parent);
    }

    /**
     * @param tiling the tiles the images are cut into (their patches make the bank; only size and stride are
     *     recorded), null for whole images
     */
    public BankBuilder(DetectorConfig config, BankOptions options, com.adclip.tile.Tiling tiling, NDManager parent) {
        this.config = config;
        this.options = options;
        this.tiling = tiling == null ? null : com.adclip.tile.Tiling.of(tiling.size(), tiling.stride())
                .toManifest();
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
        List<List<NDArray>> tiles = new ArrayList<>();
        for (NDArray rows : rows(features, index)) {
            List<NDArray> parts = new ArrayList<>();
            parts.add(rows);
            tiles.add(parts);
        }
        pending.add(new Pending(name, sha256, tiles));
    }

    /**
     * Adds one more tile of the image added last (with {@link #add}, its first tile): its patches go into the bank
     * under that image.
     *
     * @throws IllegalStateException when {@code sha256} is not the image added last
     */
    public void addTile(String sha256, VisionFeatures features, int index) {
        Pending last = pending.isEmpty() ? null : pending.get(pending.size() - 1);
        if (last == null || !last.sha256().equals(sha256)) {
            throw new IllegalStateException("a tile must follow its image's first tile");
        }
        List<NDArray> rows = rows(features, index);
        for (int l = 0; l < rows.size(); l++) {
            last.tiles().get(l).add(rows.get(l));
        }
    }

    /** Per block, image {@code index}'s unit patch rows rounded to float16, [G², E]. */
    private List<NDArray> rows(VisionFeatures features, int index) {
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
        return rows;
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
            if (!BundleManifest.Tiling.sameLayout(existing.section().tiling(), tiling)) {
                throw new AdclipException("the bank holds patches of " + existing.section().describeTiling()
                        + "; these images were cut into " + BundleManifest.Tiling.describeLayout(tiling)
                        + ": add them with the bank's tiling");
            }
            for (BundleManifest.ReferenceImage image : existing.section().images()) {
                if (hashes.contains(image.sha256())) {
                    throw new AdclipException("an image with sha256 " + image.sha256() + " (" + image.name()
                            + ") is already in the bank");
                }
            }
        }
        pending.forEach(image -> image.join(manager));
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
                    NDArray imageRows = pending.get(i).rows(l);
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
                    existing == null ? null : existing.section().thresholds(), tiling);
            try (ReferenceBank unnormalised = ReferenceBank.of(draft, keptRows, keptSources, scope)) {
                List<BundleManifest.ReferenceImage> images = new ArrayList<>();
                if (existing != null) {
                    images.addAll(existing.section().images());
                }
                images.addAll(statistics(unnormalised, offset, progress));
                BundleManifest.Reference section = new BundleManifest.Reference(draft.imageSize(), draft.dpam(),
                        draft.features(), draft.lambda(), normalizer(images), draft.coresetSize(), images, layers,
                        draft.thresholds(), tiling);
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

    /**
     * {@code A⁻ⁱ(p)} for every patch of one image (of all its tiles), as floats. Alone in the bank, each tile's
     * patches are compared with the same tile's patches outside their 3×3 neighbourhood, as a whole image's are.
     */
    private float[] leaveOneOut(ReferenceBank bank, Pending image, int source) {
        try (NDManager scope = manager.newSubManager()) {
            NDList perLayer = new NDList();
            boolean alone = false;
            List<NDArray> others = new ArrayList<>();
            for (int l = 0; l < image.blocks(); l++) {
                NDArray mask = bank.sources().get(l).neq(source); // [N]
                mask.attach(scope);
                NDArray rest = bank.searchRows().get(l).get(mask); // [N', E]
                rest.attach(scope);
                alone |= rest.getShape().get(0) == 0;
                others.add(rest);
            }
            for (int l = 0; l < image.blocks(); l++) {
                NDArray queries = AnomalyHead.normalize(image.rows(l).toType(DataType.FLOAT32, false)); // [T·G², E]
                queries.attach(scope);
                NDArray distance = alone ? withinTiles(queries) : BankSearch.nearestDistances(queries, others.get(l));
                distance.attach(scope);
                perLayer.add(distance); // [T·G²]
            }
            NDArray sum = NDArrays.stack(perLayer).sum(new int[] {0}); // [T·G²]
            sum.attach(scope);
            return sum.toFloatArray();
        }
    }

    /** Each tile's rows against the same tile's rows outside the 3×3 neighbourhood → [T·G²]. */
    private NDArray withinTiles(NDArray queries) {
        long cells = (long) grid * grid;
        long tiles = queries.getShape().get(0) / cells;
        if (tiles == 1) {
            return BankSearch.nearestOutsideNeighbourhood(queries, grid);
        }
        NDList parts = new NDList();
        for (long t = 0; t < tiles; t++) {
            NDArray tile = queries.get(new NDIndex("{}:{}", t * cells, (t + 1) * cells)); // [G², E]
            parts.add(BankSearch.nearestOutsideNeighbourhood(tile, grid)); // [G²]
        }
        return NDArrays.concat(parts); // [T·G²]
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
