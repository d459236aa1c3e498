package com.adclip.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import com.adclip.data.MaskShape;
import com.adclip.data.MaskSource;
import com.adclip.data.Sample;
import com.adclip.image.ImagePreprocessor;
import com.adclip.image.PreprocessConfig;
import com.adclip.types.TypePrototypes;
import com.adclip.types.TypeVocabulary;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-shape labels teach prototypes: a hand-made image in folder {@code mixed} with a box labelled
 * {@code scratch} (top-left quarter), one labelled {@code dent} (bottom-right quarter) and an unlabelled one
 * (top-right quarter). The patches under each shape go to that shape's type; the unlabelled shape has the
 * folder's type.
 */
class TrainTypesTest {
    private static final int SIZE = 48;
    private static final int GRID = 4; // 12-px cells
    @TempDir Path dir;

    private Sample twoLabelImage() throws Exception {
        Path image = dir.resolve("mixed/0.png");
        java.nio.file.Files.createDirectories(image.getParent());
        ImageIO.write(new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB), "png", image.toFile());
        List<MaskShape> shapes = List.of(new MaskShape.Box(0, 0, 24, 24), new MaskShape.Box(24, 24, 24, 24),
                new MaskShape.Box(24, 0, 24, 12));
        MaskSource drawn = new MaskSource.Drawn(image, shapes, List.of("scratch", "dent", ""), "test.json");
        return new Sample(image, Optional.of(drawn), "part", "mixed", true);
    }

    /** The cells of a 4 × 4 grid with columns x0..x1-1 and rows y0..y1-1. */
    private static boolean[] block(int x0, int x1, int y0, int y1) {
        boolean[] cells = new boolean[GRID * GRID];
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                cells[y * GRID + x] = true;
            }
        }
        return cells;
    }

    @Test
    void theVocabularyHasTheShapeLabelsAndTheFolderTypeOnlyForUnlabelledShapes() throws Exception {
        Sample sample = twoLabelImage();
        assertEquals(List.of("scratch", "dent", "mixed"), TrainTypes.typeNames(List.of(sample)));
        Sample plain = new Sample(sample.image(), Optional.of(new MaskSource.Drawn(sample.image(),
                List.of(new MaskShape.Box(0, 0, 4, 4)), "plain.json")), "part", "crack", true);
        assertEquals(List.of("crack"), TrainTypes.typeNames(List.of(plain)));
    }

    @Test
    void patchesUnderEachShapeGetThatShapesType() throws Exception {
        Sample sample = twoLabelImage();
        TypeVocabulary vocabulary = TypeVocabulary.of(TrainTypes.typeNames(List.of(sample)), null);
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.reference(SIZE));
        try (NDManager manager = NDManager.newBaseManager()) {
            List<TrainTypes.TypedMask> typed = TrainTypes.typedMasks(sample, vocabulary, preprocessor, manager);
            assertEquals(3, typed.size());
            boolean[][] expected = {block(0, 2, 0, 2), block(2, 4, 2, 4), block(2, 4, 0, 1)};
            for (int k = 0; k < 3; k++) {
                TrainTypes.TypedMask mask = typed.get(k);
                assertEquals(k, mask.type(), vocabulary.names().get(k));
                assertArrayEquals(expected[k], TypePrototypes.cells(mask.mask(), SIZE, GRID),
                        vocabulary.names().get(k));
            }
        }
    }

    @Test
    void shapesOfTypesOutsideTheVocabularyTeachNothing() throws Exception {
        Sample sample = twoLabelImage();
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.reference(SIZE));
        try (NDManager manager = NDManager.newBaseManager()) {
            List<TrainTypes.TypedMask> typed = TrainTypes.typedMasks(sample, TypeVocabulary.parse("stain,dent"),
                    preprocessor, manager);
            assertEquals(1, typed.size());
            assertEquals(1, typed.get(0).type());
            assertArrayEquals(block(2, 4, 2, 4), TypePrototypes.cells(typed.get(0).mask(), SIZE, GRID));
        }
    }
}
