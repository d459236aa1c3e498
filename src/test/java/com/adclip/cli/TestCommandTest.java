package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.adclip.eval.ClassMetrics;
import com.adclip.eval.ImageAuroc;
import com.adclip.eval.PixelMetrics;
import com.adclip.eval.PixelMetricsAccumulator;
import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code adclip test} end to end on golden-v1 with the tiny CLIP imported as a bundle. */
class TestCommandTest {
    @TempDir static Path shared;
    private static EvalCliFixture fx;
    @TempDir Path tmp;

    @BeforeAll
    static void bundle() {
        fx = EvalCliFixture.create(shared);
    }

    private static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    @Test
    void goldenMetaJsonEndToEnd() throws IOException {
        Path out = tmp.resolve("out");
        List<String> args = fx.base("test", fx.bundle);
        args.addAll(List.of("--data", fx.golden.resolve("meta.json").toString(), "--out", out.toString(),
                "--save-maps"));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode metrics = json(out.resolve("metrics.json"));
        for (String section : new String[] {"mean", "pooled"}) {
            assertTrue(metrics.has(section), section);
        }
        JsonNode v1 = metrics.get("classes").get("v1");
        for (String key : ClassMetrics.NAMES) {
            assertTrue(v1.has(key), "classes.v1." + key + " in " + v1);
        }
        assertEquals(1, v1.get("n_good").asInt());
        assertEquals(3, v1.get("n_defect").asInt());
        assertEquals(0.5, metrics.get("threshold").asDouble());
        for (JsonNode value : List.of(v1.get("image_auroc"), v1.get("pixel_auroc"), v1.get("pixel_aupro"),
                v1.get("precision"), v1.get("accuracy"))) {
            assertTrue(value.isNumber() && value.asDouble() >= 0 && value.asDouble() <= 1, v1.toString());
        }

        // image AUROC is ImageAuroc on the scores predict gives for the same images
        double[] scores = fx.predictScores(tmp.resolve("predict"));
        double expected = ImageAuroc.compute(EvalCliFixture.labels(), scores).get();
        assertEquals(expected, v1.get("image_auroc").asDouble(), 1e-12);
        assertEquals(expected, metrics.get("pooled").get("image_auroc").asDouble(), 1e-12);
        assertEquals(expected, metrics.get("mean").get("image_auroc").asDouble(), 1e-12);

        // pixel AUROC / AUPRO: the reference's S×S maps against the reference's S×S masks
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> npz = Fixtures.npz(manager, fx.golden.resolve("expected.npz"));
            PixelMetricsAccumulator acc = new PixelMetricsAccumulator();
            for (int i = 0; i < 4; i++) {
                float[] map = npz.get("anomaly_map").get(i).toFloatArray();
                float[] m = npz.get("masks").get(i).toFloatArray();
                boolean[] mask = new boolean[m.length];
                for (int k = 0; k < m.length; k++) {
                    mask[k] = m[k] > 0.5f;
                }
                acc.add(map, mask, 48, 48);
            }
            PixelMetrics reference = acc.result();
            assertEquals(reference.auroc().get(), v1.get("pixel_auroc").asDouble(), 1e-3);
            assertEquals(reference.aupro().get(), v1.get("pixel_aupro").asDouble(), 1e-3);
        }

        // the printed table, the other files, the maps
        assertTrue(run.out().contains("| class"), run.out());
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith("| v1 ")), run.out());
        assertTrue(run.out().contains("score >= threshold"), run.out());
        String csv = Files.readString(out.resolve("metrics.csv"));
        assertEquals(4, csv.strip().lines().count(), csv);
        assertTrue(Files.readString(out.resolve("report.md")).contains("| v1 "));
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("data:image/png;base64,"));
        assertFalse(html.contains("http://") || html.contains("https://") || html.contains("<script"),
                "report.html must be self-contained");
        assertTrue(Files.exists(out.resolve("maps/images/img1.npy")), "--save-maps writes the maps");
        assertTrue(Files.exists(out.resolve("maps/results.json")));
    }

    @Test
    void aClassWithoutDefectsGetsNullsWithReasons() throws IOException {
        Path meta = fx.dataset(tmp.resolve("data"), "a,0,-1,0", "a,1,1,1", "a,2,-1,1", "b,3,-1,0");
        Path out = tmp.resolve("out");
        List<String> args = fx.base("test", fx.bundle);
        args.addAll(List.of("--data", meta.toString(), "--out", out.toString(), "--gallery", "1"));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode metrics = json(out.resolve("metrics.json"));
        JsonNode b = metrics.get("classes").get("b");
        for (String key : new String[] {"image_auroc", "image_ap", "image_f1_max", "f1_max", "f1_max_threshold",
            "recall", "pixel_auroc", "pixel_aupro", "pixel_f1_max"}) {
            assertTrue(b.get(key).isNull(), key + " of a class without defects: " + b);
            assertTrue(b.get("reasons").get(key).asText().length() > 5, "reason for " + key + ": " + b);
        }
        assertTrue(b.get("accuracy").isNumber(), b.toString());
        JsonNode a = metrics.get("classes").get("a");
        assertTrue(a.get("image_auroc").isNumber(), a.toString());
        JsonNode mean = metrics.get("mean");
        assertEquals(a.get("image_auroc").asDouble(), mean.get("image_auroc").asDouble(), 1e-15);
        assertTrue(mean.get("notes").get("image_auroc").asText().contains("1 of 2"), mean.toString());
        assertTrue(run.out().contains("n/a"), run.out());
        assertTrue(run.out().contains("1 defective image(s) without a mask"), run.out());
    }

    @Test
    void anEmptySplitIsAnError() throws IOException {
        Path meta = fx.dataset(tmp.resolve("data"), "a,0,-1,0");
        List<String> args = fx.base("test", fx.bundle);
        args.addAll(List.of("--data", meta.toString(), "--split", "val", "--out", tmp.resolve("o").toString()));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--split"), run.toString());
    }
}
