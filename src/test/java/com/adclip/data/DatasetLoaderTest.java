package com.adclip.data;

import static com.adclip.data.TestImages.mask;
import static com.adclip.data.TestImages.rgb;
import static com.adclip.data.TestImages.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.testing.Fixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLoaderTest {

    @TempDir
    Path tmp;

    private static String labels(List<Sample> samples) {
        StringBuilder sb = new StringBuilder();
        for (Sample s : samples) {
            sb.append(s.image().getFileName()).append(':').append(s.className()).append('/').append(s.defectType())
                    .append('/').append(s.anomaly() ? 1 : 0).append('/')
                    .append(s.mask().map(m -> m instanceof MaskSource.File f ? f.path().getFileName().toString()
                            : "drawn").orElse("-"))
                    .append(' ');
        }
        return sb.toString().strip();
    }

    @Test
    void goldenMetaJson() {
        Path golden = Fixtures.goldenV1();
        for (Path p : List.of(golden.resolve("meta.json"), golden)) {
            Dataset d = DatasetLoader.load(p);
            assertEquals(Layout.META_JSON, d.layout());
            assertEquals(golden.toAbsolutePath().normalize(), d.root());
            assertEquals(List.of("v1"), d.classes());
            assertEquals("img0.png:v1/good/0/- img1.png:v1/defect/1/img1_mask.png", labels(d.samples("train")));
            assertEquals("img0.png:v1/good/0/- img1.png:v1/defect/1/img1_mask.png img2.png:v1/defect/1/img2_mask.png"
                    + " img3.png:v1/defect/1/img3_mask.png", labels(d.samples("test")));
            assertTrue(d.val().isEmpty());
            assertEquals(d.root().resolve("images/img2.png"), d.samples("test").get(2).image());
            assertEquals(d.root().resolve("masks/img2_mask.png"),
                    ((MaskSource.File) d.samples("test").get(2).mask().orElseThrow()).path());
        }
    }

    @Test
    void metaJsonWithValSplitAndBareAnomalyWithoutMask() {
        rgb(tmp.resolve("a.png"), 4, 4, 1);
        rgb(tmp.resolve("b.png"), 4, 4, 2);
        text(tmp.resolve("meta.json"), """
                {"train": {"c": [{"img_path": "a.png", "mask_path": "", "cls_name": "c", "specie_name": "good",
                                  "anomaly": 0}]},
                 "val": {"c": [{"img_path": "b.png", "mask_path": "", "cls_name": "c", "specie_name": "",
                                "anomaly": 1}]}}
                """);
        Dataset d = DatasetLoader.load(tmp);
        assertTrue(d.test().isEmpty());
        assertEquals("a.png:c/good/0/-", labels(d.samples("train")));
        assertEquals("b.png:c/anomaly/1/-", labels(d.samples("val")));
        assertFalse(d.samples("val").get(0).pixelLabelled());
        assertTrue(d.samples("train").get(0).pixelLabelled());
    }

    @Test
    void mvtecTree() {
        Path bottle = tmp.resolve("mvtec/bottle");
        rgb(bottle.resolve("train/good/000.png"), 4, 4, 1);
        rgb(bottle.resolve("train/good/001.png"), 4, 4, 2);
        rgb(bottle.resolve("test/good/000.png"), 4, 4, 3);
        rgb(bottle.resolve("test/crack/000.png"), 4, 4, 4);
        rgb(bottle.resolve("test/crack/001.png"), 4, 4, 5);
        mask(bottle.resolve("ground_truth/crack/000_mask.png"), 4, 4, 0, 0, 1, 1);
        mask(bottle.resolve("ground_truth/crack/001_mask.png"), 4, 4, 0, 0, 1, 1);
        Path cable = tmp.resolve("mvtec/cable");
        rgb(cable.resolve("test/cut/000.png"), 4, 4, 6);
        mask(cable.resolve("ground_truth/cut/000_mask.png"), 4, 4, 0, 0, 1, 1);

        Dataset d = DatasetLoader.load(tmp.resolve("mvtec"));
        assertEquals(Layout.MVTEC, d.layout());
        assertEquals(List.of("bottle", "cable"), d.classes());
        assertEquals("000.png:bottle/good/0/- 001.png:bottle/good/0/-", labels(d.samples("train")));
        assertEquals("000.png:bottle/crack/1/000_mask.png 001.png:bottle/crack/1/001_mask.png "
                + "000.png:bottle/good/0/- 000.png:cable/cut/1/000_mask.png", labels(d.samples("test")));
        // one class folder on its own
        Dataset one = DatasetLoader.load(bottle);
        assertEquals(List.of("bottle"), one.classes());
        assertEquals(3, one.samples("test").size());
    }

    @Test
    void visaSplitCsv() {
        rgb(tmp.resolve("candle/Data/Images/Normal/0000.JPG.png"), 4, 4, 1);
        rgb(tmp.resolve("candle/Data/Images/Anomaly/0001.png"), 4, 4, 2);
        mask(tmp.resolve("candle/Data/Masks/Anomaly/0001.png"), 4, 4, 1, 1, 2, 2);
        rgb(tmp.resolve("pcb1/Data/Images/Normal/0002.png"), 4, 4, 3);
        text(tmp.resolve("split_csv/1cls.csv"), """
                object,split,label,image,mask
                candle,train,normal,candle/Data/Images/Normal/0000.JPG.png,
                candle,test,anomaly,candle/Data/Images/Anomaly/0001.png,candle/Data/Masks/Anomaly/0001.png
                pcb1,test,normal,pcb1/Data/Images/Normal/0002.png,
                """);
        Dataset d = DatasetLoader.load(tmp);
        assertEquals(Layout.VISA, d.layout());
        assertEquals(List.of("candle", "pcb1"), d.classes());
        assertEquals("0000.JPG.png:candle/good/0/-", labels(d.samples("train")));
        assertEquals("0001.png:candle/anomaly/1/0001.png 0002.png:pcb1/good/0/-", labels(d.samples("test")));
    }

    @Test
    void plainFolderWithoutMasksIsImageLevelOnly() {
        Path root = tmp.resolve("widgets");
        rgb(root.resolve("good/1.png"), 4, 4, 1);
        rgb(root.resolve("good/2.jpg.png"), 4, 4, 2);
        rgb(root.resolve("scratch/3.png"), 4, 4, 3);
        rgb(root.resolve("dent/4.png"), 4, 4, 4);
        text(root.resolve("good/notes.txt"), "not an image");
        Dataset d = DatasetLoader.load(root);
        assertEquals(Layout.FOLDER, d.layout());
        assertEquals(List.of("widgets"), d.classes());
        String expected = "4.png:widgets/dent/1/- 1.png:widgets/good/0/- 2.jpg.png:widgets/good/0/- "
                + "3.png:widgets/scratch/1/-";
        assertEquals(expected, labels(d.samples("train")));
        assertEquals(expected, labels(d.samples("test")));
        assertTrue(d.samples("test").stream().filter(Sample::anomaly).noneMatch(Sample::hasMask));
    }

    @Test
    void plainFolderWithMasksBesideAndInAMasksTree() {
        Path root = tmp.resolve("ds");
        rgb(root.resolve("good/1.png"), 4, 4, 1);
        rgb(root.resolve("scratch/2.png"), 4, 4, 2);
        mask(root.resolve("scratch/2_mask.png"), 4, 4, 0, 0, 2, 2);
        rgb(root.resolve("scratch/3.png"), 4, 4, 3);
        mask(root.resolve("masks/scratch/3.png"), 4, 4, 0, 0, 2, 2);
        rgb(root.resolve("dent/4.jpg.png"), 4, 4, 4);
        mask(root.resolve("masks/dent/4.jpg_mask.png"), 4, 4, 0, 0, 2, 2);
        Dataset d = DatasetLoader.load(root);
        assertEquals("4.jpg.png:ds/dent/1/4.jpg_mask.png 1.png:ds/good/0/- 2.png:ds/scratch/1/2_mask.png "
                + "3.png:ds/scratch/1/3.png", labels(d.samples("test")));
        assertEquals(root.resolve("masks/scratch/3.png"),
                ((MaskSource.File) d.samples("test").get(3).mask().orElseThrow()).path());
    }

    @Test
    void plainFolderWithClassesAndSplits() {
        Path root = tmp.resolve("line");
        rgb(root.resolve("bolt/train/good/1.png"), 4, 4, 1);
        rgb(root.resolve("bolt/test/good/2.png"), 4, 4, 2);
        rgb(root.resolve("bolt/test/bent/3.png"), 4, 4, 3);
        rgb(root.resolve("bolt/val/bent/4.png"), 4, 4, 4);
        rgb(root.resolve("nut/good/5.png"), 4, 4, 5);
        rgb(root.resolve("nut/crack/6.png"), 4, 4, 6);
        Dataset d = DatasetLoader.load(root);
        assertEquals(List.of("bolt", "nut"), d.classes());
        assertEquals("1.png:bolt/good/0/- 6.png:nut/crack/1/- 5.png:nut/good/0/-", labels(d.samples("train")));
        assertEquals("3.png:bolt/bent/1/- 2.png:bolt/good/0/- 6.png:nut/crack/1/- 5.png:nut/good/0/-",
                labels(d.samples("test")));
        assertEquals("4.png:bolt/bent/1/-", labels(d.samples("val")));
    }

    @Test
    void jsonBoxesAndPolygonsAreRasterisedAtTheImageSize() {
        Path root = tmp.resolve("ds");
        rgb(root.resolve("good/1.png"), 6, 4, 1);
        rgb(root.resolve("scratch/2.png"), 6, 4, 2);
        rgb(root.resolve("scratch/3.png"), 5, 3, 3);
        text(root.resolve("annotations.json"), """
                {"images": {
                  "scratch/2.png": [{"box": [1, 1, 2, 2]}, {"polygon": [[4, 0], [6, 0], [6, 1], [4, 1]]}],
                  "./scratch/3.png": [{"polygon": [[0, 0], [3, 0], [0, 3]]}],
                  "good/1.png": []
                }}
                """);
        Dataset d = DatasetLoader.load(root);
        List<Sample> test = d.samples("test");
        assertEquals("1.png:ds/good/0/- 2.png:ds/scratch/1/drawn 3.png:ds/scratch/1/drawn", labels(test));
        assertEquals("""
                ....##
                .##...
                .##...
                ......
                """, TestImages.picture(test.get(1).mask().orElseThrow().toGray()));
        // triangle: row j covers i + 0.5 < 2.5 - j
        assertEquals("""
                ##...
                #....
                .....
                """, TestImages.picture(test.get(2).mask().orElseThrow().toGray()));
    }

    @Test
    void csvBoxesAndPolygons() {
        Path root = tmp.resolve("ds");
        rgb(root.resolve("good/1.png"), 4, 3, 1);
        rgb(root.resolve("dent/2.png"), 4, 3, 2);
        text(root.resolve("annotations.csv"), """
                image,x,y,w,h,polygon
                dent/2.png,0,0,1,1,
                dent/2.png,,,,,"2 1 4 1 4 3 2 3"
                """);
        Sample s = DatasetLoader.load(root).samples("test").get(0);
        assertEquals("""
                #...
                ..##
                ..##
                """, TestImages.picture(s.mask().orElseThrow().toGray()));
        MaskSource.Drawn drawn = assertInstanceOf(MaskSource.Drawn.class, s.mask().orElseThrow());
        assertEquals("annotations.csv row 2", drawn.origin());
    }

    @Test
    void cocoPolygonsAndBoxes() {
        Path root = tmp.resolve("ds");
        rgb(root.resolve("good/1.png"), 4, 3, 1);
        rgb(root.resolve("dent/2.png"), 4, 3, 2);
        rgb(root.resolve("dent/3.png"), 4, 3, 3);
        text(root.resolve("annotations.json"), """
                {"images": [{"id": 7, "file_name": "dent/2.png", "width": 4, "height": 3},
                            {"id": 8, "file_name": "dent/3.png"}],
                 "annotations": [
                   {"id": 1, "image_id": 7, "bbox": [0, 0, 4, 3], "segmentation": [[1, 0, 3, 0, 3, 2, 1, 2]]},
                   {"id": 2, "image_id": 8, "bbox": [3, 2, 1, 1], "segmentation": []}]}
                """);
        List<Sample> test = DatasetLoader.load(root).samples("test");
        assertEquals("""
                .##.
                .##.
                ....
                """, TestImages.picture(test.get(0).mask().orElseThrow().toGray()));
        assertEquals("""
                ....
                ....
                ...#
                """, TestImages.picture(test.get(1).mask().orElseThrow().toGray()));
    }

    @Test
    void maskFileWinsOverAnnotations() {
        Path root = tmp.resolve("ds");
        rgb(root.resolve("good/1.png"), 4, 4, 1);
        rgb(root.resolve("dent/2.png"), 4, 4, 2);
        mask(root.resolve("dent/2_mask.png"), 4, 4, 0, 0, 1, 1);
        text(root.resolve("annotations.csv"), "image,x,y,w,h\ndent/2.png,1,1,2,2\n");
        Optional<MaskSource> m = DatasetLoader.load(root).samples("test").get(0).mask();
        assertInstanceOf(MaskSource.File.class, m.orElseThrow());
    }

    @Test
    void samplesAndMapsAreImmutable() {
        Dataset d = DatasetLoader.load(Fixtures.goldenV1());
        Map<String, List<Sample>> train = d.train();
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class, () -> train.clear());
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
                () -> train.get("v1").clear());
    }
}
