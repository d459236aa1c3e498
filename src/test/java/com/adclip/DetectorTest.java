package com.adclip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.cli.TinyStationModel;
import com.adclip.testing.Fixtures;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public API on the golden tiny CLIP: verdicts follow the run-time threshold, inputs agree, threads share. */
class DetectorTest {
    @TempDir static Path dir;
    static Detector detector;

    @BeforeAll
    static void open() {
        Path bundle = TinyStationModel.importBundle(dir);
        detector = Detector.builder().bundle(bundle).weights(Fixtures.goldenV1().resolve("tiny-clip.pt"))
                .cache(dir.resolve("cache")).build();
    }

    @AfterAll
    static void close() {
        if (detector != null) {
            detector.close();
        }
    }

    @Test
    void verdictsFollowTheThresholdSetAtRunTime() {
        double start = detector.threshold();
        try {
            Path image = TinyStationModel.image(1);
            double score = detector.inspect(image).score();
            detector.setThreshold(score);
            assertEquals(Verdict.NG, detector.inspect(image).verdict(), "score equal to the threshold is NG");
            detector.setThreshold(Math.nextUp(score));
            assertEquals(Verdict.OK, detector.inspect(image).verdict(), "score just below the threshold is OK");
            detector.setThreshold(0);
            assertEquals(Verdict.NG, detector.inspect(image).verdict());
            detector.setThreshold(1.5);
            assertEquals(Verdict.OK, detector.inspect(image).verdict());
            assertEquals(1.5, detector.threshold());
        } finally {
            detector.setThreshold(start);
        }
    }

    /** Issue 12, peak RSS: a built detector has its text features, so the text tower's weights are freed. */
    @Test
    void aBuiltDetectorFreesTheTextTowerAndStillInspects() {
        com.adclip.clip.ClipModel clip = detector.exportParts().clip();
        try (ai.djl.ndarray.NDManager scope = ai.djl.ndarray.NDManager.newBaseManager()) {
            ai.djl.ndarray.NDArray ids = scope.zeros(new ai.djl.ndarray.types.Shape(1, 77),
                    ai.djl.ndarray.types.DataType.INT32);
            AdclipException freed = assertThrows(AdclipException.class, () -> clip.encodeText(ids));
            assertTrue(freed.getMessage().contains("text tower"), freed.getMessage());
        }
        assertTrue(detector.inspect(TinyStationModel.image(1)).score() >= 0, "inspections need no text tower");
    }

    @Test
    void theBundleThresholdIsTheDefault() {
        assertEquals(detector.storedThresholds().image(), detector.threshold());
        assertEquals(detector.storedThresholds().pixel(), detector.mapThreshold());
        assertThrows(IllegalArgumentException.class, () -> detector.setThreshold(Double.NaN));
    }

    @Test
    void bytesAndBufferedImagesGiveWhatTheFileGives() throws Exception {
        Path image = TinyStationModel.image(2);
        Inspection file = detector.inspect(image);
        Inspection bytes = detector.inspect(Files.readAllBytes(image));
        BufferedImage decoded = ImageIO.read(image.toFile());
        Inspection picture = detector.inspect(decoded);
        assertEquals(file.score(), bytes.score());
        assertArrayEquals(file.anomalyMap(), bytes.anomalyMap());
        assertEquals(file.score(), picture.score());
        assertArrayEquals(file.anomalyMap(), picture.anomalyMap());
        assertEquals(file.width() * file.height(), file.anomalyMap().length);
        assertEquals(decoded.getWidth(), file.width());
        assertEquals(Verdict.of(file.score(), detector.threshold()), file.verdict());
    }

    @Test
    void aFileThatIsNoImageIsAClearError() {
        AdclipException e = assertThrows(AdclipException.class, () -> detector.inspect("not an image".getBytes()));
        assertTrue(!e.getMessage().isBlank());
    }

    @Test
    void concurrentInspectionsGiveTheSequentialAnswers() throws Exception {
        List<Path> images = List.of(TinyStationModel.image(0), TinyStationModel.image(1), TinyStationModel.image(2),
                TinyStationModel.image(3));
        List<Inspection> sequential = new ArrayList<>();
        for (Path image : images) {
            sequential.add(detector.inspect(image));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Inspection>> futures = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (Path image : images) {
                    futures.add(pool.submit(() -> detector.inspect(image)));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                Inspection expected = sequential.get(i % images.size());
                Inspection actual = futures.get(i).get();
                assertEquals(expected.score(), actual.score());
                assertArrayEquals(expected.anomalyMap(), actual.anomalyMap());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void verdictOfIsAtOrAbove() {
        assertEquals(Verdict.NG, Verdict.of(0.5, 0.5));
        assertEquals(Verdict.OK, Verdict.of(Math.nextDown(0.5), 0.5));
        assertEquals(Verdict.NG, Verdict.of(0.9, 0.5));
    }
}
