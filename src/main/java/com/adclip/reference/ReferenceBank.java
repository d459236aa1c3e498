package com.adclip.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import com.adclip.AdclipException;
import com.adclip.anomaly.AnomalyHead;
import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.BundleManifest;
import com.adclip.anomaly.Detection;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.anomaly.MapFusion;
import com.adclip.clip.Ops;
import com.adclip.clip.VisionFeatures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A loaded memory bank: per feature block, the unit-length patch features of good reference images (float16 as
 * stored, float32 for search), and what the manifest says about them.
 *
 * <p>The bank map of a batch is {@code A_ref(p) = Σ_l min_m (1 − cos(f_l(p), m))} on the G×G patch grid, brought to
 * S×S with the same bilinear resize as the prompt maps; the fused raw map {@code A_prompt + λ·A_ref} is then smoothed
 * by the same post-processing as a prompt-only map (smoothing is linear, so this is the sum of the two smoothed
 * maps). The image score fuses the prompt probability with the normalised bank maximum, see {@link #imageScore}.
 */
public final class ReferenceBank implements MapFusion, AutoCloseable {
    static final String BANK = "bank.";
    static final String SOURCE = "source.";

    private final BundleManifest.Reference section;
    private final NDManager manager;
    private final List<NDArray> stored; // per block [N, E] float16, as in the bundle
    private final List<NDArray> sources; // per block [N] int32
    private final List<NDArray> search; // per block [N, E] float32, unit rows

    private ReferenceBank(BundleManifest.Reference section, List<NDArray> stored, List<NDArray> sources,
            NDManager parent) {
        this.section = section;
        this.manager = parent.newSubManager();
        this.stored = new ArrayList<>();
        this.sources = new ArrayList<>();
        this.search = new ArrayList<>();
        for (int l = 0; l < stored.size(); l++) {
            NDArray half = stored.get(l).toType(DataType.FLOAT16, true);
            half.attach(manager);
            NDArray source = sources.get(l).toType(DataType.INT32, true);
            source.attach(manager);
            NDArray unit = AnomalyHead.normalize(half.toType(DataType.FLOAT32, true)); // [N, E]
            unit.attach(manager);
            this.stored.add(half);
            this.sources.add(source);
            this.search.add(unit);
        }
    }

    /** A bank from its manifest section and per-block float16 rows and sources (copied into a new manager). */
    static ReferenceBank of(BundleManifest.Reference section, List<NDArray> rows, List<NDArray> sources,
            NDManager parent) {
        if (rows.size() != section.features().size() || sources.size() != rows.size()) {
            throw new IllegalArgumentException("one bank and one source list per feature block are needed");
        }
        return new ReferenceBank(section, rows, sources, parent);
    }

    /** The bundle's bank, or null when it has none. */
    public static ReferenceBank fromBundle(Bundle bundle, NDManager parent) {
        BundleManifest.Reference section = bundle.manifest().reference();
        if (section == null) {
            return null;
        }
        List<NDArray> rows = new ArrayList<>();
        List<NDArray> sources = new ArrayList<>();
        for (BundleManifest.BankLayer layer : section.layers()) {
            NDArray bank = bundle.reference().get(BANK + layer.block());
            NDArray source = bundle.reference().get(SOURCE + layer.block());
            if (bank == null || source == null) {
                throw new AdclipException("the bundle's reference bank has no tensors for block " + layer.block());
            }
            if (bank.getShape().get(0) != layer.kept() || source.getShape().get(0) != layer.kept()) {
                throw new AdclipException("the bundle's reference bank for block " + layer.block() + " has "
                        + bank.getShape().get(0) + " rows; its manifest says " + layer.kept());
            }
            rows.add(bank);
            sources.add(source);
        }
        return new ReferenceBank(section, rows, sources, parent);
    }

    /** The manifest section. */
    public BundleManifest.Reference section() {
        return section;
    }

    /** The tensors to store in the bundle: {@code bank.B} float16 [N, E] and {@code source.B} int32 [N]. */
    public Map<String, NDArray> tensors() {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (int l = 0; l < stored.size(); l++) {
            int block = section.features().get(l);
            tensors.put(BANK + block, stored.get(l));
            tensors.put(SOURCE + block, sources.get(l));
        }
        return tensors;
    }

    /** The bundle with this bank in it (replacing any other). */
    public Bundle into(Bundle bundle) {
        return bundle.withReference(section, tensors());
    }

    /** Per block, the float16 rows as stored. */
    List<NDArray> storedRows() {
        return stored;
    }

    /** Per block, which reference image each row came from. */
    List<NDArray> sources() {
        return sources;
    }

    /** Per block, the float32 unit rows searched. */
    List<NDArray> searchRows() {
        return search;
    }

    /**
     * Refuses a detector the bank was not built for: the features must be the same blocks, image size and DPAM.
     */
    public void checkAgainst(DetectorConfig config) {
        if (!config.featureBlocks().equals(section.features()) || config.imageSize() != section.imageSize()
                || config.dpam() != section.dpam()) {
            throw new AdclipException("the reference bank was built with image size " + section.imageSize()
                    + ", features " + section.features() + ", dpam " + section.dpam() + "; this run uses "
                    + config.imageSize() + ", " + config.featureBlocks() + ", " + config.dpam()
                    + ". Use --no-reference, or rebuild the bank with these settings");
        }
    }

    /**
     * The bank map on the patch grid, {@code Σ_l min_m (1 − cos(f_l(p), m))} → [B, G, G], in the features' manager.
     * The patch features of layer l are {@code features.patches().get(l).tokens()} without the class token,
     * normalised, exactly as the prompt maps use them.
     */
    public NDArray distanceGrid(VisionFeatures features) {
        if (features.patches().size() != search.size()) {
            throw new IllegalArgumentException("features of " + features.patches().size() + " blocks for a bank of "
                    + search.size());
        }
        NDArray first = features.patches().get(0).tokens();
        NDManager owner = first.getManager();
        long batch = first.getShape().get(0);
        int grid = features.grid();
        try (NDManager scope = owner.newSubManager()) {
            NDList perLayer = new NDList();
            for (int l = 0; l < search.size(); l++) {
                NDArray tokens = features.patches().get(l).tokens(); // [B, 1 + G², E]
                NDArray patches = AnomalyHead.normalize(tokens.get(new NDIndex(":, 1:, :"))); // [B, G², E]
                patches.attach(scope);
                NDArray queries = patches.reshape(batch * grid * grid, -1); // [B·G², E]
                NDArray distance = BankSearch.nearestDistances(queries, search.get(l)); // [B·G²]
                distance.attach(scope);
                perLayer.add(distance);
            }
            NDArray sum = NDArrays.stack(perLayer).sum(new int[] {0}).reshape(batch, grid, grid); // [B, G, G]
            sum.attach(owner);
            return sum;
        }
    }

    /** {@link #distanceGrid} bilinearly resized to S×S like the prompt maps → [B, S, S]. */
    public static NDArray upsample(NDArray grid, int size) {
        return Ops.resizeBilinear(grid, size, size);
    }

    /**
     * The normalised bank evidence of a batch: with {@code r} the maximum of the bank grid of an image and {@code q}
     * the bank's normaliser, {@code r / (r + q)} — 0.5 when the image's farthest patch is as far from the bank as
     * the references' typical 99th percentile, towards 1 far beyond it.
     *
     * @param grid [B, G, G]
     * @return [B]
     */
    public NDArray bankEvidence(NDArray grid) {
        long batch = grid.getShape().get(0);
        NDArray r = grid.reshape(batch, -1).max(new int[] {1}); // [B]
        return r.div(r.add((float) section.normalizer())); // [B]
    }

    /**
     * The fused image score {@code (p + r / (r + q)) / 2}, p the prompt's anomaly probability (see
     * {@link #bankEvidence}). In [0, 1]; the bank's own thresholds apply to it.
     *
     * @param promptScore [B]
     * @param grid [B, G, G]
     * @return [B]
     */
    public NDArray imageScore(NDArray promptScore, NDArray grid) {
        return promptScore.add(bankEvidence(grid)).div(2f); // [B]
    }

    /**
     * The prompt detection with the bank fused in: raw map {@code A_prompt + λ·A_ref} (before smoothing),
     * probabilities (1 − s, s) with s the fused score, logits their logarithms; the per-layer similarity maps
     * stay the prompt's. Results live in the features' manager.
     */
    @Override
    public Detection fuse(Detection prompt, VisionFeatures features, int size) {
        NDManager owner = prompt.rawMap().getManager();
        try (NDManager scope = owner.newSubManager()) {
            NDArray grid = distanceGrid(features); // [B, G, G]
            grid.attach(scope);
            NDArray map = upsample(grid, size); // [B, S, S]
            map.attach(scope);
            NDArray raw = prompt.rawMap().add(map.mul((float) section.lambda())); // [B, S, S]
            NDArray score = imageScore(prompt.probabilities().get(new NDIndex(":, 1")), grid); // [B]
            score.attach(scope);
            NDArray probabilities = NDArrays.stack(new NDList(score.neg().add(1f), score), 1); // [B, 2]
            NDArray logits = probabilities.log(); // [B, 2]
            raw.attach(owner);
            probabilities.attach(owner);
            logits.attach(owner);
            return new Detection(logits, probabilities, prompt.similarityMaps(), raw);
        }
    }

    /**
     * The operating points for fused scores and maps: the calibrated ones, else image 0.5 and, on the map, the
     * prompt default (half the number of layers) plus {@code λ·q} (a pixel as far from the bank as the references'
     * typical 99th percentile).
     */
    public BundleManifest.Thresholds thresholds() {
        if (section.thresholds() != null) {
            return section.thresholds();
        }
        double pixel = 0.5 * section.features().size() + section.lambda() * section.normalizer();
        return new BundleManifest.Thresholds(0.5, "default", pixel, "default", null);
    }

    /** Reference images in the bank. */
    public int size() {
        return section.images().size();
    }

    @Override
    public void close() {
        manager.close();
    }
}
