package com.adclip.data;

import static com.adclip.data.TestImages.mask;
import static com.adclip.data.TestImages.rgb;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import com.adclip.AdclipException;
import com.adclip.image.ImagePreprocessor;
import com.adclip.image.PreprocessConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mask must have the size of its image: the reference would stretch any other onto the wrong pixels. */
class MaskSizeTest {
    @TempDir
    Path tmp;

    private Sample defect(Path image, MaskSource mask) {
        return new Sample(image, Optional.of(mask), "bolt", "crack", true);
    }

    @Test
    void aMaskOfAnotherSizeIsRefusedNamingBothFiles() {
        Path image = rgb(tmp.resolve("crack/1.png"), 48, 48, 1);
        Path small = mask(tmp.resolve("masks/1_mask.png"), 17, 9, 2, 2, 8, 6);
        Sample sample = defect(image, new MaskSource.File(small));

        AdclipException e = assertThrows(AdclipException.class, sample::requireMaskFits);
        assertEquals("mask " + small + " is 17x9 but its image " + image + " is 48x48: a mask must have the size of"
                + " its image", e.getMessage());
        assertThrows(AdclipException.class, sample::maskGray);
        try (NDManager manager = NDManager.newBaseManager()) {
            ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.reference(48));
            assertThrows(AdclipException.class, () -> sample.maskTarget(manager, preprocessor));
        }
    }

    @Test
    void aMaskWithTheSameAspectRatioButAnotherSizeIsRefusedToo() {
        Path image = rgb(tmp.resolve("crack/1.png"), 48, 32, 1);
        Path half = mask(tmp.resolve("masks/1_mask.png"), 24, 16, 2, 2, 8, 6);
        assertThrows(AdclipException.class, defect(image, new MaskSource.File(half))::requireMaskFits);
    }

    @Test
    void aMaskOfTheImagesSizeAndDrawnShapesPass() {
        Path image = rgb(tmp.resolve("crack/1.png"), 40, 30, 1);
        Path same = mask(tmp.resolve("masks/1_mask.png"), 40, 30, 2, 2, 8, 6);
        defect(image, new MaskSource.File(same)).requireMaskFits();
        defect(image, new MaskSource.Drawn(image, List.of(new MaskShape.Box(1, 1, 5, 5)), "boxes.csv"))
                .requireMaskFits();
        assertEquals(40 * 30, defect(image, new MaskSource.File(same)).maskGray().getRaster().getDataBuffer()
                .getSize());
    }
}
