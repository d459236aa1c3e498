package com.adclip.tile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.adclip.Outcome;
import ai.djl.ndarray.types.Shape;
import com.adclip.anomaly.DefectRegions;
import com.adclip.clip.VisionFeatures;
import com.adclip.types.DefectTypes;
import com.adclip.types.TypePrototypes;
import com.adclip.types.TypeVocabulary;
import com.adclip.types.TypesSection;
import com.adclip.anomaly.AnomalyDetector;
import com.adclip.anomaly.BundleManifest;
import com.adclip.reference.BankBuilder;
import com.adclip.reference.BankOptions;
import com.adclip.reference.ReferenceBank;
import com.adclip.reference.ReferenceImages;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.io.TempDir;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.anomaly.GaussianSmoothing;
import com.adclip.anomaly.MapPostProcessor;
import com.adclip.anomaly.Prediction;
import com.adclip.anomaly.AnomalyPredictor;
import com.adclip.anomaly.PromptConfig;
import com.adclip.anomaly.PromptLearner;
import com.adclip.clip.ClipModel;
import com.adclip.image.ImagePreprocessor;
import com.adclip.image.PreprocessConfig;
import com.adclip.clip.TestWeights;
import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tiling through the real network: the tiny golden CLIP and the golden prompt learner. */
class TiledGoldenTest {
    private static NDManager manager;
    private static Path dir;
    private static AnomalyDetector detector;
    private static ImagePreprocessor preprocessor;
    private static GaussianSmoothing smoothing;
    private static ClipModel clip;

    @BeforeAll
    static void load() throws IOException {
        dir = Fixtures.goldenV1();
        manager = NDManager.newBaseManager();
        Map<String, NDArray> expected = Fixtures.npz(manager, dir.resolve("expected.npz"));
        JsonNode config = TestWeights.goldenConfig(dir);
        clip = TestWeights.tinyClip(manager, dir);
        Map<String, NDArray> learned = new HashMap<>();
        expected.forEach((name, array) -> {
            if (name.startsWith("learner/")) {
                learned.put(name.substring("learner/".length()), array);
            }
        });
        PromptConfig prompts = new PromptConfig(
                config.get("n_ctx").asInt(), config.get("t_n_ctx").asInt(), config.get("depth").asInt(), "object");
        PromptLearner learner = PromptLearner.fromTensors(prompts, clip, learned, manager);
        List<Integer> blocks = new ArrayList<>();
        config.get("features").forEach(n -> blocks.add(n.asInt()));
        int size = config.get("image_size").asInt();
        DetectorConfig detectorConfig = new DetectorConfig(size, blocks, config.get("dpam").asInt(),
                config.get("sigma").asDouble(), 0.07f, prompts);
        detector = AnomalyDetector.create(clip, learner, detectorConfig, manager);
        preprocessor = new ImagePreprocessor(PreprocessConfig.reference(size));
        smoothing = MapPostProcessor.smoothing(detectorConfig.sigma());
    }

    @AfterAll
    static void free() {
        if (manager != null) {
            manager.close();
        }
    }

    private static Prediction untiled(Path image, double mapThreshold) {
        AnomalyPredictor predictor = new AnomalyPredictor(detector, preprocessor,
                new MapPostProcessor(smoothing, mapThreshold), Long.MAX_VALUE, manager, () -> 0.5);
        return predictor.predict(List.of(image)).get(0).prediction();
    }

    private static TiledPredictor tiled(Tiling tiling, double mapThreshold, int batch) {
        return new TiledPredictor(TileModel.of(detector), tiling, smoothing, mapThreshold, batch, manager);
    }

    @Test
    void oneTileCoveringTheImageGivesTodaysResultExactly() {
        // an RGB image that is not square, and a greyscale one (cropped and resized in its own mode, L)
        for (String name : List.of("img2.png", "img3.png", "img0.png")) {
            Path image = dir.resolve("images").resolve(name);
            Prediction today = untiled(image, 0);
            float threshold = percentile(today.map(), 0.8);
            today = untiled(image, threshold);
            ImagePreprocessor.Source source = preprocessor.load(image, Long.MAX_VALUE);
            TiledPredictor.Result result = tiled(Tiling.of(4096, 4096), threshold, 4).predict(source, 0.5);
            Prediction tiled = result.prediction();
            assertTrue(result.grid().wholeImage(), name);
            assertEquals(today.score(), tiled.score(), 0.0, name);
            assertEquals(today.normal(), tiled.normal(), 0.0, name);
            assertEquals(today.verdict(), tiled.verdict(), name);
            assertArrayEquals(today.map(), tiled.map(), 0f, name);
            assertArrayEquals(today.grid(), tiled.grid(), 0f, name);
            assertArrayEquals(today.mask(), tiled.mask(), name);
            assertFalse(today.regions().isEmpty(), name);
            assertEquals(today.regions(), tiled.regions(), name);
        }
    }

    /**
     * Defect types on the golden network: text embeddings of two types, and prototypes from img1's patches (top
     * half "scratch", bottom half "stain").
     */
    private static DefectTypes goldenTypes() {
        List<Integer> blocks = detector.config().featureBlocks();
        TypeVocabulary vocabulary = TypeVocabulary.parse("scratch,stain");
        TypePrototypes.Builder builder = new TypePrototypes.Builder(blocks, 2, TypesSection.ROWS_PER_TYPE);
        int size = detector.config().imageSize();
        try (NDManager scope = manager.newSubManager()) {
            float[] pixels = preprocessor.prepare(dir.resolve("images").resolve("img1.png"), Long.MAX_VALUE).input()
                    .pixels();
            VisionFeatures features = detector.encode(scope.create(pixels, new Shape(1, 3, size, size)));
            int g = features.grid();
            boolean[] top = new boolean[g * g];
            boolean[] bottom = new boolean[g * g];
            for (int c = 0; c < g * g; c++) {
                top[c] = c < g * g / 2;
                bottom[c] = !top[c];
            }
            builder.add(features, 0, 0, top);
            builder.add(features, 0, 1, bottom);
            TypePrototypes prototypes = builder.build(scope);
            TypesSection section = DefectTypes.section(vocabulary, "object", blocks, builder.images(), 0.3);
            return DefectTypes.load(section, prototypes.tensors(), clip, manager);
        }
    }

    @Test
    void oneTileCoveringTheImageGivesTheUntiledTypesExactly() {
        try (DefectTypes types = goldenTypes()) {
            for (String name : List.of("img2.png", "img3.png", "img0.png")) {
                Path image = dir.resolve("images").resolve(name);
                ImagePreprocessor.Source source = preprocessor.load(image, Long.MAX_VALUE);
                float threshold = percentile(untiled(image, 0).map(), 0.8);
                for (double mapThreshold : new double[] {threshold, 1e9}) { // with regions, and without any
                    Prediction today = new AnomalyPredictor(detector, preprocessor,
                            new MapPostProcessor(smoothing, mapThreshold), Long.MAX_VALUE, manager, () -> 0.5)
                            .withTypes(types).predict(List.of(image)).get(0).prediction();
                    Prediction tiled = new TiledPredictor(TileModel.of(detector, types), Tiling.of(4096, 4096),
                            smoothing, mapThreshold, 4, manager).withTypes(types.fusion()).predict(source, 0.5)
                            .prediction();
                    String what = name + " at map threshold " + mapThreshold;
                    assertNotNull(today.types(), what);
                    assertEquals(mapThreshold == 1e9, today.regions().isEmpty(), what);
                    assertEquals(today.regions(), tiled.regions(), what);
                    today.regions().forEach(r -> assertNotNull(r.types(), what));
                    assertEquals(today.types(), tiled.types(), what);
                }
            }
        }
    }

    @Test
    void everyRegionOfAManyTileImageIsTyped() {
        try (DefectTypes types = goldenTypes()) {
            Path image = dir.resolve("images").resolve("img2.png"); // 60 x 40: 4 x 2 tiles of 24 x 16
            ImagePreprocessor.Source source = preprocessor.load(image, Long.MAX_VALUE);
            TiledPredictor plain = tiled(Tiling.of(24, 16), 0, 2);
            float threshold = percentile(plain.predict(source, 0.5).prediction().map(), 0.9);
            Prediction untyped = tiled(Tiling.of(24, 16), threshold, 2).predict(source, 0.5).prediction();
            Prediction typed = new TiledPredictor(TileModel.of(detector, types), Tiling.of(24, 16), smoothing,
                    threshold, 2, manager).withTypes(types.fusion()).predict(source, 0.5).prediction();
            assertNull(untyped.types());
            assertFalse(typed.regions().isEmpty());
            assertEquals(untyped.regions().size(), typed.regions().size());
            assertArrayEquals(untyped.map(), typed.map(), 0f, "typing leaves the map alone");
            for (DefectRegions.Region r : typed.regions()) {
                assertEquals(1, r.types().probabilities().values().stream().mapToDouble(Double::doubleValue).sum(),
                        1e-9);
            }
            assertEquals(1, typed.types().probabilities().values().stream().mapToDouble(Double::doubleValue).sum(),
                    1e-9);
        }
    }

    @Test
    void theScoreIsTheLargestTileScoreAndTheGlobalPassIsAveragedIn() {
        Path image = dir.resolve("images").resolve("img2.png"); // 60 x 40
        ImagePreprocessor.Source source = preprocessor.load(image, Long.MAX_VALUE);
        TiledPredictor.Result tiles = tiled(Tiling.of(24, 16), 1e9, 2).predict(source, 0.5);
        assertEquals(4, tiles.grid().columns()); // W' = ceil(36/16)*16 + 24 = 72 -> 48/16 + 1
        assertEquals(2, tiles.grid().rows()); // (40 - 24) % 16 == 0: H' = 40 -> 16/16 + 1
        double max = ScoreFusion.maxOf(tiles.tileScores());
        assertEquals(max, tiles.prediction().score(), 0.0);
        assertTrue(Double.isNaN(tiles.globalScore()));
        double today = untiled(image, 1e9).score();
        TiledPredictor.Result fused = tiled(Tiling.of(24, 16).withGlobal(true), 1e9, 5).predict(source, 0.5);
        assertEquals(today, fused.globalScore(), 0.0);
        assertEquals((max + today) / 2, fused.prediction().score(), 1e-7);
        assertArrayEquals(tiles.tileScores(), fused.tileScores(), 1e-6);
    }

    @Test
    void theTileBatchSizeDoesNotChangeTheAnswer() {
        Path image = dir.resolve("images").resolve("img0.png");
        ImagePreprocessor.Source source = preprocessor.load(image, Long.MAX_VALUE);
        Prediction one = tiled(Tiling.of(20, 14), 1e9, 1).predict(source, 0.5).prediction();
        Prediction many = tiled(Tiling.of(20, 14), 1e9, 16).predict(source, 0.5).prediction();
        assertEquals(one.score(), many.score(), 1e-6);
        assertArrayEquals(one.map(), many.map(), 1e-5f);
    }

    private static ReferenceBank bank(Tiling tiling, List<Path> images) {
        BankOptions keepAll = BankOptions.defaults().withCoresetSize(0);
        try (BankBuilder builder = new BankBuilder(detector.config(), keepAll, tiling, manager)) {
            List<ReferenceImages.Skipped> skipped = tiling == null
                    ? ReferenceImages.encode(builder, detector, preprocessor, images, Set.of(), 1, Long.MAX_VALUE,
                            manager, done -> { })
                    : ReferenceImages.encodeTiles(builder, detector, preprocessor, images,
                            image -> image.getFileName().toString(), Set.of(), tiling, 3, Long.MAX_VALUE, manager,
                            done -> { });
            assertTrue(skipped.isEmpty(), skipped.toString());
            return builder.build(null, manager, message -> { });
        }
    }

    @Test
    void aBankOfOneTileCoveringEachImageIsTheUntiledBankAndFusesExactlyAsIt() {
        Path images = dir.resolve("images");
        List<Path> references = List.of(images.resolve("img0.png"), images.resolve("img1.png"));
        Tiling whole = Tiling.of(4096, 4096);
        try (ReferenceBank untiled = bank(null, references); ReferenceBank tiled = bank(whole, references)) {
            assertEquals(untiled.section().normalizer(), tiled.section().normalizer(), 0.0);
            assertEquals(untiled.section().images(), tiled.section().images());
            assertEquals(untiled.section().layers(), tiled.section().layers());
            assertEquals(new BundleManifest.Tiling(4096, 4096, "avg", false), tiled.section().tiling());
            untiled.tensors().forEach((name, rows) -> assertArrayEquals(rows.toByteArray(),
                    tiled.tensors().get(name).toByteArray(), name));
            for (String name : List.of("img2.png", "img3.png")) {
                Path image = images.resolve(name);
                AnomalyPredictor promptBase = new AnomalyPredictor(detector, preprocessor,
                        new MapPostProcessor(smoothing, 1.5), Long.MAX_VALUE, manager, () -> 0.5);
                MapPostProcessor fusedPost = new MapPostProcessor(smoothing, 2.5);
                Outcome today = promptBase.fusedWithPromptOnly(untiled, fusedPost, 0.4).predict(List.of(image))
                        .get(0);
                TiledPredictor tiles = new TiledPredictor(TileModel.fused(detector, tiled, true), whole, smoothing,
                        2.5, 2, manager).withPromptOnly(1.5);
                TiledPredictor.Result result = tiles.predict(preprocessor.load(image, Long.MAX_VALUE), 0.5, 0.4);
                assertSame(today.prediction(), result.prediction(), name + " fused");
                assertSame(today.promptOnly(), result.promptOnly(), name + " prompt only");
                assertTrue(today.prediction().score() != today.promptOnly().score(), name);
            }
        }
    }

    private static void assertSame(Prediction expected, Prediction actual, String what) {
        assertEquals(expected.score(), actual.score(), 0.0, what);
        assertEquals(expected.normal(), actual.normal(), 0.0, what);
        assertEquals(expected.verdict(), actual.verdict(), what);
        assertArrayEquals(expected.map(), actual.map(), 0f, what);
        assertArrayEquals(expected.grid(), actual.grid(), 0f, what);
        assertEquals(expected.regions(), actual.regions(), what);
    }

    @Test
    void aDefectInOneTileIsWhereTheBankMapPeaks(@TempDir Path tmp) throws IOException {
        // a 96 x 96 part made of four copies of img0, so that every 48-px tile of the good part is img0 itself
        BufferedImage tileImage = ImageIO.read(dir.resolve("images/img0.png").toFile());
        BufferedImage good = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = good.createGraphics();
        for (int y = 0; y < 96; y += 48) {
            for (int x = 0; x < 96; x += 48) {
                g.drawImage(tileImage, x, y, null);
            }
        }
        g.dispose();
        Path goodFile = tmp.resolve("good.png");
        ImageIO.write(good, "png", goodFile.toFile());
        BufferedImage defect = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
        Graphics2D d = defect.createGraphics();
        d.drawImage(good, 0, 0, null);
        d.setColor(new Color(255, 0, 255));
        d.fillRect(62, 14, 8, 8); // in tile 1 (x 48..95, y 0..47)
        d.dispose();
        Path defectFile = tmp.resolve("defect.png");
        ImageIO.write(defect, "png", defectFile.toFile());
        Tiling tiling = Tiling.of(48, 48);
        try (ReferenceBank bank = bank(tiling, List.of(goodFile))) {
            assertEquals(4 * 144, bank.section().layers().get(0).patches());
            TiledPredictor tiles = new TiledPredictor(TileModel.fused(detector, bank, true), tiling, smoothing,
                    1e9, 4, manager).withPromptOnly(1e9);
            TiledPredictor.Result result = tiles.predict(preprocessor.load(defectFile, Long.MAX_VALUE), 0.5, 0.5);
            float[] fused = result.prediction().map();
            float[] prompt = result.promptOnly().map();
            // fused − prompt-only is the bank's map (λ = 1, smoothing is linear): where the tiles differ from the bank
            int peak = 0;
            double outside = 0;
            for (int i = 0; i < fused.length; i++) {
                double bankMap = fused[i] - prompt[i];
                if (bankMap > fused[peak] - prompt[peak]) {
                    peak = i;
                }
                if (i % 96 < 48 || i / 96 >= 48) {
                    outside = Math.max(outside, bankMap);
                }
            }
            int px = peak % 96;
            int py = peak / 96;
            assertTrue(px >= 56 && px < 76 && py >= 8 && py < 28, "bank map peaks at " + px + "," + py);
            double top = fused[peak] - prompt[peak];
            assertTrue(outside < 0.05 * top, "the other tiles are the reference itself: " + outside + " vs " + top);
            // the good part scores as its tiles' prompt scores halved (bank evidence ~0); the defect adds evidence
            TiledPredictor.Result goodResult = tiles.predict(preprocessor.load(goodFile, Long.MAX_VALUE), 0.5, 0.5);
            assertEquals(goodResult.promptOnly().score() / 2, goodResult.prediction().score(), 1e-4);
            assertTrue(result.tileScores()[1] > result.promptOnly().score() / 2 + 0.05 || result.tileScores()[1]
                    > goodResult.tileScores()[1] + 0.05, java.util.Arrays.toString(result.tileScores()));
            // the global pass is the prompt's alone: whole-image patches are not compared with tile patches
            TiledPredictor global = new TiledPredictor(TileModel.fused(detector, bank, false),
                    tiling.withGlobal(true), smoothing, 1e9, 4, manager);
            double whole = untiled(defectFile, 1e9).score();
            assertEquals(whole, global.predict(preprocessor.load(defectFile, Long.MAX_VALUE), 0.5).globalScore(), 0.0);
        }
    }

    static float percentile(float[] values, double q) {
        float[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[(int) (q * (sorted.length - 1))];
    }
}
