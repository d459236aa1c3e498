package com.adclip.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.BundleManifest;
import com.adclip.anomaly.DetectorConfig;
import com.adclip.anomaly.PromptConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundle's types section and types.safetensors; a bundle without types has neither. */
class TypesBundleTest {
    private final NDManager manager = NDManager.newBaseManager();
    @TempDir Path tmp;

    @AfterEach
    void close() {
        manager.close();
    }

    private Bundle plain() {
        DetectorConfig config = new DetectorConfig(48, List.of(2, 3), 5, 4, 0.07f, new PromptConfig(6, 2, 3, "bolt"));
        BundleManifest manifest = new BundleManifest(Bundle.FORMAT_VERSION,
                new BundleManifest.ClipReference(null, "w.pt", "b".repeat(64)), BundleManifest.Detector.of(config),
                BundleManifest.Thresholds.defaults(config), Map.of(), "2026-12-01T00:00:00Z", "test");
        return new Bundle(manifest, Map.of("ctx_pos", manager.ones(new Shape(1, 1, 6, 64))));
    }

    private static TypesSection section(int[] images, Double far) {
        return DefectTypes.section(TypeVocabulary.parse("scratch,crack=fissure"), "bolt", List.of(2, 3), images, far);
    }

    @Test
    void typesRoundTripThroughTheBundle() throws Exception {
        float[] rows = {1, 0, 0, 0, 0.5f, 0.25f};
        Map<String, NDArray> tensors = new java.util.LinkedHashMap<>();
        for (int block : List.of(2, 3)) {
            tensors.put("proto." + block, manager.create(rows, new Shape(3, 2)).toType(DataType.FLOAT16, false));
            tensors.put("label." + block, manager.create(new int[] {0, 0, 1}));
        }
        Bundle bundle = plain().withTypes(section(new int[] {2, 1}, 0.4), tensors);
        Path file = tmp.resolve("typed.adclip");
        bundle.save(file);
        Bundle loaded = Bundle.load(file, manager);
        assertEquals(bundle.manifest(), loaded.manifest());
        TypesSection section = loaded.manifest().types();
        assertEquals(List.of("scratch", "crack"), section.types().names());
        assertEquals(List.of("crack", "fissure"), section.vocabulary().get(1).phrases());
        assertEquals(Map.of("scratch", 2, "crack", 1), section.prototypeImages());
        assertEquals(0.4, section.farDistance());
        assertEquals(0.75, section.textSure());
        assertArrayEquals(rows, loaded.types().get("proto.3").toType(DataType.FLOAT32, false).toFloatArray(), 0);
        assertArrayEquals(new int[] {0, 0, 1}, loaded.types().get("label.2").toIntArray());
        // the other with* keep the types
        assertEquals(section, loaded.withName("x").withThresholds(loaded.manifest().thresholds()).manifest().types());
        assertEquals(2, loaded.withName("x").types().size() / 2);
    }

    @Test
    void typesWithoutPrototypesNeedNoTensorFile() throws Exception {
        Bundle bundle = plain().withTypes(section(null, null), Map.of());
        Path file = tmp.resolve("text-only.adclip");
        bundle.save(file);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            assertNull(zip.getEntry("types.safetensors"));
        }
        Bundle loaded = Bundle.load(file, manager);
        assertFalse(loaded.manifest().types().hasPrototypes());
        assertTrue(loaded.types().isEmpty());
        assertFalse(loaded.manifestJson().contains("far_distance"));
    }

    @Test
    void aBundleWithoutTypesHasNoTypesFieldAndNoTypesFile() throws Exception {
        Path file = tmp.resolve("old.adclip");
        plain().save(file);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            assertNull(zip.getEntry("types.safetensors"));
        }
        Bundle loaded = Bundle.load(file, manager);
        assertNull(loaded.manifest().types());
        assertFalse(loaded.hasTypes());
        assertFalse(loaded.manifestJson().contains("\"types\""), loaded.manifestJson());
    }

    @Test
    void prototypesWithoutATypesSectionAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Bundle(plain().manifest(), plain().prompts(), Map.of(),
                Map.of(), Map.of("proto.2", manager.zeros(new Shape(1, 2)))));
    }
}
