package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code adclip test} on a typed bundle of the golden tiny CLIP, on a deliberately easy two-type case (a red or a
 * blue 20-px square on grey 48-px parts, with masks): the report gains the defect-type section, and every
 * defective image's type is its colour.
 */
class TestDefectTypesCliTest {
    private static final int SIZE = 48;
    @TempDir Path dir;

    @Test
    void testReportsTypeAccuracyAndConfusionOnImagesAndRegions() throws Exception {
        Path golden = Fixtures.goldenV1();
        Random random = new Random(5);
        Path data = dir.resolve("parts");
        for (int i = 0; i < 3; i++) {
            write(data.resolve("good/" + i + ".png"), random, null, 0, 0, null);
        }
        for (int i = 0; i < 3; i++) {
            for (String type : List.of("red", "blue")) {
                write(data.resolve(type + "/" + i + ".png"), random, type, random.nextInt(SIZE - 20),
                        random.nextInt(SIZE - 20), data.resolve(type + "/" + i + "_mask.png"));
            }
        }
        String weights = golden.resolve("tiny-clip.pt").toString();
        String cache = dir.resolve("cache").toString();
        Path trained = dir.resolve("typed");
        CliRun train = CliRun.of("train", "--data", data.toString(), "--weights", weights, "--image-size", "48",
                "--features", "2,3,4,6", "--dpam", "5", "--depth", "3", "--n-ctx", "6", "--t-n-ctx", "2", "--epochs",
                "1", "--batch-size", "8", "--test-split", "0", "--precision", "eager", "--out", trained.toString(),
                "--cache", cache);
        assertEquals(0, train.exitCode(), train.toString());
        Path out = dir.resolve("report");
        CliRun test = CliRun.of("test", "--data", data.toString(), "--bundle", trained.resolve("model.adclip")
                .toString(), "--weights", weights, "--precision", "eager", "--gallery", "0", "--out", out.toString(),
                "--cache", cache);
        assertEquals(0, test.exitCode(), test.toString());
        assertTrue(test.out().contains("defect types: images 100.0 % accurate, macro F1 100.0 % (6)"), test.out());

        JsonNode types = new ObjectMapper().readTree(out.resolve("metrics.json").toFile()).get("defect_types");
        assertEquals(6, types.at("/images/cases").asInt(), "3 red and 3 blue images");
        assertEquals(1.0, types.at("/images/accuracy").asDouble(), 0.0);
        assertEquals("[\"blue\",\"red\"]", types.at("/images/confusion/true").toString());
        assertEquals("[[3,0,0],[0,3,0]]", types.at("/images/confusion/counts").toString());
        long regionCells = 0;
        for (JsonNode row : types.at("/regions/confusion/counts")) {
            for (JsonNode n : row) {
                regionCells += n.asLong();
            }
        }
        assertEquals(types.at("/regions/cases").asLong(), regionCells);
        assertTrue(regionCells > 0, "some predicted region overlaps a square: " + types);
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<h2 id=\"defect-types\">Defect types</h2>"));
        assertTrue(html.contains("alt=\"confusion matrix of defect types, images\""));
        assertTrue(Files.readString(out.resolve("report.md")).contains("| red | 0 | 3 | 0 |"));
    }

    private static void write(Path file, Random random, String type, int x0, int y0, Path mask) throws Exception {
        Files.createDirectories(file.getParent());
        int[] colour = type == null ? null : type.equals("red") ? new int[] {230, 30, 30} : new int[] {30, 30, 230};
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        BufferedImage m = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                boolean inside = colour != null && x >= x0 && x < x0 + 20 && y >= y0 && y < y0 + 20;
                int g = 128 + random.nextInt(21) - 10;
                image.setRGB(x, y, inside ? (colour[0] << 16) | (colour[1] << 8) | colour[2] : (g << 16) | (g << 8) | g);
                m.getRaster().setSample(x, y, 0, inside ? 255 : 0);
            }
        }
        ImageIO.write(image, "png", file.toFile());
        if (mask != null) {
            ImageIO.write(m, "png", mask.toFile());
        }
    }
}
