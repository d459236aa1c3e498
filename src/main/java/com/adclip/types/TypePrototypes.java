package com.adclip.types;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.adclip.clip.Constants;
import com.adclip.clip.VisionFeatures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The visual path: per feature block and defect type, unit-length patch features from inside the labelled defect
 * regions of training images (float16 as stored, float32 for search). A patch's distance to a type is the mean over
 * the blocks of {@code 1 − max cos} to that type's rows, in [0, 2]; a type without rows is at distance 2 (the
 * largest possible) and {@link #hasRows} says so.
 */
public final class TypePrototypes implements AutoCloseable {
    static final String PROTO = "proto.";
    static final String LABEL = "label.";
    /** The distance of a patch to a type without prototype rows. */
    public static final float NO_ROWS = 2f;

    private final List<Integer> blocks;
    private final int types;
    private final NDManager manager;
    private final List<NDArray> stored; // per block [N, E] float16
    private final List<NDArray> labels; // per block [N] int32
    private final List<List<NDArray>> search; // per block, per type [N_k, E] float32 unit rows (null when none)
    private final boolean[] hasRows;

    private TypePrototypes(List<Integer> blocks, int types, List<NDArray> stored, List<NDArray> labels,
            NDManager parent) {
        this.blocks = List.copyOf(blocks);
        this.types = types;
        this.manager = parent.newSubManager();
        this.stored = new ArrayList<>();
        this.labels = new ArrayList<>();
        this.search = new ArrayList<>();
        this.hasRows = new boolean[types];
        for (int l = 0; l < blocks.size(); l++) {
            NDArray half = stored.get(l).toType(DataType.FLOAT16, true);
            half.attach(manager);
            NDArray label = labels.get(l).toType(DataType.INT32, true);
            label.attach(manager);
            if (half.getShape().get(0) != label.getShape().get(0)) {
                throw new IllegalArgumentException("block " + blocks.get(l) + ": " + half.getShape().get(0)
                        + " prototype rows but " + label.getShape().get(0) + " labels");
            }
            this.stored.add(half);
            this.labels.add(label);
            int[] rowLabels = label.toIntArray();
            NDArray unit = TypeTexts.unit(half.toType(DataType.FLOAT32, true)); // [N, E]
            unit.attach(manager);
            List<NDArray> perType = new ArrayList<>();
            for (int k = 0; k < types; k++) {
                long[] rows = rowsOf(rowLabels, k);
                if (rows.length == 0) {
                    perType.add(null);
                    continue;
                }
                hasRows[k] = true;
                NDArray index = manager.create(rows); // [N_k]
                NDArray rowsK = unit.get(index); // [N_k, E]
                rowsK.attach(manager);
                perType.add(rowsK);
            }
            search.add(perType);
        }
    }

    private static long[] rowsOf(int[] labels, int type) {
        return java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] == type)
                .mapToLong(i -> i).toArray();
    }

    /** Prototypes from their stored tensors ({@link #tensors}), copied into a sub-manager of {@code parent}. */
    public static TypePrototypes of(List<Integer> blocks, int types, Map<String, NDArray> tensors, NDManager parent) {
        List<NDArray> rows = new ArrayList<>();
        List<NDArray> labels = new ArrayList<>();
        for (int block : blocks) {
            NDArray r = tensors.get(PROTO + block);
            NDArray l = tensors.get(LABEL + block);
            if (r == null || l == null) {
                throw new IllegalArgumentException("the bundle's type prototypes have no tensors for block " + block);
            }
            rows.add(r);
            labels.add(l);
        }
        return new TypePrototypes(blocks, types, rows, labels, parent);
    }

    /** What the bundle stores: {@code proto.B} [N, E] float16 and {@code label.B} [N] int32 per block B. */
    public Map<String, NDArray> tensors() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (int l = 0; l < blocks.size(); l++) {
            out.put(PROTO + blocks.get(l), stored.get(l));
            out.put(LABEL + blocks.get(l), labels.get(l));
        }
        return out;
    }

    /** Whether type {@code k} has prototype rows. */
    public boolean hasRows(int k) {
        return hasRows[k];
    }

    /** The number of types. */
    public int types() {
        return types;
    }

    /** The feature blocks, in row order. */
    public List<Integer> blocks() {
        return blocks;
    }

    /** Rows of block index {@code l} (float16, as stored). */
    NDArray storedRows(int l) {
        return stored.get(l);
    }

    /**
     * Per patch and type, the mean over the blocks of {@code 1 − max cos} to the type's rows: [B, G², K]
     * ({@link #NO_ROWS} for a type without rows). Class tokens are dropped. Lives in the features' manager.
     */
    public NDArray distances(VisionFeatures features) {
        NDArray sum = null;
        for (int l = 0; l < blocks.size(); l++) {
            VisionFeatures.PatchFeatures layer = features.patches().get(l);
            if (layer.block() != blocks.get(l)) {
                throw new IllegalArgumentException("features of block " + layer.block() + " where the prototypes "
                        + "have block " + blocks.get(l));
            }
            NDArray patches = TypeTexts.unit(layer.tokens().get(new NDIndex(":, 1:, :"))); // [B, G², E]
            NDList perType = new NDList();
            for (int k = 0; k < types; k++) {
                NDArray rows = search.get(l).get(k);
                if (rows == null) {
                    perType.add(patches.getManager().full(new Shape(patches.getShape().get(0),
                            patches.getShape().get(1)), NO_ROWS)); // [B, G²]
                    continue;
                }
                NDArray cosine = patches.matMul(rows.transpose()); // [B, G², N_k]
                NDArray nearest = cosine.max(new int[] {-1}); // [B, G²]
                perType.add(Constants.scalar(nearest, 1f).sub(nearest)); // [B, G²]
            }
            NDArray layerDistance = NDArrays.stack(perType, -1); // [B, G², K]
            sum = sum == null ? layerDistance : sum.add(layerDistance);
        }
        return sum.div(Constants.scalar(sum, blocks.size())); // [B, G², K]
    }

    @Override
    public void close() {
        manager.close();
    }

    /**
     * The patch cells of a G × G grid inside a mask at S × S: those at least half covered; when none is, the most
     * covered ones (none when the mask is empty).
     *
     * @param mask S × S, row-major, > 0.5 inside
     */
    public static boolean[] cells(float[] mask, int size, int grid) {
        if (mask.length != size * size || size % grid != 0) {
            throw new IllegalArgumentException("mask of " + mask.length + " values is not " + size + "², or "
                    + size + " is not a multiple of the grid " + grid);
        }
        int patch = size / grid;
        int[] inside = new int[grid * grid];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                if (mask[y * size + x] > 0.5f) {
                    inside[(y / patch) * grid + x / patch]++;
                }
            }
        }
        int most = 0;
        for (int c : inside) {
            most = Math.max(most, c);
        }
        boolean[] cells = new boolean[inside.length];
        int half = (patch * patch + 1) / 2;
        boolean any = false;
        for (int i = 0; i < inside.length; i++) {
            cells[i] = inside[i] >= half;
            any |= cells[i];
        }
        if (!any && most > 0) {
            for (int i = 0; i < inside.length; i++) {
                cells[i] = inside[i] == most;
            }
        }
        return cells;
    }

    /**
     * Gathers prototype rows image by image, then keeps at most {@code rowsPerType} evenly spaced rows per type and
     * block, and measures how far a labelled region is from the other images' rows of its type (leave one image
     * out) for the "unknown" rule.
     */
    public static final class Builder {
        private final List<Integer> blocks;
        private final int types;
        private final int rowsPerType;
        // per block, per type: rows (float32 unit) and the image each came from
        private final List<List<List<float[]>>> rows = new ArrayList<>();
        private final List<List<Integer>> sources = new ArrayList<>(); // per type, per row (same for every block)
        private final int[] images;
        private int nextImage;

        public Builder(List<Integer> blocks, int types, int rowsPerType) {
            this.blocks = List.copyOf(blocks);
            this.types = types;
            this.rowsPerType = rowsPerType;
            this.images = new int[types];
            for (int l = 0; l < blocks.size(); l++) {
                List<List<float[]>> perType = new ArrayList<>();
                for (int k = 0; k < types; k++) {
                    perType.add(new ArrayList<>());
                }
                rows.add(perType);
            }
            for (int k = 0; k < types; k++) {
                sources.add(new ArrayList<>());
            }
        }

        /**
         * Adds the patches of image {@code index} of a batch's features at the true cells of {@code cells} (G²) as
         * rows of type {@code type}. Nothing is added when no cell is true.
         *
         * @return the number of patches added
         */
        public int add(VisionFeatures features, int index, int type, boolean[] cells) {
            if (type < 0 || type >= types) {
                throw new IllegalArgumentException("type index " + type + " of " + types);
            }
            long[] picked = java.util.stream.IntStream.range(0, cells.length).filter(i -> cells[i])
                    .mapToLong(i -> i + 1L).toArray(); // token index (class token is 0)
            if (picked.length == 0) {
                return 0;
            }
            int image = nextImage++;
            for (int l = 0; l < blocks.size(); l++) {
                VisionFeatures.PatchFeatures layer = features.patches().get(l);
                if (layer.block() != blocks.get(l)) {
                    throw new IllegalArgumentException("features of block " + layer.block() + ", expected "
                            + blocks.get(l));
                }
                try (NDManager scope = layer.tokens().getManager().newSubManager()) {
                    NDArray tokens = layer.tokens().get(index); // [1 + G², E]
                    tokens.attach(scope);
                    NDArray idx = scope.create(picked);
                    NDArray chosen = TypeTexts.unit(tokens.get(idx)); // [n, E]
                    long e = chosen.getShape().get(1);
                    float[] flat = chosen.toFloatArray();
                    for (int r = 0; r < picked.length; r++) {
                        float[] row = new float[(int) e];
                        System.arraycopy(flat, (int) (r * e), row, 0, (int) e);
                        rows.get(l).get(type).add(row);
                    }
                }
            }
            for (int r = 0; r < picked.length; r++) {
                sources.get(type).add(image);
            }
            images[type]++;
            return picked.length;
        }

        /** Per type, the number of images that gave rows. */
        public int[] images() {
            return images.clone();
        }

        /**
         * The largest leave-one-image-out distance of a labelled image's rows to the other images' rows of its type
         * (mean over its patches of the mean over blocks of {@code 1 − max cos}), or NaN when no type has rows from
         * two images.
         */
        public double largestHeldOutDistance(NDManager manager) {
            double largest = Double.NaN;
            for (int k = 0; k < types; k++) {
                List<Integer> src = sources.get(k);
                List<Integer> distinct = src.stream().distinct().toList();
                if (distinct.size() < 2) {
                    continue;
                }
                for (int image : distinct) {
                    double d = heldOut(k, image, manager);
                    largest = Double.isNaN(largest) ? d : Math.max(largest, d);
                }
            }
            return largest;
        }

        private double heldOut(int type, int image, NDManager manager) {
            List<Integer> src = sources.get(type);
            long[] own = java.util.stream.IntStream.range(0, src.size()).filter(i -> src.get(i) == image)
                    .mapToLong(i -> i).toArray();
            long[] others = java.util.stream.IntStream.range(0, src.size()).filter(i -> src.get(i) != image)
                    .mapToLong(i -> i).toArray();
            try (NDManager scope = manager.newSubManager()) {
                NDArray sum = null;
                for (int l = 0; l < blocks.size(); l++) {
                    NDArray all = matrix(rows.get(l).get(type), scope); // [M, E]
                    NDArray mine = all.get(scope.create(own)); // [n, E]
                    NDArray rest = all.get(scope.create(others)); // [m, E]
                    NDArray nearest = mine.matMul(rest.transpose()).max(new int[] {-1}); // [n]
                    NDArray distance = Constants.scalar(nearest, 1f).sub(nearest); // [n]
                    sum = sum == null ? distance : sum.add(distance);
                }
                return sum.div(Constants.scalar(sum, blocks.size())).mean().getFloat();
            }
        }

        private static NDArray matrix(List<float[]> rows, NDManager manager) {
            int e = rows.get(0).length;
            float[] flat = new float[rows.size() * e];
            for (int r = 0; r < rows.size(); r++) {
                System.arraycopy(rows.get(r), 0, flat, r * e, e);
            }
            return manager.create(flat, new Shape(rows.size(), e));
        }

        /** The prototypes: at most {@code rowsPerType} evenly spaced rows per type and block, in type order. */
        public TypePrototypes build(NDManager parent) {
            try (NDManager scope = parent.newSubManager()) {
                List<NDArray> stored = new ArrayList<>();
                List<NDArray> labels = new ArrayList<>();
                for (int l = 0; l < blocks.size(); l++) {
                    List<float[]> kept = new ArrayList<>();
                    List<Integer> keptLabels = new ArrayList<>();
                    for (int k = 0; k < types; k++) {
                        List<float[]> all = rows.get(l).get(k);
                        int n = Math.min(rowsPerType, all.size());
                        for (int s = 0; s < n; s++) {
                            kept.add(all.get((int) ((long) s * all.size() / n)));
                            keptLabels.add(k);
                        }
                    }
                    if (kept.isEmpty()) {
                        throw new IllegalStateException("no prototype rows were added");
                    }
                    stored.add(matrix(kept, scope).toType(DataType.FLOAT16, false)); // [N, E]
                    labels.add(scope.create(keptLabels.stream().mapToInt(Integer::intValue).toArray())); // [N]
                }
                return new TypePrototypes(blocks, types, stored, labels, parent);
            }
        }

        /** Whether any row was added. */
        public boolean isEmpty() {
            return nextImage == 0;
        }
    }
}
