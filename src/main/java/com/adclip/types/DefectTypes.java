package com.adclip.types;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.adclip.clip.ClipModel;
import com.adclip.clip.VisionFeatures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bundle's defect types, ready to use: the vocabulary and rule ({@link TypesSection}), the text embeddings
 * (computed once, here, with the frozen CLIP text tower) and the prototypes (null when no type has any).
 */
public final class DefectTypes implements AutoCloseable {
    private final TypesSection section;
    private final NDManager manager;
    private final NDArray text; // [1 + K, E] unit rows: good, then the types
    private final TypePrototypes prototypes;
    private final TypeFusion fusion;

    private DefectTypes(TypesSection section, NDArray text, TypePrototypes prototypes, NDManager manager) {
        this.section = section;
        this.text = text;
        this.prototypes = prototypes;
        this.manager = manager;
        boolean[] hasRows = new boolean[section.vocabulary().size()];
        for (int k = 0; k < hasRows.length; k++) {
            hasRows[k] = prototypes != null && prototypes.hasRows(k);
        }
        this.fusion = new TypeFusion(section, hasRows);
    }

    /**
     * The types of a bundle: its manifest section and {@code types.safetensors} tensors (empty without
     * prototypes); the text embeddings are computed with {@code clip}.
     */
    public static DefectTypes load(TypesSection section, Map<String, NDArray> tensors, ClipModel clip,
            NDManager parent) {
        NDManager manager = parent.newSubManager();
        try {
            NDArray text;
            try (NDManager scope = manager.newSubManager()) {
                text = TypeTexts.embed(clip, section, scope);
                text.attach(manager);
            }
            TypePrototypes prototypes = tensors.isEmpty() ? null
                    : TypePrototypes.of(section.features(), section.vocabulary().size(), tensors, manager);
            return new DefectTypes(section, text, prototypes, manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The manifest section. */
    public TypesSection section() {
        return section;
    }

    /** The type names, in vocabulary order. */
    public List<String> names() {
        return section.types().names();
    }

    /** The unit text embeddings [1 + K, E]: good, then the types. */
    public NDArray textEmbeddings() {
        return text;
    }

    /** The prototypes, or null when no type has any. */
    public TypePrototypes prototypes() {
        return prototypes;
    }

    /** The post-processing rule. */
    public TypeFusion fusion() {
        return fusion;
    }

    /** Both paths for each image of a batch's features (computed in the features' manager, returned as arrays). */
    public List<PatchTypes> patchTypes(VisionFeatures features) {
        NDManager scope = features.global().getManager().newSubManager();
        try (scope) {
            NDArray probs = TypeTexts.patchProbabilities(features, text, section.textTemperature()); // [B, G², K]
            probs.attach(scope);
            NDArray distances = prototypes == null ? null : prototypes.distances(features); // [B, G², K]
            if (distances != null) {
                distances.attach(scope);
            }
            int batch = (int) probs.getShape().get(0);
            List<PatchTypes> out = new ArrayList<>();
            for (int b = 0; b < batch; b++) {
                out.add(new PatchTypes(features.grid(), probs.get(b).toFloatArray(),
                        distances == null ? null : distances.get(b).toFloatArray()));
            }
            return out;
        }
    }

    /** A section with the default templates and rule. */
    public static TypesSection section(TypeVocabulary vocabulary, String object, List<Integer> features,
            int[] prototypeImages, Double farDistance) {
        Map<String, Integer> images = new LinkedHashMap<>();
        for (int k = 0; k < vocabulary.size(); k++) {
            if (prototypeImages != null && prototypeImages[k] > 0) {
                images.put(vocabulary.names().get(k), prototypeImages[k]);
            }
        }
        return new TypesSection(vocabulary.types(), object, TypeTexts.TEMPLATES, TypeTexts.GOOD_TEMPLATES,
                TypesSection.TEXT_TEMPERATURE, features, images, TypesSection.ROWS_PER_TYPE,
                TypesSection.VISUAL_TEMPERATURE, TypesSection.TEXT_WEIGHT, farDistance,
                TypesSection.textSure(vocabulary.size()));
    }

    @Override
    public void close() {
        manager.close();
    }
}
