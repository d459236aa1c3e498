package com.adclip.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recall of one defect type at the image threshold, and the defective images of that type that escaped (scored
 * OK). A quality manager asks "which kinds of defect get through?", which a pooled recall hides.
 *
 * @param className the class (product)
 * @param defectType the defect type (the folder or label name of the dataset)
 * @param defective images of this type evaluated
 * @param caught how many of them scored NG ({@code score >= threshold})
 * @param escapes the ones that scored OK, lowest score first
 */
public record TypeRecall(String className, String defectType, int defective, int caught, List<Escape> escapes) {

    /** A defective image that scored OK. */
    public record Escape(String image, double score) {}

    /** One evaluated image, as far as per-type recall needs it. */
    public record Image(String name, String className, String defectType, boolean anomalous, double score) {}

    public TypeRecall {
        escapes = List.copyOf(escapes);
        if (caught < 0 || caught > defective || escapes.size() != defective - caught) {
            throw new IllegalArgumentException(caught + " caught and " + escapes.size() + " escapes of " + defective);
        }
    }

    /** {@code caught / defective}; NaN when there is no image of this type. */
    public double recall() {
        return defective == 0 ? Double.NaN : (double) caught / defective;
    }

    /**
     * Per class, then per defect type (in order of first appearance), the recall of the defective images at
     * {@code threshold} (NG when {@code score >= threshold}). Good images are ignored.
     */
    public static List<TypeRecall> of(List<Image> images, double threshold) {
        Map<List<String>, List<Image>> groups = new LinkedHashMap<>();
        for (Image image : images) {
            if (image.anomalous()) {
                String type = image.defectType() == null || image.defectType().isBlank() ? "defective"
                        : image.defectType();
                groups.computeIfAbsent(List.of(image.className(), type), k -> new ArrayList<>()).add(image);
            }
        }
        List<TypeRecall> out = new ArrayList<>();
        groups.forEach((key, list) -> {
            List<Escape> escapes = list.stream()
                    .filter(i -> !BinaryCounts.Rule.SCORE_AT_LEAST.anomalous(i.score(), threshold))
                    .sorted(Comparator.comparingDouble(Image::score))
                    .map(i -> new Escape(i.name(), i.score())).toList();
            out.add(new TypeRecall(key.get(0), key.get(1), list.size(), list.size() - escapes.size(), escapes));
        });
        return out;
    }
}
