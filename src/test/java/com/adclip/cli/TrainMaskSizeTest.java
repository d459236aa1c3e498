package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.adclip.testing.Fixtures;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train} refuses a mask whose size differs from its image instead of stretching it. */
class TrainMaskSizeTest {
    @TempDir
    Path tmp;

    @Test
    void aMaskOfAnotherSizeStopsTrainingBeforeItStartsNamingBothFiles() throws IOException {
        Path golden = Fixtures.goldenV1();
        Path data = tmp.resolve("data");
        for (String name : new String[] {"meta.json", "images/img0.png", "images/img1.png", "images/img2.png",
                "images/img3.png", "masks/img0_mask.png", "masks/img2_mask.png", "masks/img3_mask.png"}) {
            Files.createDirectories(data.resolve(name).getParent());
            Files.copy(golden.resolve(name), data.resolve(name));
        }
        Path mask = data.resolve("masks/img1_mask.png"); // img1.png is 48 x 48
        ImageIO.write(new BufferedImage(17, 9, BufferedImage.TYPE_BYTE_GRAY), "png", mask.toFile());
        Path out = tmp.resolve("run");

        CliRun run = CliRun.of("train", "--data", data.resolve("meta.json").toString(), "--weights",
                golden.resolve("tiny-clip.pt").toString(), "--init",
                golden.resolve("prompt-learner.pth").toString(), "--image-size", "48", "--features", "2,3,4,6", "--dpam",
                "5", "--epochs", "1", "--out", out.toString(), "--cache", tmp.resolve("cache").toString());

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("adclip: error: mask " + mask + " is 17x9 but its image " + data.resolve("images/img1.png")
                + " is 48x48: a mask must have the size of its image\n", run.err(), run.toString());
        assertFalse(Files.exists(out), "nothing is written");
    }
}
