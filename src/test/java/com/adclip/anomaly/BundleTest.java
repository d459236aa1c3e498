package com.adclip.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.adclip.AdclipException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleTest {
    private final NDManager manager = NDManager.newBaseManager();
    @TempDir Path tmp;

    @AfterEach
    void close() {
        manager.close();
    }

    private Bundle sample() {
        DetectorConfig config = new DetectorConfig(48, List.of(2, 3, 4, 6), 5, 4, 0.07f,
                new PromptConfig(6, 2, 3, "screw"));
        Random random = new Random(1);
        Map<String, NDArray> prompts = new LinkedHashMap<>();
        prompts.put("ctx_pos", randomArray(random, new Shape(1, 1, 6, 64)));
        prompts.put("ctx_neg", randomArray(random, new Shape(1, 1, 6, 64)));
        prompts.put("compound_prompts_text.0", randomArray(random, new Shape(2, 64)));
        prompts.put("compound_prompts_text.1", randomArray(random, new Shape(2, 64)));
        BundleManifest manifest = new BundleManifest(Bundle.FORMAT_VERSION,
                new BundleManifest.ClipReference("ViT-B/16", "ViT-B-16.pt", "a".repeat(64)),
                BundleManifest.Detector.of(config),
                new BundleManifest.Thresholds(0.42, "f1", 2.5, "f1", "data/screws"),
                Map.of("epochs", 15, "data", "data/screws"), "2026-11-27T00:00:00Z", "test");
        return new Bundle(manifest, prompts);
    }

    private NDArray randomArray(Random random, Shape shape) {
        float[] values = new float[(int) shape.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return manager.create(values, shape);
    }

    @Test
    void saveLoadRoundTripIsExact() {
        Bundle bundle = sample();
        Path file = tmp.resolve("screws.adclip");
        bundle.save(file);
        Bundle loaded = Bundle.load(file, manager);
        assertEquals(bundle.manifest(), loaded.manifest());
        assertEquals(bundle.manifest().detector().toConfig(), loaded.manifest().detector().toConfig());
        assertEquals(bundle.prompts().keySet(), loaded.prompts().keySet());
        bundle.prompts().forEach((name, tensor) -> {
            NDArray other = loaded.prompts().get(name);
            assertEquals(tensor.getShape(), other.getShape(), name);
            assertArrayEquals(tensor.toFloatArray(), other.toFloatArray(), 0f, name);
        });
    }

    @Test
    void optimizerStateRoundTripsAndIsOptional() {
        Bundle plain = sample();
        Path without = tmp.resolve("plain.adclip");
        plain.save(without);
        assertTrue(Bundle.load(without, manager).optimizer().isEmpty());
        Map<String, NDArray> state = Map.of("exp_avg.ctx_pos", randomArray(new Random(5), new Shape(1, 1, 6, 64)));
        Path with = tmp.resolve("resumable.adclip");
        plain.withOptimizer(state).save(with);
        Bundle loaded = Bundle.load(with, manager);
        assertArrayEquals(state.get("exp_avg.ctx_pos").toFloatArray(),
                loaded.optimizer().get("exp_avg.ctx_pos").toFloatArray(), 0f);
    }

    @Test
    void promptsAreStandardSafetensorsReadableFromPython() throws Exception {
        Bundle bundle = sample();
        Path file = tmp.resolve("b.adclip");
        bundle.save(file);
        Path extracted = tmp.resolve("prompts.safetensors");
        try (var zip = new java.util.zip.ZipFile(file.toFile())) {
            Files.copy(zip.getInputStream(zip.getEntry(Bundle.PROMPTS)), extracted);
        }
        assumeTrue(pythonWithNumpy(), "python3 with numpy not available");
        String script = String.join("\n",
                "import json, struct, sys, numpy as np",
                "b = open(sys.argv[1], 'rb').read()",
                "n = struct.unpack('<Q', b[:8])[0]",
                "h = json.loads(b[8:8 + n])",
                "t = h['ctx_pos']",
                "s, e = t['data_offsets']",
                "a = np.frombuffer(b[8 + n + s:8 + n + e], dtype='<f4').reshape(t['shape'])",
                "print(t['dtype'], list(a.shape), repr(float(a[0, 0, 0, 0])))");
        Process process = new ProcessBuilder("python3", "-c", script, extracted.toString()).redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, process.waitFor(), output);
        float first = bundle.prompts().get("ctx_pos").toFloatArray()[0];
        assertEquals("F32 [1, 1, 6, 64] " + Double.toString(first), output.replace("np.float64(", "").replace(")", ""));
    }

    private static boolean pythonWithNumpy() {
        try {
            return new ProcessBuilder("python3", "-c", "import numpy").start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void aNewerFormatVersionIsRefusedWithAMessage() throws IOException {
        Path file = tmp.resolve("future.adclip");
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("manifest.json"));
            zip.write("{\"format_version\": 99}".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        AdclipException e = assertThrows(AdclipException.class, () -> Bundle.load(file, manager));
        assertTrue(e.getMessage().contains("format version 99") && e.getMessage().contains("Upgrade"), e.getMessage());
    }

    @Test
    void brokenBundlesAreRefusedNamingTheFile() throws IOException {
        Path notZip = tmp.resolve("junk.adclip");
        Files.writeString(notZip, "hello");
        AdclipException e = assertThrows(AdclipException.class, () -> Bundle.load(notZip, manager));
        assertTrue(e.getMessage().contains("junk.adclip") && e.getMessage().contains("not an .adclip bundle"),
                e.getMessage());
        AdclipException missing = assertThrows(AdclipException.class,
                () -> Bundle.load(tmp.resolve("none.adclip"), manager));
        assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
    }

    @Test
    void savingOverAnExistingBundleLeavesNoTemporaryFiles() throws IOException {
        Path file = tmp.resolve("x.adclip");
        sample().save(file);
        sample().save(file);
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(file), files.toList());
        }
    }
}
