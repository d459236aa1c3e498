package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.testing.FileServer;
import com.adclip.weights.ModelRegistry;
import com.adclip.weights.ModelSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FetchModelCommandTest {

    private static final ModelSpec B16 = ModelRegistry.find("ViT-B/16");
    private static final String B16_PATH = "/clip/models/" + B16.sha256() + "/ViT-B-16.pt";

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void wrongBytesFromTheMirrorFailWithExitOneAndBothHashes() throws IOException {
        try (FileServer server = FileServer.start().serve(B16_PATH, new byte[1000])) {
            int code = run("fetch-model", "ViT-B/16", "--cache", tmp.toString(), "--mirror", server.baseUrl());

            assertEquals(1, code);
            String message = err.toString();
            assertTrue(message.contains("adclip: error: downloaded ViT-B/16 from " + server.baseUrl() + B16_PATH
                    + " but its sha256 is "), message);
            assertTrue(message.contains("expected " + B16.sha256()), message);
            assertTrue(message.contains(tmp.resolve("ViT-B-16.pt").toString()), message);
            assertEquals("", out.toString());
            assertEquals(1, server.requests());
            try (Stream<Path> files = Files.list(tmp)) {
                assertEquals(0, files.count(), "nothing is kept");
            }
        }
    }

    @Test
    void unreachableMirrorGivesOneLineWithUrlHashAndPath() throws IOException {
        String mirror = "http://127.0.0.1:" + FileServer.closedPort();

        int code = run("fetch-model", "vit-b-16", "--cache", tmp.toString(), "--mirror", mirror);

        assertEquals(1, code);
        assertEquals("adclip: error: cannot download ViT-B/16 from " + mirror + B16_PATH + ": connection refused. "
                + "Download it elsewhere, check sha256 " + B16.sha256() + ", and put it at "
                + tmp.resolve("ViT-B-16.pt") + System.lineSeparator(), err.toString());
    }

    @Test
    void missingFileOnTheMirrorIsAnHttpError() throws IOException {
        try (FileServer server = FileServer.start()) {
            int code = run("fetch-model", "ViT-L/14", "--cache", tmp.toString(), "--mirror", server.baseUrl());

            assertEquals(1, code);
            assertTrue(err.toString().contains(": HTTP 404 (not found). Download it elsewhere"), err.toString());
        }
    }

    @Test
    void unknownModelIsAUsageErrorListingTheKnownNames() {
        int code = run("fetch-model", "RN50", "--cache", tmp.toString());

        assertEquals(2, code);
        assertEquals("adclip: error: unknown model 'RN50'; known models: ViT-B/32, ViT-B/16, ViT-L/14, "
                + "ViT-L/14@336px" + System.lineSeparator(), err.toString());
    }

    @Test
    void missingNameIsAUsageError() {
        assertEquals(2, run("fetch-model", "--cache", tmp.toString()));
        assertTrue(err.toString().contains("Missing required parameter: 'NAME'"), err.toString());
    }

    @Test
    void badMirrorIsAUsageError() {
        assertEquals(2, run("fetch-model", "ViT-B/16", "--cache", tmp.toString(), "--mirror", "ftp://x"));
        assertTrue(err.toString().contains("invalid model mirror 'ftp://x'"), err.toString());
    }

    @Test
    void helpWorks() {
        assertEquals(0, run("fetch-model", "--help"));
        assertTrue(out.toString().contains("--mirror=URL"), out.toString());
        assertTrue(out.toString().contains("--cache=DIR"), out.toString());
    }
}
