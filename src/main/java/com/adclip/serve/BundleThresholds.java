package com.adclip.serve;

import com.adclip.AdclipException;
import com.adclip.files.AtomicFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Saves an operator's image threshold into an {@code .adclip} bundle: the other entries are copied byte for
 * byte, {@code manifest.json} gets the new threshold with strategy {@code operator}, the old file is kept as
 * {@code NAME.adclip.bak}, and the new one replaces it by an atomic rename, so a reader sees either file whole.
 */
final class BundleThresholds {
    static final String MANIFEST = "manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BundleThresholds() {}

    /**
     * Writes {@code threshold} as the bundle's image threshold.
     *
     * @return the backup of the previous bundle
     */
    static synchronized Path saveImageThreshold(Path bundle, double threshold) {
        return saveImageThreshold(bundle, threshold, false, Double.NaN);
    }

    /**
     * Writes {@code threshold} as the bundle's image threshold; with {@code fused}, as the image threshold of its
     * reference bank (fused score space), creating the bank's thresholds with {@code mapThreshold} when it has none.
     *
     * @return the backup of the previous bundle
     */
    static synchronized Path saveImageThreshold(Path bundle, double threshold, boolean fused, double mapThreshold) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("the image threshold must be in [0, 1], got " + threshold);
        }
        Path backup = bundle.resolveSibling(bundle.getFileName() + ".bak");
        try { // the rewrite keeps the bundle's mode
            AtomicFiles.write(bundle, temp -> {
                rewrite(bundle, temp, threshold, fused, mapThreshold);
                Files.copy(bundle, backup, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            });
            return backup;
        } catch (IOException e) {
            throw new AdclipException("cannot save the threshold into " + bundle + ": " + e.getMessage(), e);
        }
    }

    private static void rewrite(Path bundle, Path target, double threshold, boolean fused, double mapThreshold)
            throws IOException {
        try (ZipFile zip = new ZipFile(bundle.toFile()); OutputStream file = Files.newOutputStream(target);
                ZipOutputStream out = new ZipOutputStream(file)) {
            ZipEntry manifest = zip.getEntry(MANIFEST);
            if (manifest == null) {
                throw new AdclipException(bundle + " is not an .adclip bundle: it has no " + MANIFEST);
            }
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                out.putNextEntry(new ZipEntry(entry.getName()));
                try (InputStream in = zip.getInputStream(entry)) {
                    if (entry.getName().equals(MANIFEST)) {
                        out.write(updated(in.readAllBytes(), threshold, fused, mapThreshold));
                    } else {
                        in.transferTo(out);
                    }
                }
                out.closeEntry();
            }
        }
    }

    private static byte[] updated(byte[] manifest, double threshold, boolean fused, double mapThreshold)
            throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(manifest);
        ObjectNode thresholds = (ObjectNode) root.get("thresholds");
        if (fused) {
            if (!(root.get("reference") instanceof ObjectNode reference)) {
                throw new AdclipException("the bundle on disk has no reference bank any more; threshold not saved");
            }
            if (reference.get("thresholds") instanceof ObjectNode bank) {
                thresholds = bank;
            } else {
                thresholds = reference.putObject("thresholds");
                thresholds.put("pixel", mapThreshold);
                thresholds.put("pixel_strategy", "default");
                thresholds.putNull("source");
            }
        }
        thresholds.put("image", threshold);
        thresholds.put("image_strategy", "operator");
        thresholds.put("image_saved", Instant.now().toString());
        return JSON.writeValueAsBytes(root);
    }
}
