package com.adclip.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleThresholdsTest {
    @TempDir
    Path dir;

    @Test
    void savingAThresholdKeepsTheBundlesMode() throws IOException {
        assumeTrue(Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null, "needs POSIX permissions");
        for (String mode : new String[] {"rw-r--r--", "rw-r-----"}) {
            Path bundle = dir.resolve("line-" + mode.hashCode() + ".adclip");
            writeBundle(bundle);
            Files.setPosixFilePermissions(bundle, PosixFilePermissions.fromString(mode));

            Path backup = BundleThresholds.saveImageThreshold(bundle, 0.25);

            assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(bundle)), "the bundle");
            assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)), "its backup");
            try (ZipFile zip = new ZipFile(bundle.toFile())) {
                JsonNode manifest = new ObjectMapper().readTree(zip.getInputStream(zip.getEntry("manifest.json")));
                assertEquals(0.25, manifest.get("thresholds").get("image").asDouble());
                assertTrue(zip.getEntry("prompts.npz") != null, "other entries are kept");
            }
        }
    }

    private static void writeBundle(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("manifest.json"));
            zip.write("{\"thresholds\": {\"image\": 0.5}}".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("prompts.npz"));
            zip.write(new byte[] {1, 2, 3});
            zip.closeEntry();
        }
    }
}
