package com.adclip.tile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.adclip.image.ImagePreprocessor;
import com.adclip.image.PreprocessConfig;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class TileLabelsTest {
    /** A 200×100 mask with a 10×10 defect at (150, 20). */
    private static BufferedImage mask() {
        BufferedImage mask = new BufferedImage(200, 100, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 20; y < 30; y++) {
            for (int x = 150; x < 160; x++) {
                mask.getRaster().setSample(x, y, 0, 255);
            }
        }
        return mask;
    }

    @Test
    void aTileIsAnomalousWhenItHoldsADefectPixel() {
        TileGrid grid = TileGrid.cover(200, 100, 80, 60); // x = 0, 60, 120 (W' = 200), y = 0, 60 (H' = 140)
        BufferedImage mask = mask();
        assertFalse(TileLabels.anomalous(mask, grid.tile(0))); // [0, 80)
        assertFalse(TileLabels.anomalous(mask, grid.tile(1))); // [60, 140)
        assertTrue(TileLabels.anomalous(mask, grid.tile(2))); // [120, 200) x [0, 80)
        assertFalse(TileLabels.anomalous(mask, grid.tile(5))); // [120, 200) x [60, 140): below the defect
    }

    @Test
    void theMaskTileIsTheCutMaskResizedAsMasksAre() {
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.reference(40));
        TileGrid grid = TileGrid.cover(200, 100, 80, 60);
        try (NDManager manager = NDManager.newBaseManager()) {
            byte[] tile = TileLabels.mask(mask(), grid.tile(2), preprocessor, manager); // 80 px -> 40: half size
            assertEquals(40 * 40, tile.length);
            int on = 0;
            for (int v = 0; v < 40; v++) {
                for (int u = 0; u < 40; u++) {
                    if (tile[v * 40 + u] == 1) {
                        on++;
                        assertTrue(u >= 15 && u < 20 && v >= 10 && v < 15, "defect cell at " + u + "," + v);
                    }
                }
            }
            assertEquals(25, on); // 10x10 px at (30, 20) of the tile -> 5x5 cells at (15, 10)
            byte[] padded = TileLabels.mask(mask(), grid.tile(5), preprocessor, manager);
            for (byte b : padded) {
                assertEquals(0, b);
            }
        }
    }

    @Test
    void withBoxesATileNeedsAQuarterOfABox() {
        TileGrid grid = TileGrid.cover(200, 100, 80, 60);
        List<Rectangle2D> box = List.of(new Rectangle2D.Double(130, 20, 20, 10)); // x in [130, 150)
        assertTrue(TileLabels.anomalous(box, grid.tile(2))); // holds all of it
        assertTrue(TileLabels.anomalous(box, grid.tile(1))); // [60, 140): holds 10 of 20 columns
        List<Rectangle2D> grazing = List.of(new Rectangle2D.Double(136, 20, 20, 10)); // 4 of 20 columns in tile 1
        assertFalse(TileLabels.anomalous(grazing, grid.tile(1)));
        assertTrue(TileLabels.anomalous(grazing, grid.tile(2)));
    }
}
