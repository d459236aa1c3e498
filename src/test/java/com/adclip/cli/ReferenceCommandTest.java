package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code adclip reference add|list} and predict with a bank, on the golden tiny CLIP. */
class ReferenceCommandTest {
    @TempDir static Path tmp;
    private static EvalCliFixture fixture;
    private static Path withBank;
    private static CliRun added;

    @BeforeAll
    static void addTwoReferences() {
        fixture = EvalCliFixture.create(tmp);
        withBank = tmp.resolve("with-bank.adclip");
        List<String> args = fixture.base("reference", fixture.bundle);
        args.add(1, "add");
        args.addAll(List.of("--out", withBank.toString(), image(0).toString(), image(1).toString()));
        added = CliRun.of(args.toArray(String[]::new));
    }

    private static Path image(int i) {
        return fixture.golden.resolve("images/img" + i + ".png");
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private double[] predict(Path bundle, String name, String... extra) throws IOException {
        Path out = tmp.resolve(name);
        List<String> args = fixture.base("predict", bundle);
        args.addAll(List.of("--no-images", "--out", out.toString()));
        args.addAll(List.of(extra));
        for (int i = 0; i < 4; i++) {
            args.add(image(i).toString());
        }
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        lastPredict = run;
        JsonNode rows = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        double[] scores = new double[4];
        for (int i = 0; i < 4; i++) {
            scores[i] = rows.get(i).get("score").asDouble();
        }
        return scores;
    }

    private CliRun lastPredict;

    @Test
    void addWritesABankAndListShowsEveryImagesSha256() throws Exception {
        assertEquals(0, added.exitCode(), added.toString());
        assertTrue(added.out().contains("added 2 reference images"), added.out());
        CliRun list = CliRun.of("reference", "list", "--bundle", withBank.toString());
        assertEquals(0, list.exitCode(), list.toString());
        assertTrue(list.out().contains(sha256(image(0)) + "  loo_p99 "), list.out());
        assertTrue(list.out().contains(sha256(image(1))), list.out());
        assertTrue(list.out().contains("block 6: 288 of 288 rows kept"), list.out());
        CliRun plain = CliRun.of("reference", "list", "--bundle", fixture.bundle.toString());
        assertEquals(0, plain.exitCode(), plain.toString());
        assertTrue(plain.out().contains("has no reference images"), plain.out());
    }

    @Test
    void predictFusesTheBankAndSaysSoAndNoReferenceGivesThePromptScores() throws IOException {
        double[] prompt = predict(fixture.bundle, "plain");
        assertFalse(lastPredict.err().contains("reference bank"), lastPredict.err());
        double[] fused = predict(withBank, "fused");
        assertTrue(lastPredict.err().contains("reference bank: 2 good images, 288 rows per block"),
                lastPredict.err());
        // images 0 and 1 are in the bank: their bank evidence is 0, so the fused score is half the prompt's
        assertEquals(prompt[0] / 2, fused[0], 1e-5);
        assertEquals(prompt[1] / 2, fused[1], 1e-5);
        assertTrue(fused[2] > prompt[2] / 2 + 0.05, "image 2 is not in the bank: " + fused[2]);
        double[] off = predict(withBank, "off", "--no-reference");
        assertTrue(lastPredict.err().contains("reference bank: off (--no-reference)"), lastPredict.err());
        assertArrayEquals(prompt, off, 0);
    }

    @Test
    void aBankOfWholeImagesIsNotComparedWithTilesTheRefusalNamesTheOptionsThatWork() throws IOException {
        List<String> args = fixture.base("predict", withBank);
        args.addAll(List.of("--no-images", "--out", tmp.resolve("tiled-refused").toString(), "--tile", "24",
                "--tile-stride", "16", image(2).toString()));
        CliRun refused = CliRun.of(args.toArray(String[]::new));
        assertEquals(2, refused.exitCode(), refused.toString());
        assertEquals(1, refused.err().strip().lines().count(), refused.toString());
        assertTrue(refused.err().contains("holds patches of whole images; this run inspects tiles 24/16"),
                refused.err());
        assertTrue(refused.err().contains("--tiles none") && refused.err().contains("--no-reference"), refused.err());
        double[] tiledPrompt = predict(fixture.bundle, "tiled-plain", "--tile", "24", "--tile-stride", "16");
        double[] tiledOff = predict(withBank, "tiled-off", "--no-reference", "--tile", "24", "--tile-stride", "16");
        assertArrayEquals(tiledPrompt, tiledOff, 0);
    }

    @Test
    void aTiledBankHoldsTilePatchesAndTiledInspectionsFuseIt() throws Exception {
        Path tiledBank = tmp.resolve("tiled-bank.adclip");
        List<String> args = fixture.base("reference", fixture.bundle);
        args.add(1, "add");
        args.addAll(List.of("--tile", "24", "--tile-stride", "16", "--tile-batch", "3", "--out",
                tiledBank.toString(), image(0).toString(), image(1).toString()));
        CliRun add = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, add.exitCode(), add.toString());
        assertTrue(add.out().contains("the bank holds patches of tiles 24/16"), add.out());
        CliRun list = CliRun.of("reference", "list", "--bundle", tiledBank.toString());
        assertTrue(list.out().contains("patches of tiles 24/16"), list.out());
        // every tile's 12 x 12 patches of each block are in the bank (the coreset keeps all at this size)
        int tiles0 = tiles(image(0));
        int tiles1 = tiles(image(1));
        assertTrue(list.out().contains("block 6: " + 144 * (tiles0 + tiles1) + " of " + 144 * (tiles0 + tiles1)
                + " rows kept"), list.out() + " tiles " + tiles0 + "+" + tiles1);
        double[] prompt = predict(fixture.bundle, "tiled-prompt", "--tile", "24", "--tile-stride", "16");
        double[] fused = predict(tiledBank, "tiled-fused", "--tile", "24", "--tile-stride", "16");
        // images 0 and 1 are in the bank, tile for tile: every tile's bank evidence is 0, so each tile's fused
        // score is half its prompt score, and so is the largest
        assertEquals(prompt[0] / 2, fused[0], 1e-5);
        assertEquals(prompt[1] / 2, fused[1], 1e-5);
        assertTrue(fused[2] > prompt[2] / 2 + 0.05, "image 2 is not in the bank: " + fused[2]);
        List<String> wholeArgs = fixture.base("predict", tiledBank);
        wholeArgs.addAll(List.of("--no-images", "--tiles", "none", "--out", tmp.resolve("whole-refused").toString(),
                image(2).toString()));
        CliRun refused = CliRun.of(wholeArgs.toArray(String[]::new));
        assertEquals(2, refused.exitCode(), refused.toString());
        assertTrue(refused.err().contains("(--tile 24 --tile-stride 16)"), refused.err());
        List<String> more = fixture.base("reference", tiledBank);
        more.add(1, "add");
        more.addAll(List.of("--tiles", "none", "--out", tmp.resolve("more.adclip").toString(), image(2).toString()));
        CliRun wrongLayout = CliRun.of(more.toArray(String[]::new));
        assertEquals(2, wrongLayout.exitCode(), wrongLayout.toString());
        assertFalse(Files.exists(tmp.resolve("more.adclip")));
    }

    /** The tiles of 24 px at stride 16 of a golden image (anomalib's count per axis). */
    private static int tiles(Path image) throws IOException {
        java.awt.image.BufferedImage picture = javax.imageio.ImageIO.read(image.toFile());
        return axis(picture.getWidth()) * axis(picture.getHeight());
    }

    private static int axis(int length) {
        if (length <= 24) {
            return 1;
        }
        return (int) Math.ceil((length - 24) / 16.0) + 1;
    }

    private static JsonNode testRun(Path bundle, String name, String... extra) throws IOException {
        Path out = tmp.resolve(name);
        List<String> args = fixture.base("test", bundle);
        args.addAll(List.of("--data", fixture.golden.resolve("meta.json").toString(), "--out", out.toString(),
                "--gallery", "0"));
        args.addAll(List.of(extra));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        return new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
    }

    @Test
    void testReportsPromptOnlyAndFusedMetricsSideBySide() throws IOException {
        JsonNode plain = testRun(fixture.bundle, "test-plain");
        assertFalse(plain.has("comparison"), plain.toString());
        JsonNode fused = testRun(withBank, "test-fused");
        JsonNode side = fused.get("comparison");
        assertEquals(2, side.size(), side.toString());
        JsonNode prompt = side.get("prompt only");
        JsonNode bank = side.get("fused, 2 reference images");
        for (String metric : List.of("image_auroc", "image_ap", "pixel_auroc", "pixel_aupro", "precision")) {
            assertEquals(plain.get("pooled").get(metric).asDouble(), prompt.get(metric).asDouble(), 1e-12, metric);
            assertEquals(fused.get("pooled").get(metric).asDouble(), bank.get(metric).asDouble(), 1e-12, metric);
        }
        assertTrue(fused.get("about").get("reference images").asText().startsWith("reference bank: 2"));
        String html = Files.readString(tmp.resolve("test-fused/report.html"));
        assertTrue(html.contains("Prompt only and fused with the reference bank"));
        // the pixel maps changed: the bank's map is added
        assertTrue(Math.abs(plain.get("pooled").get("pixel_auroc").asDouble()
                - fused.get("pooled").get("pixel_auroc").asDouble()) > 1e-6, fused.toString());
    }

    @Test
    void addingAnImageAlreadyInTheBankSkipsItWithAReason() {
        Path again = tmp.resolve("again.adclip");
        List<String> args = fixture.base("reference", withBank);
        args.add(1, "add");
        args.addAll(List.of("--out", again.toString(), image(0).toString()));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("already a reference image (same sha256)"), run.err());
        assertTrue(run.err().contains("no image was added"), run.err());
        assertFalse(Files.exists(again));
    }

    @Test
    void addingMoreImagesKeepsTheEarlierOnes() throws Exception {
        Path three = tmp.resolve("three.adclip");
        List<String> args = fixture.base("reference", withBank);
        args.add(1, "add");
        args.addAll(List.of("--out", three.toString(), image(2).toString()));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        CliRun list = CliRun.of("reference", "list", "--bundle", three.toString());
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            order.add(String.valueOf(list.out().indexOf(sha256(image(i)))));
        }
        assertTrue(list.out().startsWith("3 reference images"), list.out());
        assertTrue(Integer.parseInt(order.get(0)) < Integer.parseInt(order.get(1))
                && Integer.parseInt(order.get(1)) < Integer.parseInt(order.get(2)), list.out());
    }
}
