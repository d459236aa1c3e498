package com.adclip.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.AdclipException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defect-type labels of annotation shapes: JSON {@code label}, COCO category names, a CSV {@code label} column. */
class AnnotationLabelsTest {
    @TempDir Path tmp;

    private Map<String, Annotations.Entry> read(String name, String text) throws Exception {
        Path file = tmp.resolve(name);
        Files.writeString(file, text);
        return Annotations.read(file);
    }

    @Test
    void jsonShapesMayCarryALabel() throws Exception {
        Map<String, Annotations.Entry> a = read("annotations.json", """
                {"images": {"mixed/001.png": [{"box": [1, 1, 4, 4], "label": "scratch"},
                                              {"polygon": [[8, 8], [12, 8], [10, 12]]}]}}""");
        assertEquals(List.of("scratch", ""), a.get("mixed/001.png").labels());
        assertThrows(AdclipException.class, () -> read("bad.json",
                "{\"images\": {\"a.png\": [{\"box\": [1, 1, 2, 2], \"label\": 3}]}}"));
    }

    @Test
    void cocoLabelsAreCategoryNames() throws Exception {
        Map<String, Annotations.Entry> a = read("coco.json", """
                {"images": [{"id": 7, "file_name": "mixed/001.png"}],
                 "categories": [{"id": 1, "name": "dent"}, {"id": 2, "name": "stain"}],
                 "annotations": [{"image_id": 7, "category_id": 2, "bbox": [1, 1, 3, 3]},
                                 {"image_id": 7, "category_id": 1, "segmentation": [[0, 0, 4, 0, 4, 4], [6, 6, 9, 6, 9, 9]]}]}""");
        assertEquals(List.of("stain", "dent", "dent"), a.get("mixed/001.png").labels(),
                "both polygons of one annotation have its category");
        AdclipException e = assertThrows(AdclipException.class, () -> read("coco2.json", """
                {"images": [{"id": 7, "file_name": "a.png"}], "categories": [{"id": 1, "name": "dent"}],
                 "annotations": [{"image_id": 7, "category_id": 5, "bbox": [1, 1, 3, 3]}]}"""));
        assertTrue(e.getMessage().contains("category_id 5 is not in \"categories\""), e.getMessage());
        Map<String, Annotations.Entry> plain = read("coco3.json", """
                {"images": [{"id": 7, "file_name": "a.png"}],
                 "annotations": [{"image_id": 7, "category_id": 5, "bbox": [1, 1, 3, 3]}]}""");
        assertEquals(List.of(""), plain.get("a.png").labels(), "without categories there are no labels");
    }

    @Test
    void csvLabelColumn() throws Exception {
        Map<String, Annotations.Entry> a = read("annotations.csv", """
                image,x,y,w,h,label
                mixed/001.png,1,1,4,4,scratch
                mixed/001.png,6,6,2,2,
                """);
        assertEquals(List.of("scratch", ""), a.get("mixed/001.png").labels());
        MaskSource.Drawn drawn = new MaskSource.Drawn(tmp.resolve("x.png"), a.get("mixed/001.png").shapes(),
                a.get("mixed/001.png").labels(), "test");
        assertTrue(drawn.labelled());
        assertFalse(new MaskSource.Drawn(tmp.resolve("x.png"), a.get("mixed/001.png").shapes(), "test").labelled());
    }
}
