package com.adclip.weights;

import com.adclip.AdclipException;
import com.adclip.files.AtomicFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * sha256 of weight files, remembered in the model cache ({@code sha256.json}, keyed by absolute path, size and
 * modification time) so that a 900 MB checkpoint is hashed once, not on every run. A changed file is re-hashed.
 */
public final class FileHashes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INDEX = "sha256.json";

    private final Path index;

    /** @param cacheDir where the index lives (the model cache) */
    public FileHashes(Path cacheDir) {
        this.index = cacheDir.resolve(INDEX);
    }

    /**
     * The sha256 of the weights at {@code path}: the file itself, or {@code model.safetensors} for a Hugging
     * Face directory.
     */
    public String sha256(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve("model.safetensors") : path;
        try {
            String key = file.toAbsolutePath().normalize().toString();
            String stamp = Files.size(file) + ":" + Files.getLastModifiedTime(file).toMillis();
            ObjectNode known = readIndex();
            if (known.path(key).path("stamp").asText("").equals(stamp)) {
                return known.path(key).path("sha256").asText();
            }
            String hash = hash(file);
            ObjectNode entry = known.putObject(key);
            entry.put("stamp", stamp);
            entry.put("sha256", hash);
            writeIndex(known);
            return hash;
        } catch (IOException e) {
            throw new AdclipException("cannot read " + file + " to compute its sha256: " + e.getMessage(), e);
        }
    }

    /** sha256 of a file's bytes, lower-case hex. */
    public static String hash(Path file) throws IOException {
        return com.adclip.Sha256.of(file);
    }

    private ObjectNode readIndex() {
        try {
            if (Files.isRegularFile(index)) {
                return (ObjectNode) JSON.readTree(index.toFile());
            }
        } catch (IOException | ClassCastException e) {
            // a damaged index is only a cache: start afresh
        }
        return JSON.createObjectNode();
    }

    private void writeIndex(ObjectNode known) {
        try {
            Files.createDirectories(index.getParent());
            AtomicFiles.write(index, temp -> JSON.writeValue(temp.toFile(), known));
        } catch (IOException e) {
            // read-only cache: hashing again next time is the only cost
        }
    }
}
