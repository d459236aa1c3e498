package com.adclip.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** loss_curve.png is written without ImageIO's cache file, and temp files of killed runs do not linger. */
class LossCurveTest {
    @TempDir Path tmp;

    private static final List<EpochRecord> LOG = List.of(
            new EpochRecord(1, 3.0, 1.0, 0.5, Double.NaN, Double.NaN, 1e-3, 1.0, 2),
            new EpochRecord(2, 2.0, 0.8, 0.3, Double.NaN, Double.NaN, 1e-3, 1.0, 0));

    @Test
    void theCurveIsWrittenWithoutAnImageIoCacheFile() throws Exception {
        Path cache = Files.createDirectories(tmp.resolve("imageio-cache"));
        boolean useCache = ImageIO.getUseCache();
        try {
            ImageIO.setUseCache(true);
            ImageIO.setCacheDirectory(cache.toFile());
            Files.delete(cache); // a cache file would now fail with "Can't create cache file!"
            Path file = tmp.resolve("loss_curve.png");
            LossCurve.write(file, LOG);
            BufferedImage image = ImageIO.read(file.toFile());
            assertEquals(900, image.getWidth());
            assertEquals(500, image.getHeight());
        } finally {
            ImageIO.setCacheDirectory(null);
            ImageIO.setUseCache(useCache);
        }
        try (var files = Files.list(tmp)) {
            assertEquals(List.of("loss_curve.png"), files.map(f -> f.getFileName().toString()).toList());
        }
    }

    @Test
    void staleTempFilesOfAKilledRunAreRemovedAndNothingElse() throws Exception {
        for (String name : List.of("loss_curve8231.tmp", "train_log.csv991.tmp", "last.adclip123.tmp",
                "epoch_3.adclip77.tmp", "loss_curve.png", "last.adclip", "notes.tmp", "epoch_3.adclip")) {
            Files.writeString(tmp.resolve(name), name);
        }
        int removed = LossCurve.removeStaleTemps(tmp, List.of("train_log.csv", "last.adclip", "epoch_"));
        assertEquals(4, removed);
        try (var files = Files.list(tmp)) {
            assertEquals(List.of("epoch_3.adclip", "last.adclip", "loss_curve.png", "notes.tmp"),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        assertTrue(Files.exists(tmp.resolve("notes.tmp")), "a temp file that is not the run's own is kept");
    }
}
