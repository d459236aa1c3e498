package com.adclip.cli;

import com.adclip.AdclipException;
import com.adclip.tile.Tiling;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * Tiling of high-resolution images (see docs/tiling.md), mapped onto {@link com.adclip.Detector.Builder}.
 * Unset options keep the bundle's tiling; a bundle without one, or {@code --tiles none}, runs whole images.
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
            description = "Tiles run at once, in inspections and in train's feature extraction (memory use "
                    + "grows with it; default: ${DEFAULT-VALUE}).")
    int batch = 4; // also when the options are built without picocli (tests, the station helpers)

    /**
     * These options on a detector builder: {@code --tile}/{@code --tiles} replace the bundle's tiling,
     * {@code --tile-merge}/{@code --tile-global} adjust whichever tiling is in use.
     */
    com.adclip.Detector.Builder applyTo(com.adclip.Detector.Builder builder) {
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
        builder.tileBatch(batch);
        try {
            if ("none".equals(m)) {
                builder.tiling(null);
            } else if ("auto".equals(m)) {
                builder.tiling(Tiling.auto());
            } else if (tile != null) {
                builder.tiling(Tiling.of(tile, stride != null ? stride : Math.max(1, tile * 3 / 4)));
            }
            if (merge != null) {
                builder.tileMerge(Tiling.Merge.parse(merge));
            }
        } catch (IllegalArgumentException e) {
            throw AdclipException.usage(e.getMessage(), e);
        }
        if (global != null) {
            builder.tileGlobal(global);
        }
        return builder;
    }

    /**
     * The tiling these options give on their own (train), over {@code stored} (a resumed run's, may be null);
     * null for whole images. {@code --tile-batch} is read apart ({@link #batch}).
     */
    Tiling resolve(Tiling stored) {
        com.adclip.Detector.Builder builder = applyTo(com.adclip.Detector.builder());
        return builder.tilingOver(stored);
    }
}
