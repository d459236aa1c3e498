package com.adclip.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TypeRecallTest {
    private static TypeRecall.Image defect(String name, String cls, String type, double score) {
        return new TypeRecall.Image(name, cls, type, true, score);
    }

    @Test
    void recallAndEscapesPerClassAndDefectType() {
        List<TypeRecall.Image> images = List.of(
                defect("c1.png", "bottle", "crack", 0.9),
                defect("c2.png", "bottle", "crack", 0.2),
                defect("s1.png", "bottle", "scratch", 0.5), // exactly at the threshold: NG, caught
                new TypeRecall.Image("g1.png", "bottle", "good", false, 0.1),
                defect("c3.png", "bottle", "crack", 0.05),
                defect("c4.png", "bottle", "crack", 0.7),
                defect("h1.png", "cable", "crack", 0.3));
        List<TypeRecall> out = TypeRecall.of(images, 0.5);
        assertEquals(3, out.size(), "bottle/crack, bottle/scratch, cable/crack; good images are not a type");

        TypeRecall crack = out.get(0);
        assertEquals("bottle", crack.className());
        assertEquals("crack", crack.defectType());
        assertEquals(4, crack.defective());
        assertEquals(2, crack.caught());
        assertEquals(0.5, crack.recall(), 0.0);
        assertEquals(List.of(new TypeRecall.Escape("c3.png", 0.05), new TypeRecall.Escape("c2.png", 0.2)),
                crack.escapes(), "escapes, lowest score first");

        TypeRecall scratch = out.get(1);
        assertEquals(1, scratch.caught());
        assertEquals(1.0, scratch.recall(), 0.0);
        assertTrue(scratch.escapes().isEmpty());

        TypeRecall cable = out.get(2);
        assertEquals("cable", cable.className());
        assertEquals(0.0, cable.recall(), 0.0);
        assertEquals("h1.png", cable.escapes().get(0).image());
    }

    @Test
    void defectsWithoutATypeAreGroupedAsDefective() {
        List<TypeRecall> out = TypeRecall.of(List.of(defect("a.png", "part", null, 0.9),
                defect("b.png", "part", "", 0.1)), 0.5);
        assertEquals(1, out.size());
        assertEquals("defective", out.get(0).defectType());
        assertEquals(2, out.get(0).defective());
        assertEquals(1, out.get(0).caught());
    }

    @Test
    void countsMustAgree() {
        assertThrows(IllegalArgumentException.class, () -> new TypeRecall("a", "b", 2, 2,
                List.of(new TypeRecall.Escape("x", 0.1))));
    }
}
