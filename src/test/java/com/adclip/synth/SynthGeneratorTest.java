package com.adclip.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.AdclipException;
import com.adclip.data.Dataset;
import com.adclip.data.DatasetLoader;
import com.adclip.data.Layout;
import com.adclip.data.MaskSource;
import com.adclip.data.Sample;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthGeneratorTest {

    /** Every class, every defect type at least once in test, a few few-shot training defects. */
    private static final SynthGenerator.Config CONFIG = new SynthGenerator.Config(Path.of("unused"), 5, 2, 2, 4,
            128, 11);

    @TempDir
    static Path tmp;

    static Path root;

    @BeforeAll
    static void generate() {
        root = tmp.resolve("synth");
        SynthGenerator.generate(with(CONFIG, root), n -> {});
    }

    private static SynthGenerator.Config with(SynthGenerator.Config c, Path out) {
        return new SynthGenerator.Config(out, c.classes(), c.good(), c.trainDefects(), c.defects(), c.size(),
                c.seed());
    }

    @Test
    void loadsAsMetaJsonAndAsMvtecClassFoldersWithTheSameSamples() {
        Dataset meta = DatasetLoader.load(root);
        assertEquals(Layout.META_JSON, meta.layout());
        assertEquals(SynthGenerator.classNames(5).stream().sorted().toList(), meta.classes());
        for (String cls : meta.classes()) {
            Dataset mvtec = DatasetLoader.load(root.resolve(cls));
            assertEquals(Layout.MVTEC, mvtec.layout());
            for (String split : List.of("train", "test")) {
                assertEquals(describe(meta.split(split).get(cls)), describe(mvtec.split(split).get(cls)),
                        cls + " " + split);
            }
            List<Sample> train = meta.train().get(cls);
            List<Sample> test = meta.test().get(cls);
            assertEquals(CONFIG.good(), train.stream().filter(s -> !s.anomaly()).count());
            assertEquals(CONFIG.trainDefects(), train.stream().filter(Sample::anomaly).count());
            assertEquals(CONFIG.good(), test.stream().filter(s -> !s.anomaly()).count());
            assertEquals(CONFIG.defects(), test.stream().filter(Sample::anomaly).count());
            assertTrue(test.stream().filter(Sample::anomaly).allMatch(Sample::hasMask), cls);
            assertTrue(train.stream().filter(Sample::anomaly).allMatch(Sample::hasMask), cls);
            Set<String> types = new HashSet<>();
            test.stream().filter(Sample::anomaly).forEach(s -> types.add(s.defectType()));
            Product product = product(cls);
            assertEquals(product.defects().stream().map(DefectType::folder).collect(Collectors.toSet()), types,
                    cls + ": every defect type of the class is in test");
        }
    }

    private static List<String> describe(List<Sample> samples) {
        List<String> out = new ArrayList<>();
        for (Sample s : samples) {
            String mask = s.mask().map(m -> ((MaskSource.File) m).path().toString()).orElse("-");
            out.add(s.image() + " " + s.className() + " " + s.defectType() + " " + s.anomaly() + " " + mask);
        }
        out.sort(null);
        return out;
    }

    @Test
    void everyDefectTypeAppearsSomewhere() {
        Set<String> types = new HashSet<>();
        DatasetLoader.load(root).samples("test").forEach(s -> types.add(s.defectType()));
        for (DefectType t : DefectType.values()) {
            assertTrue(types.contains(t.folder()), t.folder());
        }
    }

    /**
     * The masks are where the defects changed the image: against a defect-free render of the same seed (same
     * pose and lighting), every mask pixel differs, and every differing pixel is in the mask or touches it.
     */
    @Test
    void masksAreExactlyWhereTheImageDiffersFromTheDefectFreeRender() throws IOException {
        JsonNode images = boxes().get("images");
        int checked = 0;
        for (var it = images.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode entry = e.getValue();
            BufferedImage image = ImageIO.read(root.resolve(e.getKey()).toFile());
            Product product = product(entry.get("class").asText());
            BufferedImage clean = SampleRenderer.render(product, CONFIG.size(), entry.get("seed").asLong(), null)
                    .image();
            int s = CONFIG.size();
            boolean[] changed = new boolean[s * s];
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    changed[y * s + x] = image.getRGB(x, y) != clean.getRGB(x, y);
                }
            }
            if (entry.get("type").asText().equals("good")) {
                for (boolean c : changed) {
                    assertFalse(c, e.getKey() + ": a good image equals the defect-free render");
                }
                continue;
            }
            boolean[] mask = mask(e.getKey(), entry);
            int area = 0;
            for (int i = 0; i < mask.length; i++) {
                if (mask[i]) {
                    area++;
                    assertTrue(changed[i], e.getKey() + ": mask pixel " + (i % s) + "," + (i / s) + " unchanged");
                } else if (changed[i]) {
                    assertTrue(touches(mask, i % s, i / s, s), e.getKey() + ": pixel " + (i % s) + "," + (i / s)
                            + " changed more than 1 px away from the mask");
                }
            }
            assertTrue(area > 0, e.getKey() + ": empty mask");
            checked++;
        }
        assertEquals(5 * (CONFIG.defects() + CONFIG.trainDefects()), checked);
    }

    @Test
    void boxesAreTightAndCoverEveryMaskPixel() throws IOException {
        JsonNode images = boxes().get("images");
        for (var it = images.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode entry = e.getValue();
            if (entry.get("type").asText().equals("good")) {
                assertTrue(entry.get("boxes").isEmpty(), e.getKey());
                continue;
            }
            boolean[] mask = mask(e.getKey(), entry);
            int s = CONFIG.size();
            boolean[] covered = new boolean[mask.length];
            assertFalse(entry.get("boxes").isEmpty(), e.getKey());
            for (JsonNode b : entry.get("boxes")) {
                assertEquals(entry.get("type").asText(), b.get("type").asText());
                int x = b.get("box").get(0).asInt();
                int y = b.get("box").get(1).asInt();
                int w = b.get("box").get(2).asInt();
                int h = b.get("box").get(3).asInt();
                assertTrue(w > 0 && h > 0 && x >= 0 && y >= 0 && x + w <= s && y + h <= s, e.getKey() + " " + b);
                boolean left = false;
                boolean right = false;
                boolean top = false;
                boolean bottom = false;
                for (int yy = y; yy < y + h; yy++) {
                    for (int xx = x; xx < x + w; xx++) {
                        if (mask[yy * s + xx]) {
                            covered[yy * s + xx] = true;
                            left |= xx == x;
                            right |= xx == x + w - 1;
                            top |= yy == y;
                            bottom |= yy == y + h - 1;
                        }
                    }
                }
                assertTrue(left && right && top && bottom, e.getKey() + ": box " + b + " is not tight");
            }
            for (int i = 0; i < mask.length; i++) {
                assertTrue(!mask[i] || covered[i], e.getKey() + ": mask pixel outside every box");
            }
        }
    }

    @Test
    void sameArgumentsGiveByteIdenticalFiles() throws IOException {
        SynthGenerator.Config small = new SynthGenerator.Config(Path.of("unused"), 2, 1, 1, 2, 96, 5);
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        SynthGenerator.generate(with(small, a), n -> {});
        SynthGenerator.generate(with(small, b), n -> {});
        Map<String, byte[]> fa = files(a);
        Map<String, byte[]> fb = files(b);
        assertEquals(fa.keySet(), fb.keySet());
        assertTrue(fa.containsKey("meta.json") && fa.containsKey("boxes.json"));
        fa.forEach((name, bytes) -> assertArrayEquals(bytes, fb.get(name), name));
        Path c = tmp.resolve("c");
        SynthGenerator.generate(new SynthGenerator.Config(c, 2, 1, 1, 2, 96, 6), n -> {});
        assertFalse(java.util.Arrays.equals(fa.get("disc/test/good/000.png"), files(c).get("disc/test/good/000.png")),
                "another seed gives another image");
    }

    @Test
    void everyTypeRendersAVisibleDefectAtTheSmallestSize() {
        for (Product product : SynthGenerator.PRODUCTS) {
            for (DefectType type : product.defects()) {
                for (long seed = 0; seed < 4; seed++) {
                    SampleRenderer.Rendered r = SampleRenderer.render(product, 64, seed, type);
                    assertFalse(r.boxes().isEmpty(), product.name() + "/" + type.folder() + " seed " + seed);
                }
            }
        }
    }

    @Test
    void refusesANonEmptyFolderAndBadSettings() throws IOException {
        Path full = tmp.resolve("full");
        Files.createDirectories(full);
        Files.writeString(full.resolve("x.txt"), "x");
        AdclipException e = assertThrows(AdclipException.class,
                () -> SynthGenerator.generate(new SynthGenerator.Config(full, 1, 1, 0, 1, 64, 0), n -> {}));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        assertEquals(AdclipException.USAGE, e.exitCode());
        assertThrows(AdclipException.class, () -> new SynthGenerator.Config(full, 6, 1, 0, 1, 64, 0));
        assertThrows(AdclipException.class, () -> new SynthGenerator.Config(full, 1, 0, 0, 1, 64, 0));
        assertThrows(AdclipException.class, () -> new SynthGenerator.Config(full, 1, 1, -1, 1, 64, 0));
        assertThrows(AdclipException.class, () -> new SynthGenerator.Config(full, 1, 1, 0, 1, 32, 0));
    }

    private static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        }
        return out;
    }

    private static JsonNode boxes() throws IOException {
        return new ObjectMapper().readTree(root.resolve("boxes.json").toFile());
    }

    private static Product product(String name) {
        return SynthGenerator.PRODUCTS.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    private static boolean[] mask(String imagePath, JsonNode entry) throws IOException {
        String stem = imagePath.substring(imagePath.lastIndexOf('/') + 1).replace(".png", "");
        Path file = root.resolve(entry.get("class").asText()).resolve("ground_truth").resolve(entry.get("type")
                .asText()).resolve(stem + "_mask.png");
        BufferedImage m = ImageIO.read(file.toFile());
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, m.getType(), file.toString());
        int s = m.getWidth();
        boolean[] out = new boolean[s * s];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                int v = m.getRaster().getSample(x, y, 0);
                assertTrue(v == 0 || v == 255, file + ": mask value " + v);
                out[y * s + x] = v == 255;
            }
        }
        return out;
    }

    private static boolean touches(boolean[] mask, int x, int y, int s) {
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                int nx = x + dx;
                int ny = y + dy;
                if (nx >= 0 && ny >= 0 && nx < s && ny < s && mask[ny * s + nx]) {
                    return true;
                }
            }
        }
        return false;
    }
}
