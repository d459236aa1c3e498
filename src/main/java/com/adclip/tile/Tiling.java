package com.adclip.tile;

import com.adclip.anomaly.BundleManifest;
import java.util.Locale;

/**
 * How images are tiled: a fixed tile size and stride, or {@link #auto()}; how overlapping tile maps merge; and
 * whether a pass over the whole image is fused into the score.
 *
 * <p><b>The automatic rule</b> ({@code size == 0}), for a model input of S pixels: an image whose longest
 * side is at most {@code 2·S} is not tiled (one tile, the whole image, exactly today's result). A larger image
 * gets square tiles of {@code t = 2·S} with stride {@code s = 2·round(3·S / 4)} (≈ ¾ t, a quarter overlap; the
 * stride is even so that tile offsets fall on whole cells of the stitched map, which has S/t = ½ cell per
 * pixel). So the model never sees more than 2 image pixels per input pixel, whatever the camera: at S = 518,
 * a 4000×3000 image gets 5 × 4 = 20 tiles of 1036 px, and a 14-px patch covers 28 image pixels instead of
 * 108.
 *
 * @param size tile side in pixels, or 0 for the automatic rule
 * @param stride step between tiles (≤ size), or 0 with the automatic rule
 * @param merge how overlapping tile maps are combined
 * @param global whether a whole-image pass is fused into the score (see {@link ScoreFusion})
 */
public record Tiling(int size, int stride, Merge merge, boolean global) {
    /** {@code size} value of the automatic rule. */
    public static final int AUTO = 0;

    /** How overlapping tile maps are combined. */
    public enum Merge {
        /** The sum of overlapping tile maps divided by the count of tiles covering each cell (anomalib). */
        AVERAGE,
        /** The largest value of the overlapping tile maps. */
        MAX;

        /** "avg" or "max", as options and manifests spell them. */
        public String label() {
            return this == AVERAGE ? "avg" : "max";
        }

        /** Parses "avg"/"average" or "max". */
        public static Merge parse(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "avg", "average", "mean" -> AVERAGE;
                case "max" -> MAX;
                default -> throw new IllegalArgumentException("tile merge must be avg or max, got '" + text + "'");
            };
        }
    }

    public Tiling {
        if (merge == null) {
            throw new IllegalArgumentException("tile merge is required");
        }
        if (size == AUTO) {
            if (stride != 0) {
                throw new IllegalArgumentException("automatic tiling chooses its own stride");
            }
        } else if (size < 1) {
            throw new IllegalArgumentException("tile size must be positive, got " + size);
        } else if (stride < 1 || stride > size) {
            throw new IllegalArgumentException(
                    "tile stride must be between 1 and the tile size " + size + ", got " + stride);
        }
    }

    /** The automatic rule, averaging overlaps, no global pass. */
    public static Tiling auto() {
        return new Tiling(AUTO, 0, Merge.AVERAGE, false);
    }

    /** Fixed tiles, averaging overlaps, no global pass; {@code stride == size} for no overlap. */
    public static Tiling of(int size, int stride) {
        return new Tiling(size, stride, Merge.AVERAGE, false);
    }

    public boolean isAuto() {
        return size == AUTO;
    }

    public Tiling withMerge(Merge value) {
        return new Tiling(size, stride, value, global);
    }

    public Tiling withGlobal(boolean value) {
        return new Tiling(size, stride, merge, value);
    }

    /** The tiles for a {@code width × height} image and a model input of {@code modelInput} pixels. */
    public TileGrid layout(int width, int height, int modelInput) {
        if (modelInput < 1) {
            throw new IllegalArgumentException("model input must be positive, got " + modelInput);
        }
        if (!isAuto()) {
            return TileGrid.cover(width, height, size, stride);
        }
        int tile = 2 * modelInput;
        if (Math.max(width, height) <= tile) {
            return TileGrid.cover(width, height, Math.max(width, height), Math.max(width, height));
        }
        int step = Math.max(2, 2 * (int) Math.round(3.0 * modelInput / 4.0));
        return TileGrid.cover(width, height, tile, step);
    }

    /** "auto" or "SIZE/STRIDE", with the merge and "+global" when set. */
    public String describe() {
        return (isAuto() ? "auto" : size + "/" + stride) + " " + merge.label() + (global ? " +global" : "");
    }

    /**
     * The command-line options that cut images as {@code layout} does (size and stride only): {@code --tiles none}
     * for null, {@code --tiles auto}, or {@code --tile SIZE --tile-stride S}.
     */
    public static String optionsFor(BundleManifest.Tiling layout) {
        if (layout == null) {
            return "--tiles none";
        }
        return layout.size() == AUTO ? "--tiles auto" : "--tile " + layout.size() + " --tile-stride " + layout.stride();
    }

    /** A bundle manifest's tiling; null (whole images) stays null. */
    public static Tiling fromManifest(BundleManifest.Tiling t) {
        return t == null ? null : new Tiling(t.size(), t.stride(), Merge.parse(t.merge()), t.global());
    }

    /** This tiling as a bundle manifest stores it. */
    public BundleManifest.Tiling toManifest() {
        return new BundleManifest.Tiling(size, stride, merge.label(), global);
    }
}
