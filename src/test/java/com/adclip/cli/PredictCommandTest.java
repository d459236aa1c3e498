package com.adclip.cli;

import static com.adclip.testing.GoldenAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.adclip.anomaly.MapResize;
import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code adclip predict} end to end on the golden tiny CLIP and the reference's checkpoint. */
class PredictCommandTest {
    private static Path golden;
    @TempDir Path tmp;

    @BeforeAll
    static void fixtures() {
        golden = Fixtures.goldenV1();
    }

    private List<String> base(Path out) {
        return new ArrayList<>(List.of("predict", "--weights", golden.resolve("tiny-clip.pt").toString(),
                "--checkpoint", golden.resolve("prompt-learner.pth").toString(), "--image-size", "48", "--features",
                "2,3,4,6", "--dpam", "5", "--sigma", "4", "--out", out.toString(), "--cache",
                out.resolveSibling("cache").toString(), "--precision", "fp32")); // golden parity is fp32
    }

    private static JsonNode results(Path out) throws IOException {
        return new ObjectMapper().readTree(out.resolve("results.json").toFile());
    }

    @Test
    void goldenMapsAndScoresEndToEnd() throws IOException {
        Path out = tmp.resolve("out");
        List<String> args = base(out);
        for (int i = 0; i < 4; i++) {
            args.add(golden.resolve("images/img" + i + ".png").toString());
        }
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode rows = results(out);
        assertEquals(4, rows.size());
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> expected = Fixtures.npz(manager, golden.resolve("expected.npz"));
            float[] probs = expected.get("image_probs").toFloatArray();
            for (int i = 0; i < 4; i++) {
                JsonNode row = rows.get(i);
                assertEquals(probs[2 * i + 1], row.get("score").asDouble(), 1e-4, "score of image " + i);
                assertEquals(probs[2 * i], row.get("probabilities").get("normal").asDouble(), 1e-4);
                assertEquals(row.get("score").asDouble() >= 0.5 ? "NG" : "OK", row.get("verdict").asText());
                int width = row.get("width").asInt();
                int height = row.get("height").asInt();
                NDArray reference = expected.get("anomaly_map").get(i); // [48, 48]
                if (width != 48 || height != 48) { // shown at the image's own size
                    reference = MapResize.toImageSize(reference, width, height);
                }
                NDArray ours = manager.create(readNpy(out.resolve(row.get("map").asText())), new Shape(height, width));
                assertClose("anomaly map of image " + i, reference, ours, 1e-4);
                BufferedImage overlay = ImageIO.read(out.resolve(row.get("overlay").asText()).toFile());
                assertEquals(width, overlay.getWidth());
                assertEquals(height, overlay.getHeight());
                assertTrue(Files.exists(out.resolve(row.get("mask").asText())));
            }
        }
        assertTrue(run.err().contains("4 images"), run.err());
    }

    /**
     * Issue 12: predict decodes the next batch and writes the previous one while the network runs; rows and
     * files still come in input order, an unreadable input in the middle fails alone, and the summary gives images/s.
     */
    @Test
    void overlappedBatchesKeepInputOrderAndReportImagesPerSecond() throws IOException {
        Path out = tmp.resolve("order");
        Path broken = Files.write(tmp.resolve("broken.png"), new byte[0]);
        List<String> args = base(out);
        args.addAll(List.of("--batch-size", "1"));
        int[] order = {3, 1, 2, 0};
        for (int i = 0; i < order.length; i++) {
            args.add(golden.resolve("images/img" + order[i] + ".png").toString());
            if (i == 1) {
                args.add(broken.toString());
            }
        }
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(1, run.exitCode(), run.toString());
        JsonNode rows = results(out);
        assertEquals(5, rows.size());
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] probs = Fixtures.npz(manager, golden.resolve("expected.npz")).get("image_probs").toFloatArray();
            int row = 0;
            for (int i = 0; i < order.length; i++) {
                JsonNode r = rows.get(row++);
                assertTrue(r.get("image").asText().endsWith("img" + order[i] + ".png"), r.toString());
                assertEquals(probs[2 * order[i] + 1], r.get("score").asDouble(), 1e-4, r.toString());
                assertTrue(Files.exists(out.resolve(r.get("overlay").asText())), r.toString());
                if (i == 1) {
                    JsonNode failed = rows.get(row++);
                    assertTrue(failed.get("image").asText().endsWith("broken.png"), failed.toString());
                    assertEquals("ERROR", failed.get("verdict").asText());
                }
            }
        }
        assertTrue(run.err().matches("(?s).*5 images: \\d OK, \\d NG, 1 failed;.*"), run.err());
        assertTrue(run.err().matches("(?s).*s/image; [0-9.]+ images/s; results in.*"), run.err());
    }

    /** Minimal .npy reader for the test: little-endian float32, C order. */
    private static float[] readNpy(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readAllBytes();
            ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            int headerLength = buffer.getShort(8) & 0xFFFF;
            String header = new String(bytes, 10, headerLength, java.nio.charset.StandardCharsets.US_ASCII);
            assertTrue(header.contains("'descr': '<f4'"), header);
            int start = 10 + headerLength;
            float[] values = new float[(bytes.length - start) / 4];
            buffer.position(start);
            buffer.asFloatBuffer().get(values);
            return values;
        }
    }

    @Test
    void referenceSpellingsAreAccepted() throws IOException {
        Path out = tmp.resolve("alias");
        CliRun run = CliRun.of("predict", "--weights", golden.resolve("tiny-clip.pt").toString(), "--checkpoint_path",
                golden.resolve("prompt-learner.pth").toString(), "--image_size", "48", "--features_list", "2", "3",
                "4", "6", "--DPAM_layer", "5", "--n_ctx", "6", "--t_n_ctx", "2", "--save_path", out.toString(),
                golden.resolve("images/img1.png").toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(1, results(out).size());
    }

    @Test
    void badInputsBecomeErrorRowsAndTheRunGoesOn() throws IOException {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.copy(golden.resolve("images/img0.png"), in.resolve("good.png"));
        Files.write(in.resolve("empty.png"), new byte[0]);
        Files.writeString(in.resolve("notes.txt"), "not an image");
        byte[] png = Files.readAllBytes(golden.resolve("images/img1.png"));
        Files.write(in.resolve("truncated.png"), java.util.Arrays.copyOf(png, png.length / 2));
        byte[] corrupt = png.clone();
        for (int i = 60; i < corrupt.length - 20; i++) {
            corrupt[i] = (byte) (corrupt[i] ^ 0x5A);
        }
        Files.write(in.resolve("corrupt.png"), corrupt);
        BufferedImage big = new BufferedImage(300, 300, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(big, "png", in.resolve("big.png").toFile());
        Path out = tmp.resolve("out");
        List<String> args = base(out);
        args.addAll(List.of("--max-megapixels", "0.05", "--format", "csv", in.toString()));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(1, run.exitCode(), run.toString());
        JsonNode rows = results(out);
        assertEquals(5, rows.size(), "notes.txt is skipped (not an image by its extension), not an error row");
        assertTrue(run.err().contains("skipped 1 file(s) that are not images"), run.toString());
        int errors = 0;
        for (JsonNode row : rows) {
            String image = row.get("image").asText();
            if (image.endsWith("good.png")) {
                assertTrue(row.has("score"), row.toString());
                continue;
            }
            errors++;
            assertEquals("ERROR", row.get("verdict").asText(), row.toString());
            String error = row.get("error").asText();
            assertTrue(error.contains(Path.of(image).getFileName().toString()), error);
            if (image.endsWith("big.png")) {
                assertTrue(error.contains("megapixels"), error);
            }
        }
        assertEquals(4, errors);
        assertTrue(run.err().contains("4 failed"), run.err());
        String csv = Files.readString(out.resolve("results.csv"));
        assertEquals(6, csv.strip().split("\n").length, csv);
    }

    @Test
    void missingWeightsAndUnfittingCheckpointsExitTwoWithOneLine() {
        Path out = tmp.resolve("out");
        List<String> args = base(out);
        args.set(2, tmp.resolve("nope.pt").toString());
        args.add(golden.resolve("images/img0.png").toString());
        CliRun missing = CliRun.of(args.toArray(String[]::new));
        assertEquals(2, missing.exitCode(), missing.toString());
        assertTrue(missing.err().contains("weights not found") && missing.err().strip().lines().count() == 1,
                missing.toString());

        List<String> wrong = base(out);
        wrong.addAll(List.of("--n-ctx", "12", golden.resolve("images/img0.png").toString()));
        CliRun unfit = CliRun.of(wrong.toArray(String[]::new));
        assertEquals(2, unfit.exitCode(), unfit.toString());
        assertTrue(unfit.err().contains("n-ctx 6"), unfit.toString());

        List<String> notCheckpoint = base(out);
        notCheckpoint.set(4, golden.resolve("meta.json").toString());
        notCheckpoint.add(golden.resolve("images/img0.png").toString());
        CliRun bad = CliRun.of(notCheckpoint.toArray(String[]::new));
        assertEquals(2, bad.exitCode(), bad.toString());
        assertTrue(!bad.err().contains("\tat "), "no stack trace without --verbose: " + bad);
    }

    @Test
    void inputsSharingAStemKeepTheirRelativePaths() throws IOException {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.createDirectories(in.resolve("a"));
        Files.createDirectories(in.resolve("b"));
        Files.copy(golden.resolve("images/img0.png"), in.resolve("a/part.png"));
        Files.copy(golden.resolve("images/img1.png"), in.resolve("b/part.png"));
        Path out = tmp.resolve("out");
        List<String> args = base(out);
        args.add(in.toString());
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(Files.exists(out.resolve("a/part.npy")), run.toString());
        assertTrue(Files.exists(out.resolve("b/part_overlay.png")));
    }

    @Test
    void aBundleWithOtherClipWeightsNeedsForce() {
        Path bundle = tmp.resolve("tiny.adclip");
        CliRun imported = CliRun.of("import", "--weights", golden.resolve("tiny-clip.pt").toString(), "--checkpoint",
                golden.resolve("prompt-learner.pth").toString(), "--image-size", "48", "--features", "2,3,4,6",
                "--dpam", "5", "--out", bundle.toString(), "--cache", tmp.resolve("cache").toString());
        assertEquals(0, imported.exitCode(), imported.toString());
        String image = golden.resolve("images/img0.png").toString();
        String other = golden.resolve("tiny-clip-openai.safetensors").toString();
        CliRun refused = CliRun.of("predict", "--bundle", bundle.toString(), "--weights", other, "--out",
                tmp.resolve("o1").toString(), "--cache", tmp.resolve("cache").toString(), image);
        assertEquals(2, refused.exitCode(), refused.toString());
        assertTrue(refused.err().contains("--force"), refused.toString());
        CliRun forced = CliRun.of("predict", "--bundle", bundle.toString(), "--weights", other, "--force", "--out",
                tmp.resolve("o2").toString(), "--cache", tmp.resolve("cache").toString(), image);
        assertEquals(0, forced.exitCode(), forced.toString());
        CliRun noWeights = CliRun.of("predict", "--bundle", bundle.toString(), "--out", tmp.resolve("o4").toString(),
                "--cache", tmp.resolve("cache").toString(), image);
        assertEquals(2, noWeights.exitCode(), noWeights.toString());
        assertTrue(noWeights.err().contains("tiny-clip.pt") && noWeights.err().contains("--weights PATH"),
                noWeights.toString());
        CliRun same = CliRun.of("predict", "--bundle", bundle.toString(), "--weights",
                golden.resolve("tiny-clip.pt").toString(), "--out", tmp.resolve("o3").toString(), "--cache",
                tmp.resolve("cache").toString(), image);
        assertEquals(0, same.exitCode(), same.toString());
    }
}
