package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole defect-type path on {@code adclip synth} data (named defect types with masks) with the golden tiny CLIP
 * (random weights: the types it picks mean nothing, so only the path is checked): train stores the training
 * split's defect folders as the vocabulary with prototypes for each, predict types every image and region with a
 * distribution over that vocabulary (and possibly unknown), and prints the image type accuracy it got.
 */
class SynthTypesCliTest {
    @TempDir Path dir;

    @Test
    void synthDataTrainsAndPredictsTypes() throws IOException {
        Path golden = Fixtures.goldenV1();
        Path data = dir.resolve("synth");
        CliRun synth = CliRun.of("synth", "--out", data.toString(), "--classes", "1", "--good", "2",
                "--train-defects", "16", "--defects", "8", "--size", "96", "--seed", "4");
        assertEquals(0, synth.exitCode(), synth.toString());
        Set<String> trainTypes = new HashSet<>();
        try (Stream<Path> folders = Files.list(data.resolve("disc/train"))) {
            folders.map(p -> p.getFileName().toString()).filter(n -> !n.equals("good")).forEach(trainTypes::add);
        }
        assertTrue(trainTypes.size() >= 4, "synth spreads training defects over types: " + trainTypes);
        Path run = dir.resolve("run");
        CliRun train = CliRun.of("train", "--data", data.resolve("disc").toString(), "--weights",
                golden.resolve("tiny-clip.pt").toString(), "--image-size", "48", "--features", "2,3,4,6", "--dpam", "5",
                "--depth", "3", "--n-ctx", "6", "--t-n-ctx", "2", "--epochs", "1", "--batch-size", "8",
                "--test-split", "0", "--precision", "eager", "--out", run.toString(), "--cache",
                dir.resolve("cache").toString());
        assertEquals(0, train.exitCode(), train.toString());
        assertTrue(train.err().contains("defect types: "), train.err());
        JsonNode types;
        try (ZipFile zip = new ZipFile(run.resolve("model.adclip").toFile())) {
            types = new ObjectMapper().readTree(zip.getInputStream(zip.getEntry("manifest.json"))).get("types");
            assertTrue(zip.getEntry("types.safetensors") != null);
        }
        Set<String> vocabulary = new HashSet<>();
        types.get("vocabulary").forEach(t -> vocabulary.add(t.get("name").asText()));
        assertEquals(trainTypes, vocabulary);
        Set<String> withPrototypes = new HashSet<>();
        types.get("prototype_images").fieldNames().forEachRemaining(withPrototypes::add);
        assertEquals(trainTypes, withPrototypes, "every training type has masks, so prototypes");

        Path out = dir.resolve("pred");
        CliRun predict = CliRun.of("predict", "--bundle", run.resolve("model.adclip").toString(), "--weights",
                golden.resolve("tiny-clip.pt").toString(), "--precision", "eager", "--no-images", "--out",
                out.toString(), "--cache", dir.resolve("cache").toString(), data.resolve("disc/test").toString());
        assertEquals(0, predict.exitCode(), predict.toString());
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        Set<String> allowed = new HashSet<>(vocabulary);
        allowed.add("unknown");
        int defective = 0;
        int right = 0;
        List<String> seen = new ArrayList<>();
        for (JsonNode row : results) {
            checkDistribution(row.get("types"), allowed, row.toString());
            for (JsonNode region : row.get("regions")) {
                checkDistribution(region.get("types"), allowed, region.toString());
            }
            String truth = Path.of(row.get("image").asText()).getParent().getFileName().toString();
            if (!truth.equals("good")) {
                defective++;
                String top = row.get("types").fieldNames().next();
                seen.add(truth + "→" + top);
                right += top.equals(truth) ? 1 : 0;
            }
        }
        assertTrue(defective >= 8, "synth wrote defective test images");
        System.out.printf("synth, golden tiny CLIP (random weights): image type accuracy %d/%d %s%n", right,
                defective, seen);
    }

    private static void checkDistribution(JsonNode types, Set<String> allowed, String where) {
        assertTrue(types != null && types.isObject() && types.size() > 0, where);
        double sum = 0;
        double previous = Double.POSITIVE_INFINITY;
        for (var it = types.fields(); it.hasNext();) {
            var e = it.next();
            assertTrue(allowed.contains(e.getKey()), e.getKey() + " in " + where);
            assertTrue(e.getValue().asDouble() <= previous, where);
            previous = e.getValue().asDouble();
            sum += previous;
        }
        assertEquals(1, sum, 1e-9, where);
    }
}
