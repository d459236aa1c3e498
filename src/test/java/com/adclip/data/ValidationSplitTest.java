package com.adclip.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ValidationSplitTest {

    private static List<Sample> samples(String cls, int good, int bad) {
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < good; i++) {
            out.add(new Sample(Path.of("/d/" + cls + "/good/" + i + ".png"), Optional.empty(), cls, "good", false));
        }
        for (int i = 0; i < bad; i++) {
            out.add(new Sample(Path.of("/d/" + cls + "/dent/" + i + ".png"), Optional.empty(), cls, "dent", true));
        }
        return out;
    }

    private static Dataset dataset() {
        Map<String, List<Sample>> train = new LinkedHashMap<>();
        train.put("a", samples("a", 10, 5));
        train.put("b", samples("b", 2, 1));
        train.put("c", samples("c", 3, 0));
        Map<String, List<Sample>> test = Map.of("a", samples("a", 1, 1));
        return new Dataset(Path.of("/d"), Layout.FOLDER, train, test, Map.of());
    }

    private static long count(List<Sample> s, boolean anomaly) {
        return s.stream().filter(x -> x.anomaly() == anomaly).count();
    }

    @Test
    void stratifiedByClassAndLabel() {
        Dataset d = dataset().withValidationSplit(0.2, 42);
        // a: round(0.2*10)=2 good, round(0.2*5)=1 defective
        assertEquals(2, count(d.val().get("a"), false));
        assertEquals(1, count(d.val().get("a"), true));
        assertEquals(8, count(d.train().get("a"), false));
        assertEquals(4, count(d.train().get("a"), true));
        // b: round(0.4)=0 is raised to 1 so both parts keep good; its single defect stays in train
        assertEquals(1, count(d.val().get("b"), false));
        assertEquals(0, count(d.val().get("b"), true));
        assertEquals(1, count(d.train().get("b"), false));
        assertEquals(1, count(d.train().get("b"), true));
        // c: round(0.6)=1
        assertEquals(1, d.val().get("c").size());
        assertEquals(2, d.train().get("c").size());
        assertEquals(dataset().test(), d.test());
        // nothing lost or duplicated
        for (String cls : List.of("a", "b", "c")) {
            Set<Sample> all = new HashSet<>(d.train().get(cls));
            all.addAll(d.val().get(cls));
            assertEquals(new HashSet<>(dataset().train().get(cls)), all);
            assertEquals(dataset().train().get(cls).size(), d.train().get(cls).size() + d.val().get(cls).size());
        }
    }

    @Test
    void keepsBothLabelsInBothPartsWhenPossible() {
        Dataset d = dataset().withValidationSplit(0.9, 3);
        // a: round(9)=9 good of 10, round(4.5)=5 clamped to 4 defective of 5
        assertEquals(1, count(d.train().get("a"), false));
        assertEquals(1, count(d.train().get("a"), true));
        assertEquals(9, count(d.val().get("a"), false));
        assertEquals(4, count(d.val().get("a"), true));
    }

    @Test
    void deterministicForASeedAndDifferentAcrossSeeds() {
        assertEquals(dataset().withValidationSplit(0.3, 7), dataset().withValidationSplit(0.3, 7));
        boolean differs = false;
        for (long seed = 0; seed < 5 && !differs; seed++) {
            differs = !dataset().withValidationSplit(0.3, 7).val()
                    .equals(dataset().withValidationSplit(0.3, 100 + seed).val());
        }
        assertTrue(differs, "five other seeds all gave the same split");
        assertNotEquals(List.of(), dataset().withValidationSplit(0.3, 7).samples("val"));
    }

    @Test
    void keepsTheOriginalOrderInBothParts() {
        Dataset d = dataset().withValidationSplit(0.5, 11);
        List<Sample> original = dataset().train().get("a");
        assertEquals(original.stream().filter(d.train().get("a")::contains).toList(), d.train().get("a"));
        assertEquals(original.stream().filter(d.val().get("a")::contains).toList(), d.val().get("a"));
    }
}
