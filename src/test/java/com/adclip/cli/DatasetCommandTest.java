package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetCommandTest {

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private static void png(Path file, int w, int h, int seed) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 7 + y * 13 + seed * 101) & 0xFFFFFF);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    /** One problem of each kind. */
    private Path problemDataset() throws IOException {
        Path root = tmp.resolve("ds");
        png(root.resolve("good/a.png"), 8, 6, 1);
        Files.copy(root.resolve("good/a.png"), root.resolve("good/b.png")); // duplicate
        png(root.resolve("scratch/c.png"), 8, 6, 2); // no mask
        png(root.resolve("scratch/d.png"), 8, 6, 3);
        png(root.resolve("scratch/d_mask.png"), 4, 6, 0); // wrong size
        Files.write(root.resolve("scratch/e.png"), new byte[] {1, 2, 3, 4}); // unreadable
        png(root.resolve("scratch/e_mask.png"), 8, 6, 0);
        return root;
    }

    @Test
    void inspectListsOneOfEachProblem() throws IOException {
        Path root = problemDataset();
        assertEquals(0, run("dataset", "inspect", root.toString()));
        List<String> lines = out.toString().lines().toList();
        assertEquals(List.of(
                "dataset: plain folder at " + root,
                "ds: 5 images (2 good, 3 defective); defect types: scratch 3; splits: train 5, test 5",
                "split that train and test will use:",
                "  ds: train 3, test 2 (test carved out: 20 % of the good images and of each defect type, seed 0)",
                "problems: 4",
                "  defective images with no mask (image-level label only): 1",
                "    scratch/c.png",
                "  masks whose size differs from their image: 1",
                "    scratch/d_mask.png: mask 4x6, image 8x6 (" + root.resolve("scratch/d.png") + ")",
                "  duplicate images (same content): 1",
                "    good/b.png: same content as " + root.resolve("good/a.png")), lines.subList(0, 11));
        assertEquals("  unreadable files: 1", lines.get(11));
        assertTrue(lines.get(12).startsWith("    scratch/e.png: cannot read "), lines.get(12));
        assertEquals(13, lines.size(), out.toString());
        assertEquals("", err.toString());
    }

    @Test
    void inspectLimitsTheListedFiles() throws IOException {
        Path root = tmp.resolve("ds");
        png(root.resolve("good/a.png"), 4, 4, 1);
        for (int i = 0; i < 3; i++) {
            png(root.resolve("dent/" + i + ".png"), 4, 4, 2 + i);
        }
        assertEquals(0, run("dataset", "inspect", "--limit", "1", root.toString()));
        assertTrue(out.toString().contains("""
                  defective images with no mask (image-level label only): 3
                    dent/0.png
                    ... and 2 more (--limit 0 lists all)
                """), out.toString());
    }

    @Test
    void inspectOfACleanGoldenIndex() {
        Path golden = com.adclip.testing.Fixtures.goldenV1();
        assertEquals(0, run("dataset", "inspect", "--decode", golden.resolve("meta.json").toString()));
        assertTrue(out.toString().contains("v1: 4 images (1 good, 3 defective); defect types: defect 3; "
                + "splits: train 2, test 4\nsplit that train and test will use:\n  v1: train 2, test 4 (from the "
                + "dataset's own splits)\nproblems: none"), out.toString());
    }

    @Test
    void inspectFailsOnUnusableData() throws IOException {
        Path root = tmp.resolve("ds");
        Files.createDirectories(root.resolve("good"));
        Files.write(root.resolve("good/a.png"), new byte[] {1, 2, 3});
        assertEquals(1, run("dataset", "inspect", root.toString()));
        assertTrue(err.toString().startsWith("adclip: error: dataset " + root + " is unusable: no readable image "
                + "in class(es) ds"), err.toString());
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        assertEquals(1, run("dataset", "inspect", tmp.resolve("missing").toString()));
        assertTrue(err.toString().contains("does not exist"), err.toString());
    }

    @Test
    void toMetaWritesTheIndexAndSaysWhereMasksWent() throws IOException {
        Path root = tmp.resolve("ds");
        png(root.resolve("good/a.png"), 6, 4, 1);
        png(root.resolve("dent/b.png"), 6, 4, 2);
        Files.writeString(root.resolve("annotations.csv"), "image,x,y,w,h\ndent/b.png,1,1,2,2\n");
        assertEquals(0, run("dataset", "to-meta", root.toString()));
        Path meta = root.resolve("meta.json");
        assertEquals("wrote " + meta + ": 2 train, 2 test, 0 val images in 1 class(es), from the plain folder at "
                + root + "\nwrote 1 mask PNG(s) rasterised from boxes/polygons to " + root.resolve("masks")
                + " (meta.json can only name mask files)\n", out.toString().replace("\r\n", "\n"));
        assertTrue(Files.isRegularFile(root.resolve("masks/dent/b_mask.png")));

        // the folder now has meta.json, which takes precedence; writing again needs --force
        assertEquals(2, run("dataset", "to-meta", root.toString()));
        assertTrue(err.toString().contains("already exists; pass --force"), err.toString());
        Path other = tmp.resolve("elsewhere.json");
        assertEquals(0, run("dataset", "to-meta", root.toString(), "--out", other.toString()));
        assertTrue(Files.isRegularFile(other));
    }

    @Test
    void datasetHelp() {
        assertEquals(0, run("dataset", "--help"));
        assertTrue(out.toString().contains("inspect") && out.toString().contains("to-meta"), out.toString());
    }
}
