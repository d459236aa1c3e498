package com.adclip.anomaly;

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

/** The station's operator threshold is saved into the bundle file, keeping its mode and its other entries. */
class BundleThresholdSaveTest {
    @TempDir
    Path dir;

    @Test
    void savingAThresholdKeepsTheBundlesMode() throws IOException {
        assumeTrue(Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null, "needs POSIX permissions");
        for (String mode : new String[] {"rw-r--r--", "rw-r-----"}) {
            Path bundle = dir.resolve("line-" + mode.hashCode() + ".adclip");
            writeBundle(bundle);
            Files.setPosixFilePermissions(bundle, PosixFilePermissions.fromString(mode));

            Path backup = Bundle.saveImageThreshold(bundle, 0.25);

            assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(bundle)), "the bundle");
            assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)), "its backup");
            try (ZipFile zip = new ZipFile(bundle.toFile())) {
                JsonNode manifest = new ObjectMapper().readTree(zip.getInputStream(zip.getEntry("manifest.json")));
                assertEquals(0.25, manifest.get("thresholds").get("image").asDouble());
                assertEquals("operator", manifest.get("thresholds").get("image_strategy").asText());
                assertEquals(2.0, manifest.get("thresholds").get("pixel").asDouble(), "the map threshold stays");
                assertTrue(zip.getEntry("prompts.npz") != null, "other entries are kept");
            }
        }
    }

    private static void writeBundle(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("manifest.json"));
            zip.write(("{\"format_version\": 1, \"clip\": {\"model\": null, \"weights_file\": \"w.pt\", "
                    + "\"weights_sha256\": \"" + "0".repeat(64) + "\"}, \"detector\": {\"image_size\": 48, "
                    + "\"features\": [2], \"dpam\": 1, \"sigma\": 4, \"temperature\": 0.07, \"n_ctx\": 2, "
                    + "\"t_n_ctx\": 1, \"depth\": 2, \"class_word\": \"object\"}, \"thresholds\": {\"image\": "
                    + "0.5, \"image_strategy\": \"default\", \"pixel\": 2.0, \"pixel_strategy\": \"default\"}}")
                    .getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("prompts.npz"));
            zip.write(new byte[] {1, 2, 3});
            zip.closeEntry();
        }
    }
}
