package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.BundleManifest;
import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code adclip train --tile}: training on the tiles of high-resolution {@code synth} images with the golden tiny
 * CLIP, tile labels from the masks, one feature-cache entry per tile, and the bundle's tiling used by predict.
 */
class TileTrainCliTest {
    private static final int SIZE = 384; // 8 x the model input of 48
    private static final int TILE = 128; // 3 x 3 tiles, no overlap, no padding
    @TempDir static Path shared;
    private static Path golden;
    private static Path meta;
    private static Path model;
    private static CliRun training;

    @BeforeAll
    static void trainOnTiles() throws IOException {
        golden = Fixtures.goldenV1();
        Path data = shared.resolve("synth");
        CliRun synth = CliRun.of("synth", "--out", data.toString(), "--classes", "1", "--good", "2",
                "--train-defects", "2", "--defects", "2", "--size", String.valueOf(SIZE), "--seed", "5");
        assertEquals(0, synth.exitCode(), synth.toString());
        meta = data.resolve("meta.json");
        assertTrue(Files.exists(meta), synth.toString());
        Path out = shared.resolve("run");
        training = CliRun.of("train", "--data", meta.toString(), "--weights", weights().toString(), "--image-size",
                "48", "--features", "2,3,4,6", "--dpam", "5", "--depth", "3", "--n-ctx", "6", "--t-n-ctx", "2",
                "--batch-size", "8", "--epochs", "2", "--tile", String.valueOf(TILE), "--tile-stride",
                String.valueOf(TILE), "--out", out.toString(), "--cache", shared.resolve("cache").toString());
        assertEquals(0, training.exitCode(), training.toString());
        model = out.resolve("model.adclip");
    }

    private static Path weights() {
        return golden.resolve("tiny-clip.pt");
    }

    /** The train split's images and masks ("" for none) from meta.json. */
    private static List<String[]> trainEntries() throws IOException {
        JsonNode train = new ObjectMapper().readTree(meta.toFile()).get("train");
        List<String[]> entries = new ArrayList<>();
        train.fields().forEachRemaining(cls -> cls.getValue().forEach(e ->
                entries.add(new String[] {e.get("img_path").asText(), e.get("mask_path").asText()})));
        return entries;
    }

    /** Tiles of a 3 x 3 grid of TILE px holding a non-zero mask pixel, counted here from the mask files. */
    private static int defectiveTiles() throws IOException {
        int count = 0;
        for (String[] entry : trainEntries()) {
            if (entry[1].isEmpty()) {
                continue;
            }
            Raster mask = ImageIO.read(meta.resolveSibling(entry[1]).toFile()).getRaster();
            for (int ty = 0; ty < SIZE; ty += TILE) {
                for (int tx = 0; tx < SIZE; tx += TILE) {
                    int[] samples = mask.getSamples(tx, ty, TILE, TILE, 0, (int[]) null);
                    count += Arrays.stream(samples).anyMatch(v -> v != 0) ? 1 : 0;
                }
            }
        }
        return count;
    }

    @Test
    void everyTileIsATrainingItemLabelledFromItsMaskAndEncodedOnce() throws IOException {
        int images = trainEntries().size();
        int tiles = images * 9;
        int defective = defectiveTiles();
        assertTrue(defective > 0 && defective < tiles, "some tiles hold the defects, others not: " + defective);
        String err = training.err();
        assertTrue(err.contains("training on " + tiles + " tiles (" + defective + " defective)"), err);
        Matcher cache = Pattern.compile("feature cache: (\\d+) image\\(s\\) encoded, (\\d+) reuses").matcher(err);
        assertTrue(cache.find(), err);
        assertEquals(tiles, Integer.parseInt(cache.group(1)), "each tile encoded once: " + err);
        assertTrue(Integer.parseInt(cache.group(2)) >= 2 * tiles, "two epochs read every tile from the cache");
    }

    @Test
    void theBundleStoresItsTilingAndPredictUsesIt() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            assertEquals(new BundleManifest.Tiling(TILE, TILE, "avg", false),
                    Bundle.load(model, manager).manifest().tiling());
        }
        List<Path> images = new ArrayList<>();
        new ObjectMapper().readTree(meta.toFile()).get("test").fields().forEachRemaining(cls -> cls.getValue()
                .forEach(e -> images.add(meta.resolveSibling(e.get("img_path").asText()))));
        assertFalse(images.isEmpty());
        JsonNode byDefault = predict(images);
        JsonNode explicit = predict(images, "--tile", String.valueOf(TILE), "--tile-stride", String.valueOf(TILE));
        JsonNode whole = predict(images, "--tiles", "none");
        boolean differs = false;
        for (int i = 0; i < images.size(); i++) {
            assertEquals(SIZE, byDefault.get(i).get("width").asInt());
            assertEquals(explicit.get(i).get("score").asDouble(), byDefault.get(i).get("score").asDouble(), 0.0);
            differs |= whole.get(i).get("score").asDouble() != byDefault.get(i).get("score").asDouble();
        }
        assertTrue(differs, "whole images score otherwise than 9 tiles");
    }

    private JsonNode predict(List<Path> images, String... options) throws IOException {
        Path out = shared.resolve("predict-" + System.nanoTime());
        List<String> args = new ArrayList<>(List.of("predict", "--bundle", model.toString(), "--weights",
                weights().toString(), "--cache", shared.resolve("cache").toString(), "--no-images", "--out",
                out.toString()));
        args.addAll(List.of(options));
        images.forEach(p -> args.add(p.toString()));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        return new ObjectMapper().readTree(out.resolve("results.json").toFile());
    }

    @Test
    void tilesWithAugmentationAreRefusedInOneLine() {
        CliRun run = CliRun.of("train", "--data", meta.toString(), "--weights", weights().toString(), "--image-size",
                "48", "--features", "2,3,4,6", "--dpam", "5", "--depth", "3", "--epochs", "1", "--tiles", "auto",
                "--augment", "--out", shared.resolve("refused").toString(), "--cache",
                shared.resolve("cache").toString());
        assertEquals(2, run.exitCode(), run.toString());
        assertEquals(1, run.err().strip().lines().count(), run.toString());
    }

    @Test
    void tilesWithSyntheticAnomaliesAreRefusedInOneLine() {
        CliRun run = CliRun.of("train", "--data", meta.toString(), "--weights", weights().toString(), "--image-size",
                "48", "--features", "2,3,4,6", "--dpam", "5", "--depth", "3", "--epochs", "1", "--tile", "128",
                "--synthetic-anomalies", "1", "--out", shared.resolve("refused-synthetic").toString(), "--cache",
                shared.resolve("cache").toString());
        assertEquals(2, run.exitCode(), run.toString());
        assertEquals(1, run.err().strip().lines().count(), run.toString());
        assertTrue(run.err().contains("--synthetic-anomalies"), run.err());
        assertFalse(Files.exists(shared.resolve("refused-synthetic").resolve("model.adclip")));
    }

    @Test
    void referenceShotsOnTilesPutEveryTileOfTheReferenceInTheBankAndPredictFusesIt() throws IOException {
        Path out = shared.resolve("shots");
        CliRun run = CliRun.of("train", "--data", meta.toString(), "--weights", weights().toString(), "--image-size",
                "48", "--features", "2,3,4,6", "--dpam", "5", "--depth", "3", "--n-ctx", "6", "--t-n-ctx", "2",
                "--batch-size", "8", "--epochs", "1", "--tile", String.valueOf(TILE), "--tile-stride",
                String.valueOf(TILE), "--tile-batch", "2", "--reference-shots", "1", "--out", out.toString(),
                "--cache", shared.resolve("cache").toString());
        assertEquals(0, run.exitCode(), run.toString());
        Path bundle = out.resolve("model.adclip");
        try (NDManager manager = NDManager.newBaseManager()) {
            BundleManifest.Reference bank = Bundle.load(bundle, manager).manifest().reference();
            assertEquals(1, bank.images().size(), run.err());
            assertEquals(new BundleManifest.Tiling(TILE, TILE, "avg", false), bank.tiling());
            // 3 x 3 tiles of 12 x 12 patches each, all kept (below the coreset size)
            assertEquals(9 * 144, bank.layers().get(0).patches());
            String reference = bank.images().get(0).name();
            boolean good = trainEntries().stream().anyMatch(e -> e[1].isEmpty() && e[0].endsWith(reference));
            assertTrue(good, "the reference is a good training image, not a defective one's good tile: " + reference);
        }
        List<Path> images = new ArrayList<>();
        new ObjectMapper().readTree(meta.toFile()).get("test").fields().forEachRemaining(cls -> cls.getValue()
                .forEach(e -> images.add(meta.resolveSibling(e.get("img_path").asText()))));
        JsonNode fused = predictWith(bundle, images);
        JsonNode prompt = predictWith(bundle, images, "--no-reference");
        boolean differs = false;
        for (int i = 0; i < images.size(); i++) {
            differs |= fused.get(i).get("score").asDouble() != prompt.get(i).get("score").asDouble();
        }
        assertTrue(differs, "the bank is fused into the tiles");
    }

    private JsonNode predictWith(Path bundle, List<Path> images, String... options) throws IOException {
        Path out = shared.resolve("predict-" + System.nanoTime());
        List<String> args = new ArrayList<>(List.of("predict", "--bundle", bundle.toString(), "--weights",
                weights().toString(), "--cache", shared.resolve("cache").toString(), "--no-images", "--out",
                out.toString()));
        args.addAll(List.of(options));
        images.forEach(p -> args.add(p.toString()));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        return new ObjectMapper().readTree(out.resolve("results.json").toFile());
    }
}
