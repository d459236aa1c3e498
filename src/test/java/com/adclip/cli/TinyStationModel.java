package com.adclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.adclip.Detector;
import com.adclip.serve.Inspector;
import com.adclip.testing.Fixtures;
import java.nio.file.Path;

/**
 * For station tests: a bundle imported from the golden {@code prompt-learner.pth} onto the golden tiny CLIP
 * (48 px, features 2,3,4,6, DPAM 5) and an {@link Inspector} over it, built as {@code adclip serve} builds it.
 */
public final class TinyStationModel implements AutoCloseable {
    private final Detector detector;
    private final Inspector inspector;
    private final Path bundle;
    private final double threshold;

    private TinyStationModel(Detector detector, Inspector inspector, Path bundle, double threshold) {
        this.detector = detector;
        this.inspector = inspector;
        this.bundle = bundle;
        this.threshold = threshold;
    }

    /** Imports the bundle into {@code dir} and loads it (skips or fails like other golden tests without fixtures). */
    public static TinyStationModel load(Path dir) {
        return load(dir, new int[0]);
    }

    /**
     * As {@link #load(Path)}, the bundle given defect types {@code types} (text path only: no prototypes) before it
     * is loaded.
     */
    public static TinyStationModel typed(Path dir, String types) {
        return load(dir, bundle -> {
            try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager()) {
                com.adclip.anomaly.Bundle loaded = com.adclip.anomaly.Bundle.load(bundle, manager);
                com.adclip.types.TypesSection section = com.adclip.types.DefectTypes.section(
                        com.adclip.types.TypeVocabulary.parse(types), "object", java.util.List.of(2, 3, 4, 6), null,
                        null);
                loaded.withTypes(section, java.util.Map.of()).save(bundle);
            }
        });
    }

    /** As {@link #load(Path)}, with golden images {@code references} added to the bundle's reference bank first. */
    public static TinyStationModel load(Path dir, int... references) {
        return load(dir, bundle -> { }, references);
    }

    private static TinyStationModel load(Path dir, java.util.function.Consumer<Path> edit, int... references) {
        Path golden = Fixtures.goldenV1();
        Path bundle = dir.resolve("tiny.adclip");
        Path cache = dir.resolve("cache");
        CliRun imported = CliRun.of("import", "--weights", golden.resolve("tiny-clip.pt").toString(), "--checkpoint",
                golden.resolve("prompt-learner.pth").toString(), "--image-size", "48", "--features", "2,3,4,6",
                "--dpam", "5", "--out", bundle.toString(), "--cache", cache.toString());
        assertEquals(0, imported.exitCode(), imported.toString());
        if (references.length > 0) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("reference", "add", "--bundle",
                    bundle.toString(), "--out", bundle.toString(), "--weights",
                    golden.resolve("tiny-clip.pt").toString(), "--cache", cache.toString()));
            for (int n : references) {
                args.add(image(n).toString());
            }
            CliRun added = CliRun.of(args.toArray(String[]::new));
            assertEquals(0, added.exitCode(), added.toString());
        }
        edit.accept(bundle);
        DetectorOptions options = new DetectorOptions();
        options.bundle = bundle;
        ModelOptions model = new ModelOptions();
        model.weights = golden.resolve("tiny-clip.pt");
        model.cache = cache;
        model.precision = "fp32"; // the station tests check the reference's scores (golden parity is fp32)
        Detector detector = options.builder(model).build();
        double threshold = StationSetup.imageThreshold(detector, null);
        return new TinyStationModel(detector, StationSetup.inspector(detector, threshold), bundle, threshold);
    }

    public Inspector inspector() {
        return inspector;
    }

    /** What {@code adclip serve} gives the station to add reference images, or null without a bank. */
    public com.adclip.serve.ReferenceStore references() {
        return detector.referenceBank() == null ? null : new StationReferences(detector, bundle);
    }

    public Path bundle() {
        return bundle;
    }

    /** The bundle's image threshold. */
    public double threshold() {
        return threshold;
    }

    /** The golden image {@code images/imgN.png}. */
    public static Path image(int n) {
        return Fixtures.goldenV1().resolve("images/img" + n + ".png");
    }

    /** The bundle path of a tiny golden model imported into {@code dir} with the CLI (for API tests). */
    public static Path importBundle(Path dir) {
        Path golden = Fixtures.goldenV1();
        Path bundle = dir.resolve("tiny.adclip");
        CliRun imported = CliRun.of("import", "--weights", golden.resolve("tiny-clip.pt").toString(), "--checkpoint",
                golden.resolve("prompt-learner.pth").toString(), "--image-size", "48", "--features", "2,3,4,6",
                "--dpam", "5", "--out", bundle.toString(), "--cache", dir.resolve("cache").toString());
        assertEquals(0, imported.exitCode(), imported.toString());
        return bundle;
    }

    /** The detector behind the inspector. */
    public Detector detector() {
        return detector;
    }

    @Override
    public void close() {
        detector.close();
    }
}
