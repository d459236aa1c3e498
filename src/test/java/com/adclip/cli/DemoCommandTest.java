package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code adclip demo} end to end on the golden tiny CLIP, and its offline message. */
class DemoCommandTest {
    @TempDir Path tmp;

    @Test
    void demoRunsThePipelineAndWritesAReportWithMetrics() throws Exception {
        Path golden = Fixtures.goldenV1();
        Path out = tmp.resolve("demo");
        CliRun run = CliRun.of("demo", "--weights", golden.resolve("tiny-clip.pt").toString(), "--image-size", "48",
                "--features", "2,3,4,6", "--dpam", "5", "--depth", "3", "--n-ctx", "6", "--t-n-ctx", "2",
                "--classes", "2", "--epochs", "2", "--synth-size", "64", "--out", out.toString(), "--cache",
                tmp.resolve("cache").toString());
        assertEquals(0, run.exitCode(), run.toString());
        Path report = out.resolve("eval/report.html");
        assertTrue(Files.size(report) > 10_000, "report.html exists and holds the pictures");
        String html = Files.readString(report);
        assertTrue(html.contains("image AUROC") && html.contains("AUPRO"), "the report shows metrics");
        JsonNode metrics = new ObjectMapper().readTree(out.resolve("eval/metrics.json").toFile());
        assertEquals(2, metrics.get("classes").size());
        double auroc = metrics.get("pooled").get("image_auroc").asDouble();
        assertTrue(auroc >= 0 && auroc <= 1, "pooled image AUROC " + auroc);
        assertTrue(Files.exists(out.resolve("run/model.adclip")));
        assertTrue(run.out().contains("report: " + report.toAbsolutePath()), run.out());
        assertTrue(run.out().contains("./adclip train --data my-parts/"), run.out());

        // the same --out again reuses the complete dataset and model; --force starts over
        byte[] model = Files.readAllBytes(out.resolve("run/model.adclip"));
        CliRun again = CliRun.of(args(golden, out));
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.err().contains("reusing the dataset in") && again.err().contains("reusing the trained model"),
                again.toString());
        assertArrayEquals(model, Files.readAllBytes(out.resolve("run/model.adclip")));
        List<String> force = new ArrayList<>(List.of(args(golden, out)));
        force.add("--force");
        CliRun forced = CliRun.of(force.toArray(String[]::new));
        assertEquals(0, forced.exitCode(), forced.toString());
        assertTrue(forced.err().contains("generating a product dataset"), forced.toString());
    }

    private String[] args(Path golden, Path out) {
        return new String[] {"demo", "--weights", golden.resolve("tiny-clip.pt").toString(), "--image-size", "48",
            "--features", "2,3,4,6", "--dpam", "5", "--depth", "3", "--n-ctx", "6", "--t-n-ctx", "2",
            "--classes", "2", "--epochs", "2", "--synth-size", "64", "--out", out.toString(), "--cache",
            tmp.resolve("cache").toString()};
    }

    @Test
    void withoutNetworkOrWeightsItSaysWhereToPutTheFileAndExitsTwo() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        CliRun run = CliRun.of("demo", "--out", tmp.resolve("demo").toString(), "--cache", tmp.resolve("cache").toString(),
                "--mirror", "http://127.0.0.1:" + closedPort);
        assertEquals(2, run.exitCode(), run.toString());
        String err = run.err();
        assertTrue(err.contains("5806e77cd80f8b59890b7e101eabd078d9fb84e6937f9e85e4ecb61988df416f"), err);
        assertTrue(err.contains(tmp.resolve("cache").resolve("ViT-B-16.pt").toString()), err);
        assertTrue(err.contains("http://127.0.0.1:" + closedPort), err);
        assertTrue(err.contains("--weights"), err);
        assertTrue(err.contains("--random-weights as a smoke test"), err);
    }
}
