package com.adclip.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.AdclipException;
import com.adclip.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The carved test split of plain folders, and the training-image record that counts leakage. */
class TestSplitTest {
    @TempDir Path tmp;

    /** A plain folder: 10 good, 5 scratch, 2 dent, 1 hole, each image with distinct bytes. */
    private Path plain() {
        Path root = tmp.resolve("line");
        int seed = 0;
        for (Map.Entry<String, Integer> e : Map.of("good", 10, "scratch", 5, "dent", 2, "hole", 1).entrySet()) {
            for (int i = 0; i < e.getValue(); i++) {
                TestImages.rgb(root.resolve(e.getKey()).resolve(i + ".png"), 8, 8, seed++);
            }
        }
        return root;
    }

    private static Map<String, Long> types(List<Sample> samples) {
        return samples.stream().collect(Collectors.groupingBy(Sample::defectType, Collectors.counting()));
    }

    @Test
    void aPlainFolderGetsAStratifiedTestSplitAndNoImageIsInBoth() {
        Dataset loaded = DatasetLoader.load(plain());
        assertEquals(loaded.samples("train"), loaded.samples("test"), "without a carve every image is in both");
        Dataset d = new TestSplit(0.2, 0).apply(loaded);
        // good: round(2.0) = 2; scratch: round(1.0) = 1; dent: round(0.4) = 0 raised to 1; hole: a single image stays
        assertEquals(Map.of("good", 2L, "scratch", 1L, "dent", 1L), types(d.samples("test")));
        assertEquals(Map.of("good", 8L, "scratch", 4L, "dent", 1L, "hole", 1L), types(d.samples("train")));
        Set<Sample> train = new HashSet<>(d.samples("train"));
        assertTrue(d.samples("test").stream().noneMatch(train::contains));
        assertEquals(18, train.size() + d.samples("test").size());
    }

    @Test
    void theSameSeedGivesTheSameImagesAndAnotherSeedOthers() {
        Dataset loaded = DatasetLoader.load(plain());
        List<Sample> a = new TestSplit(0.3, 7).apply(loaded).samples("test");
        assertEquals(a, new TestSplit(0.3, 7).apply(DatasetLoader.load(loaded.root())).samples("test"));
        assertNotEquals(a, new TestSplit(0.3, 8).apply(loaded).samples("test"));
    }

    @Test
    void explicitSplitsAndAZeroFractionAreLeftAlone() {
        Dataset golden = DatasetLoader.load(Fixtures.goldenV1().resolve("meta.json"));
        assertTrue(TestSplit.sharedClasses(golden).isEmpty(), "golden-v1 has its own train and test");
        assertSame(golden, TestSplit.DEFAULT.apply(golden));
        Dataset loaded = DatasetLoader.load(plain());
        assertSame(loaded, new TestSplit(0, 0).apply(loaded));
        assertThrows(AdclipException.class, () -> new TestSplit(1, 0));
    }

    @Test
    void inspectionLinesSayWhichSplitIsUsed() {
        Dataset loaded = DatasetLoader.load(plain());
        assertEquals(List.of("line: train 14, test 4 (test carved out: 20 % of the good images and of each defect "
                + "type, seed 0)"), TestSplit.DEFAULT.describe(loaded));
        assertTrue(new TestSplit(0, 0).describe(loaded).get(0).contains("test numbers measure nothing"));
    }

    @Test
    void trainingImagesAreRecognisedByContentEvenUnderAnotherName() throws Exception {
        Path root = plain();
        Dataset d = TestSplit.DEFAULT.apply(DatasetLoader.load(root));
        TrainingImages record = TrainingImages.of(d, TestSplit.DEFAULT, d.samples("train"));
        TrainingImages read = TrainingImages.from(Map.of(TrainingImages.KEY, record.toMap())).orElseThrow();
        assertEquals(record, read);
        assertEquals(4, read.test().size());
        assertEquals(0, read.overlap(d, d.samples("test")).seen().size(), "the carved test images are unseen");
        // a training image copied into the folder under a new name lands in the test split of a new load
        Path trainImage = d.samples("train").stream().filter(s -> !s.anomaly()).findFirst().orElseThrow().image();
        Files.copy(trainImage, root.resolve("good/zz-copy.png"));
        Dataset reloaded = DatasetLoader.load(root);
        TrainingImages.Overlap all = read.overlap(reloaded, reloaded.samples("test"));
        assertEquals(19, all.evaluated());
        assertEquals(15, all.seen().size(), "14 trained images and the copy of one");
        assertTrue(all.seen().contains("good/zz-copy.png"), all.seen().toString());
        assertEquals("15 of 19 test images were used in training: these numbers are optimistic", all.sentence("test"));
    }
}
