package com.adclip.cli;

import com.adclip.AdclipException;
import com.adclip.anomaly.BundleManifest;
import com.adclip.tile.Tiling;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * Tiling of high-resolution images (see docs/tiling.md). Unset options keep the bundle's tiling; a bundle
 * without one, or {@code --tiles none}, runs whole images.
 */
final class TilingOptions {
    @Option(names = "--tile", paramLabel = "SIZE",
            description = "Cut images into SIZE x SIZE tiles, each run like a whole image (default: the bundle's "
                    + "tiling, else none).")
    Integer tile;

    @Option(names = "--tile-stride", paramLabel = "S",
            description = "Step between tiles, <= SIZE (default: 3/4 of SIZE, a quarter overlap).")
    Integer stride;

    @Option(names = "--tiles", paramLabel = "auto|none",
            description = "auto: tiles of 2x the model input when the image is larger than that; none: whole "
                    + "images even if the bundle has a tiling.")
    String mode;

    @Option(names = "--tile-merge", paramLabel = "avg|max",
            description = "How overlapping tile maps combine (default: avg, anomalib's).")
    String merge;

    @Option(names = "--tile-global", negatable = true,
            description = "Fuse a whole-image pass into the score: (max tile score + global score) / 2.")
    Boolean global;

    @Option(names = "--tile-batch", paramLabel = "N", defaultValue = "4",
            description = "Tiles run at once (memory use grows with it; default: ${DEFAULT-VALUE}).")
    int batch = 4; // also when the options are built without picocli (tests, the station helpers)

    /** The tiling to use: these options over {@code base} (the bundle's, may be null); null for none. */
    Tiling resolve(Tiling base) {
        if (batch < 1) {
            throw AdclipException.usage("--tile-batch must be at least 1", null);
        }
        String m = mode == null ? null : mode.trim().toLowerCase(Locale.ROOT);
        if (m != null && !m.equals("auto") && !m.equals("none")) {
            throw AdclipException.usage("--tiles must be auto or none, got '" + mode + "'", null);
        }
        if (m != null && tile != null) {
            throw AdclipException.usage("give --tile SIZE or --tiles " + m + ", not both", null);
        }
        if (stride != null && tile == null) {
            throw AdclipException.usage("--tile-stride needs --tile SIZE", null);
        }
        if ("none".equals(m)) {
            return null;
        }
        try {
            Tiling tiling = base;
            if ("auto".equals(m)) {
                tiling = carry(Tiling.auto(), base);
            } else if (tile != null) {
                tiling = carry(Tiling.of(tile, stride != null ? stride : Math.max(1, tile * 3 / 4)), base);
            }
            if (tiling == null) {
                if (merge != null || global != null) {
                    throw AdclipException.usage("--tile-merge and --tile-global need --tile SIZE or --tiles auto "
                            + "(or a bundle with a tiling)", null);
                }
                return null;
            }
            if (merge != null) {
                tiling = tiling.withMerge(Tiling.Merge.parse(merge));
            }
            if (global != null) {
                tiling = tiling.withGlobal(global);
            }
            return tiling;
        } catch (IllegalArgumentException e) {
            throw AdclipException.usage(e.getMessage(), e);
        }
    }

    /** A new size/stride keeps the base's merge and global choices. */
    private static Tiling carry(Tiling fresh, Tiling base) {
        return base == null ? fresh : new Tiling(fresh.size(), fresh.stride(), base.merge(), base.global());
    }

    static Tiling fromManifest(BundleManifest.Tiling t) {
        if (t == null) {
            return null;
        }
        try {
            return new Tiling(t.size(), t.stride(), Tiling.Merge.parse(t.merge()), t.global());
        } catch (IllegalArgumentException e) {
            throw AdclipException.usage("the bundle's tiling is invalid: " + e.getMessage(), e);
        }
    }

    static BundleManifest.Tiling toManifest(Tiling t) {
        return t == null ? null : new BundleManifest.Tiling(t.size(), t.stride(), t.merge().label(), t.global());
    }
}
