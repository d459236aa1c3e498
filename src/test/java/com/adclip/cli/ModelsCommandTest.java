package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsCommandTest {

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void listsAllFourModelsWithStatusAndPath() throws IOException {
        Files.write(tmp.resolve("ViT-B-16.pt"), new byte[3 * 1024 * 1024]);
        Files.write(tmp.resolve("ViT-L-14.pt.part"), new byte[2048]);

        assertEquals(0, run("models", "--cache", tmp.toString()));

        String[] lines = out.toString().split("\\R");
        assertEquals("cache: " + tmp, lines[6], out.toString());
        assertRow(lines, "ViT-B/32", "224px", "not downloaded", "-", "ViT-B-32.pt");
        assertRow(lines, "ViT-B/16", "224px", "cached", "3.0 MB", "ViT-B-16.pt");
        assertRow(lines, "ViT-L/14", "224px", "partial download", "2.0 KB", "ViT-L-14.pt");
        assertRow(lines, "ViT-L/14@336px", "336px", "not downloaded", "-", "ViT-L-14-336px.pt");
        assertEquals("", err.toString());
    }

    @Test
    void helpWorks() {
        assertEquals(0, run("models", "--help"));
        assertTrue(out.toString().contains("--cache=DIR"), out.toString());
    }

    private void assertRow(String[] lines, String name, String input, String status, String size, String file) {
        String row = Arrays.stream(lines).filter(l -> l.startsWith(name + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + name + " in\n" + out));
        String[] cells = row.split("\\s{2,}");
        assertEquals(name, cells[0].strip(), row);
        assertEquals(input, cells[1].strip(), row);
        assertEquals(status, cells[2].strip(), row);
        assertEquals(size, cells[3].strip(), row);
        assertEquals(tmp.resolve(file).toString(), cells[4].strip(), row);
    }
}
