package com.adclip.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.AdclipException;
import com.adclip.testing.FileServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bundles from a path or a loopback URL, checked against --bundle-sha256. */
class BundleSourceTest {
    /** sha256("bundle bytes"), computed outside this code (sha256sum). */
    private static final String SHA = "f40a912044d47ea7c32f37340db4fd5eb853ffb8fcd983f605d9eb4f8b02fbc2";
    private static final byte[] BYTES = "bundle bytes".getBytes(StandardCharsets.UTF_8);

    @TempDir Path tmp;

    @Test
    void aUrlIsDownloadedAndItsDigestChecked() throws Exception {
        String sha = SHA;
        try (FileServer server = FileServer.start()) {
            server.serve("/line3-v7.adclip", BYTES);
            BundleSource.Resolved r = BundleSource.resolve(server.url("/line3-v7.adclip").toString(), sha,
                    tmp.resolve("downloads"));
            assertEquals(tmp.resolve("downloads/line3-v7.adclip"), r.file());
            assertEquals(sha, r.sha256());
            AdclipException wrong = assertThrows(AdclipException.class, () -> BundleSource.resolve(
                    server.url("/line3-v7.adclip").toString(), "00" + sha.substring(2), tmp.resolve("d2")));
            assertTrue(wrong.getMessage().contains("not the expected"), wrong.getMessage());
            server.status("/gone.adclip", 404);
            AdclipException gone = assertThrows(AdclipException.class, () -> BundleSource.resolve(
                    server.url("/gone.adclip").toString(), null, tmp.resolve("d3")));
            assertTrue(gone.getMessage().contains("HTTP 404"), gone.getMessage());
        }
    }

    @Test
    void theDigestIsTheFilesSha256() throws Exception {
        Path file = Files.write(tmp.resolve("b.adclip"), BYTES);
        assertEquals(SHA, BundleSource.sha256(file));
        assertThrows(AdclipException.class, () -> BundleSource.resolve(tmp.resolve("missing").toString(), null, tmp));
    }
}
