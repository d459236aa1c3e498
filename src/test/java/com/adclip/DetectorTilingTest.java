package com.adclip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.adclip.tile.Tiling;
import org.junit.jupiter.api.Test;

/** The builder's tiling: the bundle's by default, replaced or switched off by the options, merge/global over it. */
class DetectorTilingTest {
    private static final Tiling STORED = new Tiling(512, 384, Tiling.Merge.MAX, true);

    @Test
    void theBundlesTilingIsTheDefault() {
        assertEquals(STORED, Detector.builder().tilingOver(STORED));
        assertNull(Detector.builder().tilingOver(null));
    }

    @Test
    void anExplicitTilingReplacesItAndNullSwitchesTilingOff() {
        assertEquals(Tiling.of(256, 256), Detector.builder().tiling(Tiling.of(256, 256)).tilingOver(STORED));
        assertNull(Detector.builder().tiling(null).tilingOver(STORED));
    }

    @Test
    void mergeAndGlobalAdjustWhicheverTilingIsInUse() {
        assertEquals(new Tiling(512, 384, Tiling.Merge.AVERAGE, false),
                Detector.builder().tileMerge(Tiling.Merge.AVERAGE).tileGlobal(false).tilingOver(STORED));
        AdclipException e = assertThrows(AdclipException.class,
                () -> Detector.builder().tileMerge(Tiling.Merge.MAX).tilingOver(null));
        assertEquals(AdclipException.USAGE, e.exitCode());
        assertThrows(AdclipException.class, () -> Detector.builder().tileBatch(0));
    }
}
