package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Defect types from the command line on the golden tiny CLIP: a deliberately easy two-type case (red squares and
 * blue squares on grey parts, with masks) is trained and predicted; every test image's type must be the colour it
 * was painted with. Its results.json has {@code types} per image and region, sorted; the same images through a
 * bundle without types have no {@code types} anywhere.
 */
class DefectTypesCliTest {
    private static final int SIZE = 48;
    private static final int[] RED = {230, 30, 30};
    private static final int[] BLUE = {30, 30, 230};
    @TempDir static Path dir;
    private static Path golden;
    private static Path typed;
    private static Path plain;
    private static JsonNode typedResults;
    private static final List<Path> tests = new ArrayList<>();
    private static final List<String> truths = new ArrayList<>();

    @BeforeAll
    static void trainBoth() throws IOException {
        golden = Fixtures.goldenV1();
        Random random = new Random(11);
        Path data = dir.resolve("parts");
        for (int i = 0; i < 6; i++) {
            write(data.resolve("good/" + i + ".png"), part(random, null, 0, 0), null);
        }
        for (int i = 0; i < 4; i++) {
            for (String type : List.of("red", "blue")) {
                int x = random.nextInt(SIZE - 20);
                int y = random.nextInt(SIZE - 20);
                write(data.resolve(type + "/" + i + ".png"), part(random, colour(type), x, y),
                        data.resolve(type + "/" + i + "_mask.png"));
            }
        }
        for (int i = 0; i < 3; i++) {
            for (String type : List.of("red", "blue")) {
                int x = random.nextInt(SIZE - 20);
                int y = random.nextInt(SIZE - 20);
                Path file = dir.resolve("new/" + type + "_" + i + ".png");
                write(file, part(random, colour(type), x, y), null);
                tests.add(file);
                truths.add(type);
            }
        }
        typed = train(data, "typed", "--defect-types", "red=crimson");
        plain = train(data, "plain", "--ignore-defects");
        typedResults = predict(typed, "typed-out");
    }

    private static Path train(Path data, String name, String... extra) {
        Path out = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--weights",
                golden.resolve("tiny-clip.pt").toString(), "--image-size", "48", "--features", "2,3,4,6", "--dpam", "5",
                "--depth", "3", "--n-ctx", "6", "--t-n-ctx", "2", "--epochs", "1", "--batch-size", "8",
                "--test-split", "0", "--precision", "eager", "--out", out.toString(), "--cache",
                dir.resolve("cache").toString()));
        args.addAll(List.of(extra));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        return out.resolve("model.adclip");
    }

    private static int[] colour(String type) {
        return type.equals("red") ? RED : BLUE;
    }

    /** A grey part with noise, and a 20-px square of {@code colour} at (x, y) when not null. */
    private static BufferedImage part(Random random, int[] colour, int x0, int y0) {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                boolean inside = colour != null && x >= x0 && x < x0 + 20 && y >= y0 && y < y0 + 20;
                int g = 128 + random.nextInt(21) - 10;
                int r = inside ? colour[0] : g;
                int gg = inside ? colour[1] : g;
                int b = inside ? colour[2] : g;
                image.setRGB(x, y, (r << 16) | (gg << 8) | b);
            }
        }
        return image;
    }

    private static void write(Path file, BufferedImage image, Path mask) throws IOException {
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
        if (mask != null) {
            BufferedImage m = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    boolean inside = (image.getRGB(x, y) & 0xffffff) == rgb(RED) || (image.getRGB(x, y) & 0xffffff)
                            == rgb(BLUE);
                    m.getRaster().setSample(x, y, 0, inside ? 255 : 0);
                }
            }
            ImageIO.write(m, "png", mask.toFile());
        }
    }

    private static int rgb(int[] c) {
        return (c[0] << 16) | (c[1] << 8) | c[2];
    }

    private static JsonNode predict(Path bundle, String name, String... extra) throws IOException {
        Path out = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("predict", "--bundle", bundle.toString(), "--weights",
                golden.resolve("tiny-clip.pt").toString(), "--precision", "eager", "--format", "csv", "--no-images",
                "--out", out.toString(), "--cache", dir.resolve("cache").toString()));
        args.addAll(List.of(extra));
        tests.forEach(t -> args.add(t.toString()));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        return new ObjectMapper().readTree(out.resolve("results.json").toFile());
    }

    @Test
    void theEasyTwoColourCaseIsTypedCorrectly() {
        JsonNode results = typedResults;
        assertEquals(tests.size(), results.size());
        for (int i = 0; i < tests.size(); i++) {
            JsonNode row = results.get(i);
            JsonNode types = row.get("types");
            assertTrue(types != null && types.isObject(), row.toString());
            String top = types.fieldNames().next();
            assertEquals(truths.get(i), top, row.toString());
            assertSortedDistribution(types);
            for (JsonNode region : row.get("regions")) {
                assertSortedDistribution(region.get("types"));
            }
        }
    }

    @Test
    void tiledPredictionsAreTypedAndOneWholeTileMatchesTheUntiledTypes() throws IOException {
        JsonNode whole = predict(typed, "tiled-whole-out", "--tile", "4096");
        assertEquals(typedResults.size(), whole.size());
        for (int i = 0; i < tests.size(); i++) {
            assertEquals(typedResults.get(i).get("types"), whole.get(i).get("types"), tests.get(i).toString());
            assertEquals(typedResults.get(i).get("regions"), whole.get(i).get("regions"), tests.get(i).toString());
        }
        JsonNode tiles = predict(typed, "tiled-out", "--tile", "24", "--tile-stride", "16");
        for (int i = 0; i < tests.size(); i++) {
            JsonNode row = tiles.get(i);
            assertSortedDistribution(row.get("types"));
            for (JsonNode region : row.get("regions")) {
                assertSortedDistribution(region.get("types"));
            }
        }
    }

    @Test
    void theCsvHasTheTopTypeOfNgImages() throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("typed-out/results.csv"));
        assertTrue(lines.get(0).endsWith(",type,type_probability"), lines.get(0));
        for (int i = 0; i < tests.size(); i++) {
            String[] cells = lines.get(1 + i).split(",", -1);
            String expected = cells[1].equals("NG") ? truths.get(i) : "";
            assertEquals(expected, cells[cells.length - 2], lines.get(1 + i));
        }
    }

    @Test
    void aBundleWithoutTypesWritesNoTypesAnywhere() throws IOException {
        JsonNode results = predict(plain, "plain-out", "--map-threshold", "0");
        assertTrue(results.size() == tests.size());
        String text = results.toString();
        assertFalse(text.contains("\"types\""), text);
        assertTrue(results.get(0).get("regions").size() > 0, "the map threshold 0 gives regions: " + text);
        List<String> lines = Files.readAllLines(dir.resolve("plain-out/results.csv"));
        assertEquals("image,verdict,score,p_normal,p_anomaly,regions,map,overlay,mask,ms,error", lines.get(0));
    }

    @Test
    void givenPhrasesAreStoredAndKeptByResume() throws IOException {
        assertEquals("[\"red\",\"crimson\"]", vocabulary(typed).get(phraseIndex(typed, "red")).get("phrases")
                .toString());
        CliRun resumed = CliRun.of("train", "--resume", typed.getParent().toString(), "--epochs", "2", "--precision",
                "eager", "--cache", dir.resolve("cache").toString());
        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertEquals("[\"red\",\"crimson\"]", vocabulary(typed).get(phraseIndex(typed, "red")).get("phrases")
                .toString(), "resume keeps the run's --defect-types");
    }

    private static JsonNode vocabulary(Path bundle) throws IOException {
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(bundle.toFile())) {
            return new ObjectMapper().readTree(zip.getInputStream(zip.getEntry("manifest.json"))).get("types")
                    .get("vocabulary");
        }
    }

    private static int phraseIndex(Path bundle, String name) throws IOException {
        JsonNode v = vocabulary(bundle);
        for (int i = 0; i < v.size(); i++) {
            if (v.get(i).get("name").asText().equals(name)) {
                return i;
            }
        }
        throw new AssertionError(name + " not in " + v);
    }

    private static void assertSortedDistribution(JsonNode types) {
        assertTrue(types != null && types.size() > 0);
        double previous = Double.POSITIVE_INFINITY;
        double sum = 0;
        for (Iterator<JsonNode> it = types.elements(); it.hasNext();) {
            double p = it.next().asDouble();
            assertTrue(p <= previous, types.toString());
            previous = p;
            sum += p;
        }
        assertEquals(1, sum, 1e-9, types.toString());
    }
}
