package com.adclip.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two identical training runs write byte-identical manifests: the record's maps keep one order. */
class TrainingImagesOrderTest {
    @Test
    void trainHashesAreWrittenSortedWhateverTheOrderTheyCameIn() {
        TrainingImages a = new TrainingImages(new LinkedHashSet<>(List.of("c", "a", "b")), null, Map.of());
        TrainingImages b = new TrainingImages(new LinkedHashSet<>(List.of("b", "c", "a")), null, Map.of());
        assertEquals(List.of("a", "b", "c"), a.toMap().get("train_images_sha256"));
        assertEquals(a.toMap().toString(), b.toMap().toString());
    }

    @Test
    void splitAndTestEntriesKeepTheirFieldOrder() {
        Map<String, String> test = new LinkedHashMap<>();
        test.put("good/1.png", "h1");
        TrainingImages images = new TrainingImages(java.util.Set.of("x"), new TestSplit(0.2, 7), test);
        assertEquals("{test_split={fraction=0.2, seed=7}, test_images=[{path=good/1.png, sha256=h1}], "
                + "train_images_sha256=[x]}", images.toMap().toString());
    }
}
