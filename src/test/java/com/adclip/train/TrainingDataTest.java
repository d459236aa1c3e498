package com.adclip.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.data.Sample;
import com.adclip.data.TestSplit;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code adclip train} learns on: the carved test split, the validation split and --ignore-defects. */
class TrainingDataTest {
    @TempDir Path tmp;

    /** A plain folder (no test split of its own): 10 good and 5 scratch images, each with distinct pixels. */
    private Path plain() throws IOException {
        Path root = tmp.resolve("line");
        Random random = new Random(1);
        for (Map.Entry<String, Integer> e : Map.of("good", 10, "scratch", 5).entrySet()) {
            Files.createDirectories(root.resolve(e.getKey()));
            for (int i = 0; i < e.getValue(); i++) {
                BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
                for (int p = 0; p < 64; p++) {
                    image.setRGB(p % 8, p / 8, random.nextInt(0xffffff));
                }
                ImageIO.write(image, "png", root.resolve(e.getKey()).resolve(i + ".png").toFile());
            }
        }
        return root;
    }

    private static TrainingOptions options(Path data, Double valSplit, Boolean ignoreDefects, Double testSplit) {
        return new TrainingOptions(data.toString(), null, null, null, null, null, null, null, null, null, null, null,
                null, valSplit, null, null, null, null, null, null, null, ignoreDefects, testSplit, null, null);
    }

    private static Map<String, Long> types(List<Sample> samples) {
        return samples.stream().collect(Collectors.groupingBy(Sample::defectType, Collectors.counting()));
    }

    @Test
    void aPlainFolderLosesItsCarvedTestImagesAndTheListenerHearsHowMany() throws IOException {
        List<String> heard = new ArrayList<>();
        TrainingData d = TrainingData.prepare(options(plain(), null, null, null), 0,
                (split, heldOut) -> heard.add(split + " " + heldOut));
        // 20 % by default, per class: good round(2.0) = 2, scratch round(1.0) = 1
        assertEquals(List.of(TestSplit.DEFAULT + " 3"), heard);
        assertEquals(Map.of("good", 8L, "scratch", 4L), types(d.train()));
        assertTrue(d.validation().isEmpty());
        assertEquals(TestSplit.DEFAULT, d.images().split());
        assertEquals(3, d.images().test().size());
    }

    @Test
    void zeroTestSplitTrainsOnAllAndIgnoreDefectsKeepsTheGoodOnes() throws IOException {
        List<String> heard = new ArrayList<>();
        TrainingData d = TrainingData.prepare(options(plain(), null, true, 0.0), 0,
                (split, heldOut) -> heard.add(split + " " + heldOut));
        assertTrue(heard.isEmpty(), "nothing carved");
        assertEquals(Map.of("good", 10L), types(d.train()));
        assertEquals(null, d.images().split());
    }

    @Test
    void aValidationSplitComesOutOfTheTrainingImages() throws IOException {
        TrainingData d = TrainingData.prepare(options(plain(), 0.25, null, 0.0), 0, (split, heldOut) -> { });
        assertEquals(15, d.train().size() + d.validation().size());
        assertTrue(!d.validation().isEmpty() && d.validation().stream().noneMatch(d.train()::contains));
    }
}
