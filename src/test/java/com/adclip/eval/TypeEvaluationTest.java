package com.adclip.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.Verdict;
import com.adclip.anomaly.DefectRegions;
import com.adclip.anomaly.Prediction;
import com.adclip.data.MaskShape;
import com.adclip.data.MaskSource;
import com.adclip.data.Sample;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The type evaluation of a pass, on hand-made images, masks and predictions (6 × 3 pixels). */
class TypeEvaluationTest {
    private static final int W = 6;
    private static final int H = 3;

    @TempDir Path tmp;

    private Path png(String name, int... whitePixels) throws Exception {
        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
        for (int p : whitePixels) {
            image.getRaster().setSample(p % W, p / W, 0, 255);
        }
        Path file = tmp.resolve(name);
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    private static Prediction prediction(List<DefectRegions.Region> regions, int... maskPixels) {
        boolean[] mask = new boolean[W * H];
        float[] map = new float[W * H];
        for (int p : maskPixels) {
            mask[p] = true;
            map[p] = 1f;
        }
        return new Prediction(0.9, 0.1, Verdict.NG, map, W, H, regions, mask);
    }

    private static Optional<TypeAnswer> answer(Map<String, Double> image, List<Map<String, Double>> regions) {
        return Optional.of(new TypeAnswer(image, regions));
    }

    @Test
    void imagesCountTheirSampleTypeAndRegionsTheTypeOfTheTruthTheyOverlap() throws Exception {
        // truth: (0,0)-(2,0) and (5,2), both "scratch"
        Sample scratch = new Sample(png("s.png"), Optional.of(new MaskSource.File(png("s_mask.png", 0, 1, 2, 17))),
                "plate", "scratch", true);
        // predicted: B = (5,1),(5,2) strongest; C = (0,2), away from any truth; A = (1,0),(2,0)
        List<DefectRegions.Region> regions = List.of(
                new DefectRegions.Region(1, 5, 1, 1, 2, 2, 0.9f, 0.9f),
                new DefectRegions.Region(2, 0, 2, 1, 1, 1, 0.8f, 0.8f),
                new DefectRegions.Region(3, 1, 0, 2, 1, 2, 0.7f, 0.7f));
        TypeEvaluation evaluation = new TypeEvaluation();
        evaluation.add(scratch, prediction(regions, 11, 17, 12, 1, 2), answer(Map.of("scratch", 0.7, "dent", 0.3),
                List.of(Map.of("dent", 0.8, "scratch", 0.2), Map.of("dent", 1.0),
                        Map.of("unknown", 0.6, "scratch", 0.4))));
        Sample dent = new Sample(png("d.png"), Optional.empty(), "plate", "dent", true);
        evaluation.add(dent, prediction(List.of()), answer(Map.of(), List.of()));
        Sample good = new Sample(png("g.png"), Optional.empty(), "plate", Sample.GOOD, false);
        evaluation.add(good, prediction(List.of()), answer(Map.of("dent", 1.0), List.of()));

        TypeEvaluation.Result result = evaluation.result().orElseThrow();
        assertEquals(1, result.images().cases(), "scratch image; dent got no image type; good is no type");
        assertEquals(1.0, result.images().accuracy().get(), 0.0);
        TypeConfusion regionMatrix = result.regions().confusion();
        assertEquals(List.of("dent", "scratch"), regionMatrix.types());
        assertArrayEquals(new long[][] {{0, 0, 0}, {1, 0, 1}}, regionMatrix.counts(),
                "B (truth scratch) predicted dent, A (truth scratch) predicted unknown; C has no truth");
        assertEquals(0.0, result.regions().accuracy().get(), 0.0);
        assertEquals(3, result.notes().size(), String.join("\n", result.notes()));
        assertTrue(result.notes().get(0).startsWith("1 defective image(s) got no image type"), result.notes().get(0));
        assertTrue(result.notes().get(1).startsWith("1 defective image(s) without a mask"), result.notes().get(1));
        assertTrue(result.notes().get(2).startsWith("1 predicted region(s) of typed defective images overlap no"),
                result.notes().get(2));
    }

    @Test
    void labelledShapesGiveEachRegionItsOwnType() throws Exception {
        // image folder type "scratch"; shapes: a dent box over columns 0-1, an unlabelled box over columns 4-5
        MaskSource.Drawn drawn = new MaskSource.Drawn(png("m.png"), List.of(new MaskShape.Box(0, 0, 2, 3),
                new MaskShape.Box(4, 0, 2, 3)), List.of("dent", ""), "test");
        Sample mixed = new Sample(png("m.png"), Optional.of(drawn), "plate", "scratch", true);
        // predicted: A = column 0 (inside the dent box), B = column 5 (inside the unlabelled box)
        List<DefectRegions.Region> regions = List.of(
                new DefectRegions.Region(1, 0, 0, 1, 3, 3, 0.9f, 0.9f),
                new DefectRegions.Region(2, 5, 0, 1, 3, 3, 0.8f, 0.8f));
        TypeEvaluation evaluation = new TypeEvaluation();
        evaluation.add(mixed, prediction(regions, 0, 6, 12, 5, 11, 17), answer(Map.of("dent", 1.0),
                List.of(Map.of("dent", 1.0), Map.of("dent", 1.0))));
        TypeEvaluation.Result result = evaluation.result().orElseThrow();
        assertArrayEquals(new long[][] {{1, 0, 0}, {1, 0, 0}}, result.regions().confusion().counts(),
                "A is a dent (its label), B a scratch (the image's type), both predicted dent");
        assertEquals(0.0, result.images().accuracy().get(), 0.0, "the image's truth is its folder, scratch");
    }

    @Test
    void nothingToReportWithoutPredictedTypesOrWithoutTypedTruth() throws Exception {
        Sample scratch = new Sample(png("s.png"), Optional.empty(), "plate", "scratch", true);
        TypeEvaluation noTypes = new TypeEvaluation();
        noTypes.add(scratch, prediction(List.of()), TypeAnswer.Source.NONE.apply(prediction(List.of())));
        assertTrue(noTypes.result().isEmpty(), "a bundle without types leaves the report as it was");

        Sample visa = new Sample(png("v.png"), Optional.empty(), "candle", "anomaly", true);
        TypeEvaluation untyped = new TypeEvaluation();
        untyped.add(visa, prediction(List.of()), answer(Map.of("dent", 1.0), List.of()));
        assertTrue(untyped.result().isEmpty(), "VisA's defective images have no type");
    }
}
