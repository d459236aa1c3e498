package com.adclip.anomaly;

import java.util.function.UnaryOperator;
import java.util.Enumeration;
import java.nio.file.StandardCopyOption;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.adclip.AdclipException;
import com.adclip.files.AtomicFiles;
import com.adclip.files.FileErrors;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The {@code NAME.adclip} file: a zip of {@code manifest.json} and {@code prompts.safetensors} (the learned
 * tensors under the reference's names, readable from Python with {@code safetensors.torch.load_file}).
 *
 * <p>Training checkpoints also hold {@code optimizer.safetensors}: the optimiser's moments, so that a run can be
 * resumed exactly.
 *
 * @param manifest hyper-parameters, CLIP identity, thresholds, provenance
 * @param prompts the learned tensors ({@code ctx_pos}, {@code ctx_neg}, {@code compound_prompts_text.K})
 * @param optimizer the optimiser's state tensors, empty for a finished model
 * @param reference the reference bank's tensors ({@code bank.B} float16, {@code source.B} int32), empty when
 *     the bundle has no bank; present exactly when {@code manifest.reference()} is
 * @param types the defect-type prototypes ({@code types.safetensors}: {@code proto.B} float16, {@code label.B}
 *     int32), empty when the bundle has no types or no type has prototypes; only with {@code manifest.types()}
 */
public record Bundle(BundleManifest manifest, Map<String, NDArray> prompts, Map<String, NDArray> optimizer,
        Map<String, NDArray> reference, Map<String, NDArray> types) {
    /** The format this code writes, and the newest it reads. */
    public static final int FORMAT_VERSION = 1;
    static final String MANIFEST = "manifest.json";
    static final String PROMPTS = "prompts.safetensors";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String REFERENCE = "reference.safetensors";
    static final String TYPES = "types.safetensors";

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public Bundle {
        prompts = Collections.unmodifiableMap(new LinkedHashMap<>(prompts));
        optimizer = Collections.unmodifiableMap(new LinkedHashMap<>(optimizer));
        reference = Collections.unmodifiableMap(new LinkedHashMap<>(reference));
        types = Collections.unmodifiableMap(new LinkedHashMap<>(types));
        if ((manifest.reference() == null) != reference.isEmpty()) {
            throw new IllegalArgumentException(manifest.reference() == null
                    ? "reference tensors without a reference section in the manifest"
                    : "a reference section in the manifest without its tensors");
        }
        if (manifest.types() == null && !types.isEmpty()) {
            throw new IllegalArgumentException("defect-type prototypes without a types section in the manifest");
        }
    }

    /** A bundle without defect types. */
    public Bundle(BundleManifest manifest, Map<String, NDArray> prompts, Map<String, NDArray> optimizer,
            Map<String, NDArray> reference) {
        this(manifest, prompts, optimizer, reference, Map.of());
    }

    /** A bundle without a reference bank. */
    public Bundle(BundleManifest manifest, Map<String, NDArray> prompts, Map<String, NDArray> optimizer) {
        this(manifest, prompts, optimizer, Map.of());
    }

    /** A bundle without optimiser state or reference bank. */
    public Bundle(BundleManifest manifest, Map<String, NDArray> prompts) {
        this(manifest, prompts, Map.of());
    }

    /** The same bundle carrying an optimiser's state (for resumable checkpoints). */
    public Bundle withOptimizer(Map<String, NDArray> state) {
        return new Bundle(manifest, prompts, state, reference, types);
    }

    /** The same bundle with another manifest (same kind of bank: with one when it has one). */
    public Bundle withManifest(BundleManifest value) {
        return new Bundle(value, prompts, optimizer, reference, types);
    }

    /** The same bundle with a reference bank (its manifest section and tensors), or without one (null, empty). */
    public Bundle withReference(BundleManifest.Reference section, Map<String, NDArray> tensors) {
        return new Bundle(manifest.withReference(section), prompts, optimizer, tensors, types);
    }

    /**
     * The same bundle with defect types (their manifest section and prototype tensors, empty without prototypes),
     * or without (null, empty).
     */
    public Bundle withTypes(com.adclip.types.TypesSection section, Map<String, NDArray> tensors) {
        return new Bundle(manifest.withTypes(section), prompts, optimizer, reference, tensors);
    }

    /** Whether the bundle carries defect types. */
    public boolean hasTypes() {
        return manifest.types() != null;
    }

    /** Whether the bundle carries a reference bank. */
    public boolean hasReference() {
        return manifest.reference() != null;
    }

    /** A bundle of the current format, stamped with the time and this software's version. */
    public static Bundle create(BundleManifest.ClipReference clip, DetectorConfig detector,
            BundleManifest.Thresholds thresholds, Map<String, Object> training, Map<String, NDArray> prompts) {
                BundleManifest manifest = new BundleManifest(FORMAT_VERSION, clip, BundleManifest.Detector.of(detector),
                thresholds, training, java.time.Instant.now().toString(),
                com.adclip.Version.software());
        return new Bundle(manifest, prompts);
    }

    /**
     * Writes the bundle to {@code file} through a temporary file and an atomic rename, so an existing bundle is
     * never left half-written.
     */
    public void save(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
            AtomicFiles.write(file, temp -> {
                try (OutputStream out = Files.newOutputStream(temp); ZipOutputStream zip = new ZipOutputStream(out)) {
                    zip.putNextEntry(new ZipEntry(MANIFEST));
                    zip.write(JSON.writeValueAsBytes(manifest));
                    zip.closeEntry();
                    zip.putNextEntry(new ZipEntry(PROMPTS));
                    zip.write(encode(prompts));
                    zip.closeEntry();
                    if (!optimizer.isEmpty()) {
                        zip.putNextEntry(new ZipEntry(OPTIMIZER));
                        zip.write(encode(optimizer));
                        zip.closeEntry();
                    }
                    if (!reference.isEmpty()) {
                        zip.putNextEntry(new ZipEntry(REFERENCE));
                        zip.write(encode(reference));
                        zip.closeEntry();
                    }
                    if (!types.isEmpty()) {
                        zip.putNextEntry(new ZipEntry(TYPES));
                        zip.write(encode(types));
                        zip.closeEntry();
                    }
                }
            });
        } catch (IOException e) {
            throw new AdclipException("cannot write bundle " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] encode(Map<String, NDArray> tensors) throws IOException {
        NDList list = new NDList();
        tensors.forEach((name, tensor) -> {
            NDArray copy = tensor.duplicate();
            copy.setName(name);
            list.add(copy);
        });
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            list.encode(bytes, NDList.Encoding.SAFETENSORS);
            return bytes.toByteArray();
        } finally {
            list.close();
        }
    }

    /** The same bundle under a product/model name ({@link BundleManifest#name}). */
    public Bundle withName(String name) {
        return new Bundle(manifest.withName(name), prompts, optimizer, reference, types);
    }

    /** Reads only a bundle's manifest (e.g. for the station's header), without its tensors. */
    public static BundleManifest readManifest(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new AdclipException("bundle not found: " + file);
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return readManifest(file, zip);
        } catch (ZipException e) {
            throw new AdclipException(file + " is not an .adclip bundle (not a zip archive: " + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new AdclipException("cannot read bundle " + file + ": " + FileErrors.reason(e), e);
        }
    }

    /** This bundle with other thresholds (as {@code calibrate} and the station's operator set them). */
    public Bundle withThresholds(BundleManifest.Thresholds thresholds) {
        return new Bundle(manifest.withThresholds(thresholds), prompts, optimizer, reference, types);
    }

    /** This bundle with another detector configuration (as {@code calibrate} stores the one it calibrated). */
    public Bundle withDetector(DetectorConfig config) {
        return new Bundle(manifest.withDetector(config), prompts, optimizer, reference, types);
    }

    /**
     * Saves an operator's image threshold (strategy {@code operator}) into the bundle {@code file}: the manifest
     * becomes {@link #withThresholds}'s, the other entries are copied byte for byte, the old file is kept as
     * {@code NAME.adclip.bak}, and the new one replaces it by an atomic rename (keeping its mode), so a reader sees
     * either file whole.
     *
     * @return the backup of the previous bundle
     */
    public static Path saveImageThreshold(Path file, double threshold) {
        return saveImageThreshold(file, threshold, false, Double.NaN);
    }

    /**
     * As {@link #saveImageThreshold(Path, double)}; with {@code fused}, the threshold is the image threshold of the
     * bundle's reference bank (fused score space), whose thresholds are created with {@code mapThreshold} as pixel
     * threshold when it has none.
     *
     * @return the backup of the previous bundle
     */
    public static synchronized Path saveImageThreshold(Path file, double threshold, boolean fused,
            double mapThreshold) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("the image threshold must be in [0, 1], got " + threshold);
        }
        Path backup = file.resolveSibling(file.getFileName() + ".bak");
        try {
            AtomicFiles.write(file, temp -> {
                rewriteManifest(file, temp, manifest -> withImageThreshold(file, manifest, threshold, fused,
                        mapThreshold));
                Files.copy(file, backup, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            });
            return backup;
        } catch (IOException e) {
            throw new AdclipException("cannot save the threshold into " + file + ": " + e.getMessage(), e);
        }
    }

    private static BundleManifest withImageThreshold(Path file, BundleManifest manifest, double threshold,
            boolean fused, double mapThreshold) {
        if (!fused) {
            BundleManifest.Thresholds old = manifest.thresholds();
            return manifest.withThresholds(new BundleManifest.Thresholds(threshold, "operator", old.pixel(),
                    old.pixelStrategy(), old.source()));
        }
        BundleManifest.Reference bank = manifest.reference();
        if (bank == null) {
            throw new AdclipException("the bundle on disk has no reference bank any more; threshold not saved");
        }
        BundleManifest.Thresholds old = bank.thresholds();
        BundleManifest.Thresholds now = old == null
                ? new BundleManifest.Thresholds(threshold, "operator", mapThreshold, "default", null)
                : new BundleManifest.Thresholds(threshold, "operator", old.pixel(), old.pixelStrategy(), old.source());
        return manifest.withReference(bank.withThresholds(now));
    }

    private static void rewriteManifest(Path file, Path target, UnaryOperator<BundleManifest> change)
            throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile()); OutputStream stream = Files.newOutputStream(target);
                ZipOutputStream out = new ZipOutputStream(stream)) {
            BundleManifest manifest = readManifest(file, zip);
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                out.putNextEntry(new ZipEntry(entry.getName()));
                if (entry.getName().equals(MANIFEST)) {
                    out.write(JSON.writeValueAsBytes(change.apply(manifest)));
                } else {
                    try (InputStream in = zip.getInputStream(entry)) {
                        in.transferTo(out);
                    }
                }
                out.closeEntry();
            }
        }
    }

    /** Reads a bundle; its tensors are created in {@code manager}. */
    public static Bundle load(Path file, NDManager manager) {
        if (!Files.isRegularFile(file)) {
            throw new AdclipException("bundle not found: " + file);
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            BundleManifest manifest = readManifest(file, zip);
            Map<String, NDArray> prompts = readTensors(file, zip, PROMPTS, manager, true);
            Map<String, NDArray> optimizer = readTensors(file, zip, OPTIMIZER, manager, false);
            Map<String, NDArray> reference = manifest.reference() == null ? Map.of()
                    : readTensors(file, zip, REFERENCE, manager, true);
            Map<String, NDArray> types = manifest.types() == null ? Map.of()
                    : readTensors(file, zip, TYPES, manager, manifest.types().hasPrototypes());
            return new Bundle(manifest, prompts, optimizer, reference, types);
        } catch (ZipException e) {
            throw new AdclipException(file + " is not an .adclip bundle (not a zip archive: " + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new AdclipException("cannot read bundle " + file + ": " + FileErrors.reason(e), e);
        }
    }

    private static BundleManifest readManifest(Path file, ZipFile zip) throws IOException {
        ZipEntry entry = zip.getEntry(MANIFEST);
        if (entry == null) {
            throw new AdclipException(file + " is not an .adclip bundle: it has no " + MANIFEST);
        }
        byte[] bytes;
        try (InputStream in = zip.getInputStream(entry)) {
            bytes = in.readAllBytes();
        }
        try {
            int version = JSON.readTree(bytes).path("format_version").asInt(-1);
            if (version > FORMAT_VERSION) {
                throw new AdclipException(file + " has bundle format version " + version + "; this AD-CLIP reads up "
                        + "to " + FORMAT_VERSION + ". Upgrade AD-CLIP to use it.");
            }
            return JSON.readValue(bytes, BundleManifest.class);
        } catch (IOException e) {
            throw new AdclipException(file + ": invalid " + MANIFEST + ": " + FileErrors.reason(e), e);
        } catch (IllegalArgumentException e) {
            throw new AdclipException(file + ": invalid " + MANIFEST + ": " + FileErrors.oneLine(e.getMessage()), e);
        }
    }

    private static Map<String, NDArray> readTensors(Path file, ZipFile zip, String name, NDManager manager,
            boolean required) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null && !required) {
            return Map.of();
        }
        if (entry == null) {
            throw new AdclipException(file + " is not an .adclip bundle: it has no " + name);
        }
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (InputStream in = zip.getInputStream(entry)) {
            for (NDArray array : NDList.decode(manager, in)) {
                tensors.put(array.getName(), array);
            }
        } catch (RuntimeException e) {
            throw new AdclipException(file + ": unreadable " + name + ": " + e.getMessage(), e);
        }
        return tensors;
    }

    /** The manifest as JSON text (for display). */
    public String manifestJson() {
        try {
            return JSON.writeValueAsString(manifest);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
