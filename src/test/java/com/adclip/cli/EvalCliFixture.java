package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The golden tiny CLIP imported as a bundle, and predict's scores, for the test and calibrate tests. */
final class EvalCliFixture {
    final Path golden;
    final Path bundle;
    final Path cache;

    private EvalCliFixture(Path golden, Path bundle, Path cache) {
        this.golden = golden;
        this.bundle = bundle;
        this.cache = cache;
    }

    /** Imports golden-v1's checkpoint as {@code dir/tiny.adclip}, as PredictCommandTest does. */
    static EvalCliFixture create(Path dir) {
        Path golden = Fixtures.goldenV1();
        Path bundle = dir.resolve("tiny.adclip");
        Path cache = dir.resolve("cache");
        CliRun imported = CliRun.of("import", "--weights", golden.resolve("tiny-clip.pt").toString(), "--checkpoint",
                golden.resolve("prompt-learner.pth").toString(), "--image-size", "48", "--features", "2,3,4,6",
                "--dpam", "5", "--out", bundle.toString(), "--cache", cache.toString());
        assertEquals(0, imported.exitCode(), imported.toString());
        return new EvalCliFixture(golden, bundle, cache);
    }

    Path weights() {
        return golden.resolve("tiny-clip.pt");
    }

    /** Arguments common to test and calibrate: the bundle, the weights, the cache. */
    List<String> base(String command, Path bundleFile) {
        // fp32: these tests compare test's and predict's numbers exactly, and bf16 results depend on the batch
        // shape at the 1e-3 level (test batches images, predict here runs them one by one)
        return new ArrayList<>(List.of(command, "--bundle", bundleFile.toString(), "--weights", weights().toString(),
                "--cache", cache.toString(), "--precision", "fp32"));
    }

    /** The scores {@code adclip predict} gives for golden-v1's four images, in order. */
    double[] predictScores(Path out) throws IOException {
        List<String> args = base("predict", bundle);
        args.addAll(List.of("--no-images", "--out", out.toString()));
        for (int i = 0; i < 4; i++) {
            args.add(golden.resolve("images/img" + i + ".png").toString());
        }
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode rows = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        double[] scores = new double[4];
        for (int i = 0; i < 4; i++) {
            scores[i] = rows.get(i).get("score").asDouble();
        }
        return scores;
    }

    /** golden-v1's test labels (meta.json): image 0 good, 1–3 defective. */
    static boolean[] labels() {
        return new boolean[] {false, true, true, true};
    }

    /**
     * A copy of golden-v1's images and masks in {@code dir} with a {@code meta.json} of the given test entries,
     * each {@code class,image index,mask index or -1,anomaly 0/1}.
     */
    Path dataset(Path dir, String... entries) throws IOException {
        Files.createDirectories(dir.resolve("images"));
        Files.createDirectories(dir.resolve("masks"));
        for (int i = 0; i < 4; i++) {
            Files.copy(golden.resolve("images/img" + i + ".png"), dir.resolve("images/img" + i + ".png"));
            Path mask = golden.resolve("masks/img" + i + "_mask.png");
            if (Files.exists(mask)) {
                Files.copy(mask, dir.resolve("masks/img" + i + "_mask.png"));
            }
        }
        StringBuilder json = new StringBuilder("{\"train\": {}, \"test\": {");
        String current = null;
        for (String entry : entries) {
            String[] f = entry.split(",");
            if (!f[0].equals(current)) {
                json.append(current == null ? "" : "], ").append('"').append(f[0]).append("\": [");
                current = f[0];
            } else {
                json.append(", ");
            }
            String mask = f[2].equals("-1") ? "" : "masks/img" + f[2] + "_mask.png";
            json.append(String.format("{\"img_path\": \"images/img%s.png\", \"mask_path\": \"%s\", \"cls_name\": "
                    + "\"%s\", \"specie_name\": \"%s\", \"anomaly\": %s}", f[1], mask, f[0],
                    f[3].equals("1") ? "defect" : "good", f[3]));
        }
        json.append("]}}");
        Path meta = dir.resolve("meta.json");
        Files.writeString(meta, json);
        return meta;
    }
}
