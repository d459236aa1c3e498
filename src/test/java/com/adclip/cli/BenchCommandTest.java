package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Every bench mode runs and prints its one JSON line (timings are measured, never asserted). */
class BenchCommandTest {
    private static JsonNode json(CliRun run) throws IOException {
        assertEquals(0, run.exitCode(), run.toString());
        String[] lines = run.out().strip().split("\n");
        assertEquals(1, lines.length, run.out());
        return new ObjectMapper().readTree(lines[0]);
    }

    private static String tiny() {
        return Fixtures.goldenV1().resolve("tiny-clip.pt").toString();
    }

    @Test
    void encoderAndEndToEndModes() throws IOException {
        for (String mode : new String[] {"encoder", "end-to-end"}) {
            JsonNode line = json(CliRun.of("bench", "--weights", tiny(), "--image-size", "48", "--images", "2",
                    "--source-size", "64x48", mode.equals("encoder") ? "--warmup=1" : "--end-to-end"));
            assertEquals(mode, line.get("mode").asText());
            assertTrue(line.get("seconds_per_image").asDouble() > 0, line.toString());
            assertTrue(line.get("threads").asInt() >= 1, line.toString());
            assertEquals(48, line.get("image_size").asInt());
        }
    }

    @Test
    void endToEndGivesTheTimeToTheVerdictAndTheTimeUntilTheFilesAreWritten() throws IOException {
        JsonNode line = json(CliRun.of("bench", "--weights", tiny(), "--image-size", "48", "--images", "2",
                "--warmup", "0", "--source-size", "64x48", "--end-to-end"));
        double verdict = line.get("verdict_seconds").asDouble();
        double written = line.get("files_written_seconds").asDouble();
        assertTrue(verdict > 0, line.toString());
        assertTrue(verdict <= written, "the files come after the answer: " + line);
        assertEquals(written, line.get("seconds_per_image").asDouble(), 1e-9, "the headline is the whole path");
        assertEquals(written, verdict + line.get("write_seconds").asDouble(), 2e-4, "the two parts add up: " + line);
    }

    @Test
    void throughputRunsPredictsPipelineAndGivesBothRates() throws IOException {
        JsonNode line = json(CliRun.of("bench", "--weights", tiny(), "--image-size", "48", "--images", "3",
                "--warmup", "1", "--source-size", "64x48", "--throughput", "--precision", "fp32"));
        assertEquals("throughput", line.get("mode").asText());
        assertEquals(3, line.get("images").asInt());
        assertTrue(line.get("images_per_second").asDouble() > 0, line.toString());
        assertTrue(line.get("network_images_per_second").asDouble() >= line.get("images_per_second").asDouble(),
                "the network alone is never slower than the whole pipeline: " + line);
    }

    @Test
    void serveClientsPostThroughTheStationAndGiveItsRateNextToTheTowers() throws IOException {
        JsonNode line = json(CliRun.of("bench", "--weights", tiny(), "--image-size", "48", "--images", "8",
                "--warmup", "1", "--source-size", "64x48", "--serve-clients", "4", "--max-batch", "2",
                "--precision", "fp32"));
        assertEquals("serve", line.get("mode").asText());
        assertEquals(8, line.get("images").asInt());
        assertEquals(4, line.get("clients").asInt());
        assertTrue(line.get("images_per_second").asDouble() > 0, line.toString());
        assertTrue(line.get("tower_images_per_second").asDouble() > 0, line.toString());
        int largest = line.get("largest_batch").asInt();
        assertTrue(largest >= 1 && largest <= 2, "batches stay within --max-batch: " + line);
        assertTrue(line.get("station_reported_images_per_second").asDouble() > 0,
                "the station reports the rate it ran at in /api/v1/info: " + line);
    }

    @Test
    void threadsAreSetOnceLibtorchIsLoaded() throws IOException {
        // Without the fix this failed with UnsatisfiedLinkError when no earlier test of the JVM had loaded
        // libtorch. 2 threads: the setting is process-wide, and this machine's core count keeps later tests' speed.
        JsonNode line = json(CliRun.of("bench", "--weights", tiny(), "--image-size", "48", "--images", "1",
                "--warmup", "0", "--source-size", "64x48", "--threads", "2"));
        assertEquals(2, line.get("threads").asInt(), line.toString());
    }

    @Test
    void tiledModeReportsTheTileCountNextToAWholeImagePass() throws IOException {
        // 200 x 150 in 64-px tiles, stride 64: W' = ceil(136/64)*64 + 64 = 256 -> 4, H' = 192 -> 3
        JsonNode line = json(CliRun.of("bench", "--weights", tiny(), "--image-size", "48", "--images", "1",
                "--warmup", "0", "--source-size", "200x150", "--tiled", "--tile", "64"));
        assertEquals("tiled", line.get("mode").asText());
        assertEquals(12, line.get("tiles").asInt(), line.toString());
        assertTrue(line.get("seconds_per_image").asDouble() > 0, line.toString());
        assertTrue(line.get("whole_image_seconds").asDouble() > 0, line.toString());
        assertTrue(line.has("overhead_vs_tiles_x_whole"), line.toString());
    }

    @Test
    void tileCountsGiveOneLinePerCountWithTheOneTileLineFirst() throws IOException {
        CliRun run = CliRun.of("bench", "--weights", tiny(), "--image-size", "48", "--images", "1", "--warmup", "0",
                "--tiled", "--tile-counts", "6,2", "--tile", "40");
        assertEquals(0, run.exitCode(), run.toString());
        String[] lines = run.out().strip().split("\n");
        assertEquals(3, lines.length, run.out());
        int[] tiles = {1, 2, 6};
        String[] sizes = {"40x40", "80x40", "120x80"};
        for (int i = 0; i < 3; i++) {
            JsonNode line = new ObjectMapper().readTree(lines[i]);
            assertEquals(tiles[i], line.get("tiles").asInt(), line.toString());
            assertEquals(sizes[i], line.get("source_size").asText(), line.toString());
            assertEquals("40/40", line.get("tiling").asText(), line.toString());
            assertEquals(line.get("seconds_per_image").asDouble() / tiles[i], line.get("seconds_per_tile")
                    .asDouble(), 1e-3, line.toString());
            assertTrue(line.has("overhead_vs_tiles_x_one_tile"), line.toString());
        }
        assertEquals(0.0, new ObjectMapper().readTree(lines[0]).get("overhead_vs_tiles_x_one_tile").asDouble(), 0.0);
        CliRun alone = CliRun.of("bench", "--weights", tiny(), "--tile-counts", "2");
        assertEquals(2, alone.exitCode(), alone.toString());
    }

    @Test
    void referenceModeReportsEveryBankSizeAndBothWaysOfScoring() throws IOException {
        JsonNode line = json(CliRun.of("bench", "--weights", tiny(), "--image-size", "48", "--reference",
                "--reference-shots", "3,1", "--coreset", "200", "--test-good", "2", "--test-defects", "2",
                "--synth-size", "64"));
        assertEquals("reference", line.get("mode").asText());
        assertTrue(line.get("tower_seconds_per_image").asDouble() > 0, line.toString());
        assertTrue(line.get("prompt_only").get("image_auroc").isNumber(), line.toString());
        JsonNode shots = line.get("shots");
        assertEquals(2, shots.size(), line.toString());
        assertEquals(1, shots.get(0).get("k").asInt());
        assertEquals(144, shots.get(0).get("rows_per_block").asInt(), "one image of 12 × 12 patches, all kept");
        assertEquals(3, shots.get(1).get("k").asInt());
        assertEquals(200, shots.get(1).get("rows_per_block").asInt(), "432 patches, coreset of 200");
        assertTrue(shots.get(1).get("covering_radius").asDouble() > 0, line.toString());
        assertTrue(shots.get(1).get("fused").get("pixel_aupro").isNumber(), line.toString());
    }

    @Test
    void trainModesWithAndWithoutTheCache() throws IOException {
        JsonNode cached = json(CliRun.of("bench", "--weights", tiny(), "--image-size", "48", "--train", "--images", "4",
                "--batch-size", "2", "--epochs", "2", "--source-size", "64x48"));
        assertEquals("train-cached", cached.get("mode").asText());
        assertTrue(cached.has("later_epoch_seconds") && cached.get("cache_mb_per_image").asDouble() > 0,
                cached.toString());
        JsonNode uncached = json(CliRun.of("bench", "--weights", tiny(), "--image-size", "48", "--train", "--no-cache",
                "--images", "2", "--batch-size", "2", "--epochs", "2", "--source-size", "64x48"));
        assertEquals("train-no-cache", uncached.get("mode").asText());
    }

    @Test
    void metricsMode() throws IOException {
        JsonNode line = json(CliRun.of("bench", "--metrics", "--maps", "4", "--image-size", "32"));
        assertEquals(4 * 32 * 32, line.get("pixels").asLong());
        assertTrue(line.get("exact").asBoolean(), line.toString());
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertEquals(2, CliRun.of("bench", "--images", "0").exitCode());
        assertEquals(2, CliRun.of("bench", "--no-random-weights").exitCode());
    }
}
