package com.adclip.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.adclip.AdclipException;
import com.adclip.anomaly.AnomalyDetector;
import com.adclip.anomaly.Bundle;
import com.adclip.clip.VisionFeatures;
import com.adclip.data.MaskShape;
import com.adclip.data.MaskSource;
import com.adclip.data.Sample;
import com.adclip.image.ImagePreprocessor;
import com.adclip.types.DefectTypes;
import com.adclip.types.TypePrototypes;
import com.adclip.types.TypeVocabulary;
import com.adclip.types.TypesSection;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * What training stores of the defect types (no trained parameter): the vocabulary (the training data's defect
 * type names — folder names, and annotation shape labels — then {@code --defect-types}), and per type the
 * prototypes: patch features inside the masks (or boxes) of its labelled training images (with labelled
 * annotation shapes, inside each shape of that type, so one image can teach several types), with the "far"
 * distance of the unknown rule measured leave one image out.
 */
final class TrainTypes {
    private static final int BATCH = 4;

    private TrainTypes() {}

    /**
     * {@code bundle} with its defect types, or unchanged when the data has no type names and none were given. The
     * prototype tensors live in {@code manager} (keep it open until the bundle is saved).
     */
    static Bundle attach(Bundle bundle, List<Sample> train, TypeVocabulary given, AnomalyDetector detector,
            ImagePreprocessor preprocessor, NDManager manager, PrintWriter err) {
        TypeVocabulary vocabulary = TypeVocabulary.of(typeNames(train), given);
        if (vocabulary == null) {
            return bundle;
        }
        List<Integer> blocks = detector.config().featureBlocks();
        TypePrototypes.Builder builder = new TypePrototypes.Builder(blocks, vocabulary.size(),
                TypesSection.ROWS_PER_TYPE);
        List<Sample> labelled = train.stream().filter(s -> s.anomaly() && s.hasMask()
                && shapeTypes(s).stream().anyMatch(t -> vocabulary.indexOf(t) >= 0)).toList();
        for (int from = 0; from < labelled.size(); from += BATCH) {
            encode(builder, labelled.subList(from, Math.min(labelled.size(), from + BATCH)), vocabulary, detector,
                    preprocessor, manager, err);
        }
        String object = detector.config().prompts().classWord();
        if (builder.isEmpty()) {
            TypesSection section = DefectTypes.section(vocabulary, object, blocks, null, null);
            err.println("defect types " + vocabulary + ": no labelled defect region to take prototypes from; "
                    + "text prompts only");
            return bundle.withTypes(section, java.util.Map.of());
        }
        double heldOut = builder.largestHeldOutDistance(manager);
        Double far = Double.isNaN(heldOut) ? null : heldOut * TypesSection.FAR_MARGIN;
        TypePrototypes prototypes = builder.build(manager);
        TypesSection section = DefectTypes.section(vocabulary, object, blocks, builder.images(), far);
        err.println("defect types: " + describe(vocabulary, builder.images())
                + (far == null ? "; too few labelled images per type to measure the unknown distance"
                        : String.format(Locale.ROOT, "; unknown beyond distance %.4f", far)));
        err.flush();
        return bundle.withTypes(section, prototypes.tensors());
    }

    /**
     * The defect type names of the training data, in order of appearance: per defect image, its shapes' labels when
     * its annotation labels any (an unlabelled shape has the image's type), else the image's type.
     */
    static List<String> typeNames(List<Sample> train) {
        List<String> names = new ArrayList<>();
        train.stream().filter(Sample::anomaly).forEach(s -> names.addAll(shapeTypes(s)));
        return names;
    }

    /** The type of each shape of a sample with labelled annotation shapes, else just the sample's type. */
    private static List<String> shapeTypes(Sample sample) {
        if (sample.mask().orElse(null) instanceof MaskSource.Drawn drawn && drawn.labelled()) {
            return drawn.labels().stream().map(l -> l.isEmpty() ? sample.defectType() : l).toList();
        }
        return List.of(sample.defectType());
    }

    /**
     * One mask (the model's S × S target) per vocabulary type of a defect sample: with labelled annotation
     * shapes, the union of the shapes of each type (an unlabelled shape has the image's type), so one image can
     * teach several types; else the whole mask, of the image's type. Types outside the vocabulary are left out.
     */
    static List<TypedMask> typedMasks(Sample sample, TypeVocabulary vocabulary, ImagePreprocessor preprocessor,
            NDManager manager) {
        List<TypedMask> out = new ArrayList<>();
        if (sample.mask().orElse(null) instanceof MaskSource.Drawn drawn && drawn.labelled()) {
            Map<String, List<MaskShape>> byType = new LinkedHashMap<>();
            List<String> types = shapeTypes(sample);
            for (int i = 0; i < types.size(); i++) {
                byType.computeIfAbsent(types.get(i), t -> new ArrayList<>()).add(drawn.shapes().get(i));
            }
            byType.forEach((type, shapes) -> {
                int index = vocabulary.indexOf(type);
                if (index >= 0) {
                    MaskSource.Drawn part = new MaskSource.Drawn(drawn.image(), shapes, drawn.origin());
                    out.add(new TypedMask(index, part.target(manager, preprocessor).toFloatArray())); // [S·S]
                }
            });
            return out;
        }
        int index = vocabulary.indexOf(sample.defectType());
        if (index >= 0) {
            out.add(new TypedMask(index, sample.maskTarget(manager, preprocessor).toFloatArray())); // [S·S]
        }
        return out;
    }

    /** A defect type (vocabulary index) and where it is: the model's S × S 0/1 mask, row-major. */
    record TypedMask(int type, float[] mask) {}

    private static String describe(TypeVocabulary vocabulary, int[] images) {
        List<String> parts = new ArrayList<>();
        for (int k = 0; k < vocabulary.size(); k++) {
            parts.add(vocabulary.names().get(k) + " (" + images[k] + " image" + (images[k] == 1 ? "" : "s") + ")");
        }
        return String.join(", ", parts);
    }

    private static void encode(TypePrototypes.Builder builder, List<Sample> batch, TypeVocabulary vocabulary,
            AnomalyDetector detector, ImagePreprocessor preprocessor, NDManager manager, PrintWriter err) {
        int size = detector.config().imageSize();
        int plane = 3 * size * size;
        try (NDManager scope = manager.newSubManager()) {
            List<Sample> used = new ArrayList<>();
            List<List<TypedMask>> masks = new ArrayList<>();
            List<float[]> pixels = new ArrayList<>();
            for (Sample sample : batch) {
                try {
                    List<TypedMask> typed = typedMasks(sample, vocabulary, preprocessor, scope);
                    if (typed.isEmpty()) {
                        continue;
                    }
                    pixels.add(preprocessor.prepare(sample.image(), Long.MAX_VALUE).input().pixels());
                    masks.add(typed);
                    used.add(sample);
                } catch (AdclipException e) {
                    err.println("defect types: skipped " + sample.image() + ": " + e.getMessage());
                }
            }
            if (used.isEmpty()) {
                return;
            }
            float[] values = new float[used.size() * plane];
            for (int i = 0; i < used.size(); i++) {
                System.arraycopy(pixels.get(i), 0, values, i * plane, plane);
            }
            NDArray input = scope.create(values, new Shape(used.size(), 3, size, size)); // [B, 3, S, S]
            VisionFeatures features = detector.encode(input);
            for (int i = 0; i < used.size(); i++) {
                for (TypedMask typed : masks.get(i)) {
                    boolean[] cells = TypePrototypes.cells(typed.mask(), size, features.grid());
                    builder.add(features, i, typed.type(), cells);
                }
            }
        }
    }
}
