package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.testing.Fixtures;
import com.adclip.weights.ModelCache;
import com.adclip.weights.ModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13's first-run friction: which CLIP a command takes when none is named, and random-weights bundles. */
class FirstRunModelTest {
    @TempDir Path tmp;

    private static Path golden() {
        return Fixtures.goldenV1();
    }

    private CliRun importWith(Path cache, String out, String... extra) {
        List<String> args = new ArrayList<>(List.of("import", "--checkpoint",
                golden().resolve("prompt-learner.pth").toString(), "--image-size", "48", "--features", "2,3,4,6",
                "--dpam", "5", "--cache", cache.toString(), "--out", tmp.resolve(out).toString()));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    /** Puts the golden tiny CLIP where the cache keeps registry model {@code name}. */
    private static void cache(Path cache, String name) throws IOException {
        Path file = new ModelCache(cache).pathOf(ModelRegistry.find(name));
        Files.createDirectories(file.getParent());
        Files.copy(golden().resolve("tiny-clip.pt"), file);
    }

    @Test
    void theOnlyCachedModelIsUsedAndSaidElseTheCachedOnesAreListedWithHowToChoose() throws IOException {
        Path cache = tmp.resolve("cache");
        Files.createDirectories(cache);
        CliRun none = importWith(cache, "none.adclip");
        assertEquals(2, none.exitCode(), none.toString());
        assertTrue(none.err().contains("ViT-L/14@336px is not in the model cache"), none.err());
        assertTrue(none.err().contains("adclip fetch-model ViT-L/14@336px"), none.err());
        cache(cache, "ViT-B/32");
        CliRun one = importWith(cache, "one.adclip");
        assertEquals(0, one.exitCode(), one.toString());
        assertTrue(one.err().contains("using ViT-B/32, the only CLIP model in the cache (ViT-L/14@336px is the "
                + "default; --model NAME chooses)"), one.err());
        try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager()) {
            assertEquals("ViT-B/32", com.adclip.anomaly.Bundle.load(tmp.resolve("one.adclip"), manager).manifest()
                    .clip().model(), "the bundle records the model it was made with");
        }
        cache(cache, "ViT-B/16");
        CliRun two = importWith(cache, "two.adclip");
        assertEquals(2, two.exitCode(), two.toString());
        assertEquals(1, two.err().strip().lines().filter(l -> l.startsWith("adclip: error")).count(), two.err());
        assertTrue(two.err().contains("cached: ViT-B/16, ViT-B/32 (choose one with --model NAME)")
                || two.err().contains("cached: ViT-B/32, ViT-B/16 (choose one with --model NAME)"), two.err());
        assertFalse(two.err().contains("using ViT-"), two.err());
        CliRun chosen = importWith(cache, "chosen.adclip", "--model", "ViT-B/16");
        assertEquals(0, chosen.exitCode(), chosen.toString());
        assertFalse(chosen.err().contains("using ViT-"), chosen.err());
    }

    @Test
    void aBundleTrainedOnRandomWeightsMakesServeNameTheOptionThatRunsIt() throws IOException {
        Path data = tmp.resolve("synth");
        CliRun synth = CliRun.of("synth", "--out", data.toString(), "--classes", "1", "--good", "2",
                "--train-defects", "1", "--defects", "1", "--size", "64", "--seed", "1");
        assertEquals(0, synth.exitCode(), synth.toString());
        Path run = tmp.resolve("run");
        CliRun train = CliRun.of("train", "--data", data.resolve("meta.json").toString(), "--weights",
                "random:ViT-B/32", "--image-size", "64", "--features", "3,6,9,12", "--dpam", "2", "--depth", "2",
                "--epochs", "1", "--batch-size", "4", "--test-split", "0", "--out", run.toString(), "--cache",
                tmp.resolve("cache").toString());
        assertEquals(0, train.exitCode(), train.toString());
        Path bundle = run.resolve("model.adclip");
        CliRun serve = CliRun.of("serve", "--bundle", bundle.toString(), "--cache", tmp.resolve("cache").toString(),
                "--port", "0");
        assertEquals(2, serve.exitCode(), serve.toString());
        assertEquals(1, serve.err().strip().lines().filter(l -> l.startsWith("adclip: error")).count(),
                serve.err());
        Matcher option = Pattern.compile("pass (--weights \\S+) to run it").matcher(serve.err());
        assertTrue(option.find(), serve.err());
        assertEquals("--weights random:ViT-B/32", option.group(1));
        Path image;
        try (var files = Files.walk(data)) {
            image = files.filter(p -> p.toString().endsWith(".png") && !p.toString().contains("mask")).findFirst()
                    .orElseThrow();
        }
        List<String> predict = new ArrayList<>(List.of("predict", "--bundle", bundle.toString(), "--cache",
                tmp.resolve("cache").toString(), "--no-images", "--out", tmp.resolve("predicted").toString()));
        predict.addAll(List.of(option.group(1).split(" ")));
        predict.add(image.toString());
        CliRun works = CliRun.of(predict.toArray(String[]::new));
        assertEquals(0, works.exitCode(), works.toString());
        assertTrue(Files.exists(tmp.resolve("predicted/results.json")));
    }
}
