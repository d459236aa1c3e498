package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --precision} and {@code export} from the command line, on the golden tiny CLIP. */
class PrecisionCliTest {
    @TempDir Path tmp;

    private List<String> detector(String command) {
        Path golden = Fixtures.goldenV1();
        return new ArrayList<>(List.of(command, "--weights", golden.resolve("tiny-clip.pt").toString(),
                "--checkpoint", golden.resolve("prompt-learner.pth").toString(), "--image-size", "48", "--features",
                "2,3,4,6", "--dpam", "5", "--sigma", "4", "--cache", tmp.resolve("cache").toString()));
    }

    @Test
    void everyModeKeepsTheGuardAgainstTheReferenceScores() throws IOException {
        Path golden = Fixtures.goldenV1();
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> expected = Fixtures.npz(manager, golden.resolve("expected.npz"));
            float[] probs = expected.get("image_probs").toFloatArray(); // [4, 2]
            for (String mode : List.of("auto", "bf16", "fp32")) {
                Path out = tmp.resolve("out-" + mode);
                List<String> args = detector("predict");
                args.addAll(List.of("--precision", mode, "--out", out.toString(), "--no-images"));
                for (int i = 0; i < 4; i++) {
                    args.add(golden.resolve("images/img" + i + ".png").toString());
                }
                CliRun run = CliRun.of(args.toArray(String[]::new));
                assertEquals(0, run.exitCode(), run.toString());
                JsonNode rows = new ObjectMapper().readTree(out.resolve("results.json").toFile());
                for (int i = 0; i < 4; i++) {
                    double reference = probs[2 * i + 1];
                    double score = rows.get(i).get("score").asDouble();
                    assertTrue(Math.abs(score - reference) <= 0.01, mode + " image " + i + ": " + score + " vs " + reference);
                    assertEquals(reference >= 0.5 ? "NG" : "OK", rows.get(i).get("verdict").asText(), mode + " image " + i);
                }
            }
        }
    }

    @Test
    void unknownPrecisionIsAUsageError() {
        List<String> args = detector("predict");
        args.addAll(List.of("--precision", "fp8", "--out", tmp.resolve("x").toString(),
                Fixtures.goldenV1().resolve("images/img0.png").toString()));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("fp8"), run.err());
    }

    @Test
    void exportWritesGraphAndSidecar() throws IOException {
        Path graph = tmp.resolve("export/detector.pt");
        List<String> args = detector("export");
        args.addAll(List.of("--precision", "fp32", "--out", graph.toString()));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(Files.size(graph) > 1_000_000, "the tiny CLIP's vision weights are in the graph");
        JsonNode sidecar = new ObjectMapper().readTree(tmp.resolve("export/detector.pt.json").toFile());
        assertEquals("[B, 3, 48, 48]", sidecar.get("input").get("shape").asText());
        assertEquals(0.48145466, sidecar.get("input").get("mean").get(0).asDouble(), 1e-7);
        assertEquals("fp32", sidecar.get("precision").asText());
        assertTrue(Files.notExists(tmp.resolve("export/detector.pt.partial")));
    }

    @Test
    void exportRefusesWhatItCannotWrite() {
        for (List<String> extra : List.of(List.of("--format", "onnx"), List.of("--precision", "eager"))) {
            List<String> args = detector("export");
            args.addAll(extra);
            args.addAll(List.of("--out", tmp.resolve("d.pt").toString()));
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertEquals(2, run.exitCode(), run.toString());
        }
    }
}
