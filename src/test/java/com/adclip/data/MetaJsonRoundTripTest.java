package com.adclip.data;

import static com.adclip.data.TestImages.mask;
import static com.adclip.data.TestImages.rgb;
import static com.adclip.data.TestImages.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.testing.Fixtures;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetaJsonRoundTripTest {

    @TempDir
    Path tmp;

    /** Same images, labels, classes per split, and the same mask pixels. */
    static void assertSameSamples(Dataset expected, Dataset actual) {
        for (String split : Dataset.SPLITS) {
            assertEquals(expected.split(split).keySet(), actual.split(split).keySet(), split);
            List<Sample> e = expected.samples(split);
            List<Sample> a = actual.samples(split);
            assertEquals(e.size(), a.size(), split);
            for (int i = 0; i < e.size(); i++) {
                Sample x = e.get(i);
                Sample y = a.get(i);
                assertEquals(x.image(), y.image());
                assertEquals(x.className(), y.className());
                assertEquals(x.defectType(), y.defectType());
                assertEquals(x.anomaly(), y.anomaly());
                assertEquals(x.hasMask(), y.hasMask(), x.image().toString());
                if (x.hasMask()) {
                    assertSamePixels(x.mask().get().toGray(), y.mask().get().toGray());
                }
            }
        }
    }

    static void assertSamePixels(BufferedImage a, BufferedImage b) {
        assertEquals(a.getWidth(), b.getWidth());
        assertEquals(a.getHeight(), b.getHeight());
        assertEquals(TestImages.picture(a), TestImages.picture(b));
    }

    @Test
    void folderWithAnnotationsRoundTripsThroughMetaJson() {
        Path root = tmp.resolve("ds");
        rgb(root.resolve("bolt/train/good/1.png"), 6, 4, 1);
        rgb(root.resolve("bolt/test/good/2.png"), 6, 4, 2);
        rgb(root.resolve("bolt/test/dent/3.png"), 6, 4, 3);
        rgb(root.resolve("bolt/test/dent/4.png"), 6, 4, 4);
        mask(root.resolve("bolt/test/dent/4_mask.png"), 6, 4, 2, 2, 5, 4);
        rgb(root.resolve("bolt/test/dent/5.png"), 6, 4, 5);
        rgb(root.resolve("bolt/val/good/6.png"), 6, 4, 6);
        rgb(root.resolve("nut/good/7.png"), 5, 5, 7);
        rgb(root.resolve("nut/crack/8.png"), 5, 5, 8);
        text(root.resolve("annotations.json"), """
                {"images": {"bolt/test/dent/3.png": [{"box": [0, 0, 2, 3]}],
                            "nut/crack/8.png": [{"polygon": [[1, 1], [4, 1], [1, 4]]}]}}
                """);
        Dataset original = DatasetLoader.load(root);
        Path out = tmp.resolve("index/meta.json");
        MetaJson.Written written = MetaJson.write(original, out);
        assertEquals(2, written.drawnMasks());
        // bolt: 1 train, 4 test, 1 val; nut is unsplit: its 2 images are in train and in test
        assertEquals(10, written.images());
        assertTrue(Files.isRegularFile(tmp.resolve("index/masks/bolt/test/dent/3_mask.png")));
        assertTrue(Files.isRegularFile(tmp.resolve("index/masks/nut/crack/8_mask.png")));

        Dataset loaded = DatasetLoader.load(out);
        assertEquals(Layout.META_JSON, loaded.layout());
        assertSameSamples(original, loaded);
        Sample drawn = loaded.samples("test").get(0);
        assertEquals(root.resolve("bolt/test/dent/3.png"), drawn.image());
        assertInstanceOf(MaskSource.File.class, drawn.mask().orElseThrow());
        assertEquals("""
                ##....
                ##....
                ##....
                ......
                """, TestImages.picture(drawn.mask().get().toGray()));
        String json = read(out);
        assertTrue(json.contains("\"img_path\" : \"../ds/bolt/test/dent/3.png\""), json);
        assertTrue(json.contains("\"mask_path\" : \"masks/bolt/test/dent/3_mask.png\""), json);
    }

    @Test
    void goldenMetaJsonRoundTrips() {
        Dataset golden = DatasetLoader.load(Fixtures.goldenV1());
        Path out = tmp.resolve("meta.json");
        MetaJson.Written written = MetaJson.write(golden, out);
        assertEquals(6, written.images());
        assertEquals(0, written.drawnMasks());
        assertSameSamples(golden, DatasetLoader.load(out));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
