package com.adclip.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code types} section of a bundle's {@code manifest.json} (absent in bundles without defect types). The
 * prototypes it describes are in the bundle's {@code types.safetensors}: per feature block B, {@code proto.B}
 * [N, E] float16 (unit-length patch features) and {@code label.B} [N] int32 (the type index of each row).
 *
 * @param vocabulary the types, in the order of every per-type array
 * @param object the object word of the text prompts (the detector's class word)
 * @param templates type prompt templates with {@code {object}} and {@code {type}}
 * @param goodTemplates good prompt templates with {@code {object}}
 * @param textTemperature the text path's softmax temperature (0.01, as MultiADS)
 * @param features the feature blocks both paths use (the detector's)
 * @param prototypeImages per type, how many labelled training images gave prototype rows (types without any are
 *     absent: they have the text path only)
 * @param rowsPerType the most prototype rows kept per type and block (evenly spaced)
 * @param visualTemperature the visual path's softmax temperature on cosine distances
 * @param textWeight the text path's weight in the fusion (the visual path has {@code 1 − textWeight})
 * @param farDistance a region whose mean distance to the nearest prototype of every type exceeds this is "far";
 *     null when training could not measure it (then no region is far while prototypes exist)
 * @param textSure the text path is "unsure" of a region when its top probability is below this (default
 *     {@link #textSure(int)})
 */
public record TypesSection(List<DefectType> vocabulary, String object, List<String> templates,
        List<String> goodTemplates, double textTemperature, List<Integer> features,
        Map<String, Integer> prototypeImages, int rowsPerType, double visualTemperature, double textWeight,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double farDistance, double textSure) {

    /** Defaults of the fusion rule (documented in docs/defect-types.md). */
    public static final double TEXT_TEMPERATURE = 0.01;
    public static final double VISUAL_TEMPERATURE = 0.02;
    public static final double TEXT_WEIGHT = 0.5;

    /**
     * The default {@code textSure} for K types: halfway between the uniform {@code 1/K} and certainty,
     * {@code (1 + 1/K) / 2} (0.75 for 2 types, 0.5625 for 8).
     */
    public static double textSure(int types) {
        return (1 + 1.0 / types) / 2;
    }
    public static final int ROWS_PER_TYPE = 512;
    /** farDistance = this × the largest leave-one-image-out distance of a training region to its own type. */
    public static final double FAR_MARGIN = 1.25;

    public TypesSection {
        vocabulary = List.copyOf(vocabulary);
        new TypeVocabulary(vocabulary); // validates
        templates = List.copyOf(templates);
        goodTemplates = List.copyOf(goodTemplates);
        features = List.copyOf(features);
        prototypeImages = prototypeImages == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(prototypeImages));
        if (!(textTemperature > 0) || !(visualTemperature > 0)) {
            throw new IllegalArgumentException("type temperatures must be > 0");
        }
        if (!(textWeight >= 0 && textWeight <= 1)) {
            throw new IllegalArgumentException("types text_weight must be in [0, 1], got " + textWeight);
        }
        if (templates.isEmpty() || goodTemplates.isEmpty()) {
            throw new IllegalArgumentException("types need at least one prompt template");
        }
        if (rowsPerType < 1) {
            throw new IllegalArgumentException("types rows_per_type must be >= 1");
        }
    }

    /** The vocabulary as a record. */
    public TypeVocabulary types() {
        return new TypeVocabulary(vocabulary);
    }

    /** Whether any type has prototypes. */
    public boolean hasPrototypes() {
        return !prototypeImages.isEmpty();
    }
}
