package com.adclip.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileHashesTest {
    @TempDir Path tmp;

    @Test
    void hashesAreTheKnownSha256AndRecomputedWhenTheFileChanges() throws Exception {
        Path file = tmp.resolve("w.pt");
        Files.writeString(file, "abc", StandardCharsets.US_ASCII);
        FileHashes hashes = new FileHashes(tmp.resolve("cache"));
        // sha256("abc") from FIPS 180-2, appendix B.1
        String abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assertEquals(abc, hashes.sha256(file));
        assertTrue(Files.exists(tmp.resolve("cache/sha256.json")));
        assertEquals(abc, new FileHashes(tmp.resolve("cache")).sha256(file));
        Files.writeString(file, "abd", StandardCharsets.US_ASCII);
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5000));
        assertNotEquals(abc, hashes.sha256(file));
    }

    @Test
    void aHuggingFaceDirectoryIsIdentifiedByItsModelSafetensors() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("hf"));
        Files.writeString(dir.resolve("model.safetensors"), "abc", StandardCharsets.US_ASCII);
        assertEquals(FileHashes.hash(dir.resolve("model.safetensors")), new FileHashes(tmp).sha256(dir));
    }
}
