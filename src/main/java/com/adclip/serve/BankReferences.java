package com.adclip.serve;

import ai.djl.ndarray.NDManager;
import com.adclip.AdclipException;
import com.adclip.Detector;
import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.BundleManifest;
import com.adclip.reference.BankOptions;
import com.adclip.reference.ReferenceBank;
import com.adclip.reference.ReferenceImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The station's {@link ReferenceStore}: encodes the image with the running detector, extends its bank, writes the
 * bundle (the previous one kept as {@code NAME.adclip.bak}, the new one by an atomic rename) and makes the detector
 * use the new bank. One addition at a time; the bundle is re-read from disk first, so that a threshold saved from
 * the station since it started is kept.
 */
public final class BankReferences implements ReferenceStore {
    private final Detector detector;
    private final Path bundle;

    /** @param bundle the bundle file the detector was built from, rewritten on each addition */
    public BankReferences(Detector detector, Path bundle) {
        this.detector = detector;
        this.bundle = bundle;
    }

    @Override
    public synchronized Added add(Path image, String name) {
        ReferenceBank current = detector.referenceBank();
        if (current == null) {
            throw new IllegalStateException("the station runs without a reference bank");
        }
        try (NDManager scope = NDManager.newBaseManager()) {
            Bundle disk = Bundle.load(bundle, scope);
            BundleManifest.Reference saved = disk.manifest().reference();
            if (saved == null || !saved.images().equals(current.section().images())) {
                throw new IllegalStateException(bundle.getFileName() + " changed on disk since the station started "
                        + "(its reference images differ); restart the station");
            }
            BankOptions options = BankOptions.defaults().withCoresetSize(current.section().coresetSize());
            List<ReferenceImages.Skipped> skipped = new ArrayList<>();
            ReferenceBank next = detector.extendReferences(List.of(image), path -> name, options, Set.of(),
                    message -> { }, skipped);
            if (next == null) {
                throw new Inspector.ImageRejectedException(skipped.isEmpty() ? "the image was not added"
                        : skipped.get(0).reason());
            }
            BundleManifest.Reference section = next.section().withThresholds(saved.thresholds());
            Path backup = bundle.resolveSibling(bundle.getFileName() + ".bak");
            try {
                Files.copy(bundle, backup, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                disk.withReference(section, next.tensors()).save(bundle);
            } catch (IOException | RuntimeException e) {
                next.close();
                throw e instanceof AdclipException a ? a
                        : new AdclipException("cannot save " + bundle + ": " + e.getMessage(), e);
            }
            detector.useReferenceBank(next);
            List<BundleManifest.ReferenceImage> images = section.images();
            return new Added(images.size(), images.get(images.size() - 1).sha256(), bundle.getFileName().toString(),
                    backup.getFileName().toString());
        }
    }
}
