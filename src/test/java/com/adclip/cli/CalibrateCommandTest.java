package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.BundleManifest;
import com.adclip.eval.ThresholdStrategy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code adclip calibrate} end to end on golden-v1: every strategy writes a new bundle with its threshold. */
class CalibrateCommandTest {
    @TempDir static Path shared;
    private static EvalCliFixture fx;
    private static double[] scores;
    @TempDir Path tmp;

    @BeforeAll
    static void bundle() throws Exception {
        fx = EvalCliFixture.create(shared);
        scores = fx.predictScores(shared.resolve("predict"));
    }

    private CliRun calibrate(Path out, String... extra) {
        List<String> args = fx.base("calibrate", fx.bundle);
        args.addAll(List.of("--data", fx.golden.resolve("meta.json").toString(), "--out", out.toString()));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static BundleManifest.Thresholds thresholds(Path bundle) {
        try (NDManager manager = NDManager.newBaseManager()) {
            return Bundle.load(bundle, manager).manifest().thresholds();
        }
    }

    @Test
    void everyStrategyWritesANewBundleWithItsThreshold() throws Exception {
        byte[] before = Files.readAllBytes(fx.bundle);
        for (String strategy : new String[] {"f1", "recall:0.99", "precision:1", "good-only:max", "good-only:sigma:3"}) {
            Path out = tmp.resolve(strategy.replace(':', '_') + ".adclip");
            CliRun run = calibrate(out, "--strategy", strategy);
            assertEquals(0, run.exitCode(), strategy + ": " + run);
            ThresholdStrategy.Choice expected = ThresholdStrategy.parse(strategy).choose(scores,
                    EvalCliFixture.labels());
            BundleManifest.Thresholds t = thresholds(out);
            assertEquals(expected.threshold(), t.image(), 0.0, strategy);
            assertEquals(strategy, t.imageStrategy());
            assertTrue(t.source().contains("test split") && t.source().contains("4 images"), t.source());
            assertTrue(run.out().contains(String.format(Locale.ROOT, "expected precision %.1f%%, recall %.1f%%",
                    100 * expected.precision(), 100 * expected.recall())), strategy + ": " + run);
            if (run.out().contains("kept the map threshold")) { // the pixel target is out of reach on these maps
                assertEquals("default", t.pixelStrategy(), run.toString());
            } else {
                assertEquals("pixel " + strategy, t.pixelStrategy());
                assertTrue(run.out().contains("expected pixel precision"), run.toString());
            }
        }
        assertArrayEquals(before, Files.readAllBytes(fx.bundle), "the input bundle is untouched");
    }

    @Test
    void thePixelThresholdSelectsPixelsAtOrAboveTheStrategysCut() {
        Path out = tmp.resolve("max.adclip");
        CliRun run = calibrate(out, "--strategy", "f1", "--pixel-strategy", "good-only:max");
        assertEquals(0, run.exitCode(), run.toString());
        BundleManifest.Thresholds t = thresholds(out);
        assertEquals("f1", t.imageStrategy());
        assertEquals("pixel good-only:max", t.pixelStrategy());
        // good-only:max puts the cut just above the highest good pixel; the stored value is the float below it
        // (masks use map > threshold), so it equals that highest good pixel of the S×S maps.
        assertTrue(t.pixel() > 0 && t.pixel() < 4, "map threshold within the map's range [0, 4]: " + t.pixel());
        assertTrue(run.out().contains("normal-pixel pass rate 100.0%"), run.toString());
    }

    @Test
    void outMayReplaceTheInputOnlyWhenNamedAndCheckpointsAreRefused() throws Exception {
        Path copy = tmp.resolve("copy.adclip");
        Files.copy(fx.bundle, copy);
        List<String> args = fx.base("calibrate", copy);
        args.addAll(List.of("--data", fx.golden.resolve("meta.json").toString(), "--out", copy.toString(),
                "--strategy", "good-only:max"));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("good-only:max", thresholds(copy).imageStrategy());

        CliRun checkpoint = CliRun.of("calibrate", "--checkpoint", fx.golden.resolve("prompt-learner.pth").toString(),
                "--weights", fx.weights().toString(), "--data", fx.golden.resolve("meta.json").toString(), "--out",
                tmp.resolve("x.adclip").toString());
        assertEquals(2, checkpoint.exitCode(), checkpoint.toString());
        CliRun badStrategy = calibrate(tmp.resolve("y.adclip"), "--strategy", "recall:2");
        assertEquals(2, badStrategy.exitCode(), badStrategy.toString());
        assertTrue(!Files.exists(tmp.resolve("y.adclip")));
    }
}
