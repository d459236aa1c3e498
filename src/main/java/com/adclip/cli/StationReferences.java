package com.adclip.cli;

import ai.djl.ndarray.NDManager;
import com.adclip.AdclipException;
import com.adclip.anomaly.Bundle;
import com.adclip.anomaly.BundleManifest;
import com.adclip.reference.BankBuilder;
import com.adclip.reference.BankOptions;
import com.adclip.reference.ReferenceBank;
import com.adclip.reference.ReferenceImages;
import com.adclip.serve.Inspector;
import com.adclip.serve.ReferenceStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The station's {@link ReferenceStore}: encodes the image with the running detector, extends the bank, writes the
 * bundle (the previous one kept as {@code NAME.adclip.bak}, the new one by an atomic rename) and swaps the new bank
 * in, all under the inspector's lock so no inspection runs meanwhile. The bundle is re-read from disk first, so a
 * threshold saved from the station since it started is kept.
 */
final class StationReferences implements ReferenceStore {
    private final DetectorSetup setup;
    private final Path bundle;
    private final Object lock;
    private final long maxPixels;

    StationReferences(DetectorSetup setup, Path bundle, Object lock, double maxMegapixels) {
        this.setup = setup;
        this.bundle = bundle;
        this.lock = lock;
        this.maxPixels = (long) (maxMegapixels * 1e6);
    }

    @Override
    public Added add(Path image, String name) {
        synchronized (lock) {
            ReferenceBank current = setup.bank;
            if (current == null) {
                throw new IllegalStateException("the station runs without a reference bank");
            }
            try (NDManager scope = setup.manager.newSubManager()) {
                Bundle disk = Bundle.load(bundle, scope);
                BundleManifest.Reference saved = disk.manifest().reference();
                if (saved == null || !saved.images().equals(current.section().images())) {
                    throw new IllegalStateException(bundle.getFileName() + " changed on disk since the station "
                            + "started (its reference images differ); restart the station");
                }
                Set<String> known = new HashSet<>();
                current.section().images().forEach(i -> known.add(i.sha256()));
                BankOptions options = BankOptions.defaults().withCoresetSize(current.section().coresetSize());
                ReferenceBank next;
                try (BankBuilder builder = new BankBuilder(setup.detector.config(), options, scope)) {
                    List<ReferenceImages.Skipped> skipped = ReferenceImages.encode(builder, setup.detector,
                            setup.preprocessor(), List.of(image), path -> name, known, 1, maxPixels, scope, n -> {});
                    if (!skipped.isEmpty()) {
                        throw new Inspector.ImageRejectedException(skipped.get(0).reason());
                    }
                    next = builder.build(current, setup.manager, message -> {});
                }
                BundleManifest.Reference section = next.section().withThresholds(saved.thresholds());
                Path backup = bundle.resolveSibling(bundle.getFileName() + ".bak");
                try {
                    Files.copy(bundle, backup, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                } catch (IOException e) {
                    next.close();
                    throw new AdclipException("cannot keep a backup of " + bundle + ": " + e.getMessage(), e);
                }
                disk.withReference(section, next.tensors()).save(bundle);
                setup.bank = next;
                current.close();
                List<BundleManifest.ReferenceImage> images = section.images();
                return new Added(images.size(), images.get(images.size() - 1).sha256(),
                        bundle.getFileName().toString(), backup.getFileName().toString());
            }
        }
    }
}
