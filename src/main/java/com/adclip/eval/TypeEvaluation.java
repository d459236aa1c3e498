package com.adclip.eval;

import com.adclip.AdclipException;
import com.adclip.anomaly.Prediction;
import com.adclip.data.MaskSource;
import com.adclip.data.Sample;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The defect-type evaluation of one pass (issue 15): gathers, image by image, the typed cases at image level
 * and at region level, and gives their {@link TypeMetrics}.
 *
 * <p>Ground truth. An image's type is its sample's defect type (its folder name, or {@code specie_name} of a
 * {@code meta.json}); good images and the untyped defective images ({@link #UNTYPED}: VisA, or a
 * {@code meta.json} without {@code specie_name}) have none and are left out. A region's type comes from the
 * ground truth: each box or polygon of an annotation file that labels its shapes has its label; otherwise
 * each 8-connected region of the mask (file or drawn shapes) has the image's type. Predicted regions are
 * matched to them by {@link RegionTypeMatch}.
 *
 * <p>Both levels' matrices have the same rows and columns: every type seen at either level.
 *
 * <p>Predictions. An image counts with the top type of its image distribution, a region with the top of its
 * own. An image or region without a distribution (e.g. an image scored OK with no region) is left out, and
 * counted in the notes, so the metrics describe "which defect" given that the detector named one.
 */
public final class TypeEvaluation {
    /** Sample types that are no defect type: VisA's {@code anomaly} and the evaluation's own "unknown". */
    public static final Set<String> UNTYPED = Set.of("anomaly", TypeCase.UNKNOWN);

    /**
     * The type evaluation of a pass.
     *
     * @param images the cases of defective images
     * @param regions the cases of predicted regions matched to a ground-truth region
     * @param notes what was left out, and why, in words
     */
    public record Result(TypeMetrics images, TypeMetrics regions, List<String> notes) {
        public Result {
            notes = List.copyOf(notes);
        }
    }

    private final List<TypeCase> imageCases = new ArrayList<>();
    private final List<TypeCase> regionCases = new ArrayList<>();
    private boolean answered;
    private boolean typedTruth;
    private int imagesWithoutAnswer;
    private int imagesWithoutMask;
    private int regionsWithoutTruth;
    private int regionsWithoutAnswer;
    private final List<String> unreadable = new ArrayList<>();

    /** The ground-truth type of a sample, if it has one. */
    public static Optional<String> truthType(Sample sample) {
        if (!sample.anomaly() || UNTYPED.contains(sample.defectType())) {
            return Optional.empty();
        }
        return Optional.of(sample.defectType());
    }

    /**
     * Adds one evaluated image.
     *
     * @param answer the prediction's types, empty when the detector predicts none
     */
    public void add(Sample sample, Prediction prediction, Optional<TypeAnswer> answer) {
        if (answer.isPresent()) {
            answered = true;
        }
        Optional<String> truth = truthType(sample);
        if (truth.isEmpty()) {
            return;
        }
        typedTruth = true;
        if (answer.isEmpty()) {
            return;
        }
        TypeAnswer a = answer.get();
        if (a.image().isEmpty()) {
            imagesWithoutAnswer++;
        } else {
            imageCases.add(TypeCase.of(truth.get(), a.image()));
        }
        if (!sample.hasMask()) {
            imagesWithoutMask++;
            return;
        }
        List<RegionTypeMatch.Truth> regions;
        try {
            regions = truthRegions(sample, truth.get(), prediction);
        } catch (AdclipException e) {
            unreadable.add(sample.image().getFileName() + ": " + e.getMessage());
            return;
        }
        addRegions(regions, prediction, a);
    }

    /**
     * The typed ground-truth regions of a sample: with labelled annotation shapes, each shape on its own with its
     * label (an unlabelled shape has the image's type; one labelled with an untyped name is left out); else the
     * 8-connected regions of the mask, each of the image's type.
     */
    static List<RegionTypeMatch.Truth> truthRegions(Sample sample, String type, Prediction p) {
        if (sample.mask().orElse(null) instanceof MaskSource.Drawn drawn && drawn.labelled()) {
            List<RegionTypeMatch.Truth> out = new ArrayList<>();
            for (int k = 0; k < drawn.shapes().size(); k++) {
                String label = drawn.labels().get(k).isEmpty() ? type : drawn.labels().get(k);
                byte[] pixels = new byte[p.width() * p.height()];
                drawn.shapes().get(k).fill(pixels, p.width(), p.height());
                int[] inside = java.util.stream.IntStream.range(0, pixels.length).filter(i -> pixels[i] != 0)
                        .toArray();
                if (inside.length > 0 && !UNTYPED.contains(label)) {
                    out.add(new RegionTypeMatch.Truth(label, inside));
                }
            }
            return out;
        }
        return RegionTypeMatch.components(truthMask(sample, p), p.width(), p.height(), type);
    }

    private void addRegions(List<RegionTypeMatch.Truth> truth, Prediction p, TypeAnswer a) {
        if (a.regions().size() != p.regions().size()) {
            throw new IllegalArgumentException(a.regions().size() + " region distributions for "
                    + p.regions().size() + " regions");
        }
        int[] labels = RegionTypeMatch.labels(p.mask(), p.width(), p.height(), p.regions());
        String[] types = RegionTypeMatch.match(labels, p.regions().size(), truth);
        for (int k = 0; k < types.length; k++) {
            Map<String, Double> distribution = a.regions().get(k);
            if (types[k] == null) {
                regionsWithoutTruth++;
            } else if (distribution.isEmpty()) {
                regionsWithoutAnswer++;
            } else {
                regionCases.add(TypeCase.of(types[k], distribution));
            }
        }
    }

    /** The ground-truth mask at the prediction's size (the image's own, after EXIF orientation). */
    private static boolean[] truthMask(Sample sample, Prediction p) {
        BufferedImage gray = sample.maskGray();
        if (gray.getWidth() != p.width() || gray.getHeight() != p.height()) {
            throw new AdclipException("ground-truth mask is " + gray.getWidth() + "x" + gray.getHeight()
                    + " but the prediction is " + p.width() + "x" + p.height());
        }
        Raster raster = gray.getRaster();
        int[] row = new int[p.width()];
        boolean[] mask = new boolean[p.width() * p.height()];
        for (int y = 0; y < p.height(); y++) {
            raster.getSamples(0, y, p.width(), 1, 0, row);
            for (int x = 0; x < p.width(); x++) {
                mask[y * p.width() + x] = row[x] != 0;
            }
        }
        return mask;
    }

    /**
     * The metrics, or empty when there is nothing to evaluate: the detector predicted no types, or no image
     * has a ground-truth type.
     */
    public Optional<Result> result() {
        if (!answered || !typedTruth) {
            return Optional.empty();
        }
        List<String> notes = new ArrayList<>();
        if (imagesWithoutAnswer > 0) {
            notes.add(imagesWithoutAnswer + " defective image(s) got no image type (no defect region found) and "
                    + "are left out of the image-level type metrics");
        }
        if (imagesWithoutMask > 0) {
            notes.add(imagesWithoutMask + " defective image(s) without a mask or shapes have no region-level "
                    + "ground truth");
        }
        if (regionsWithoutTruth > 0) {
            notes.add(regionsWithoutTruth + " predicted region(s) of typed defective images overlap no "
                    + "ground-truth region (less than " + Math.round(100 * RegionTypeMatch.MIN_OVERLAP)
                    + " % of the smaller of the two) and are left out of the region-level type metrics");
        }
        if (regionsWithoutAnswer > 0) {
            notes.add(regionsWithoutAnswer + " matched region(s) got no type and are left out");
        }
        unreadable.forEach(u -> notes.add("no region-level types for " + u));
        java.util.Set<String> names = new java.util.TreeSet<>();
        java.util.stream.Stream.concat(imageCases.stream(), regionCases.stream()).forEach(c -> {
            names.add(c.truth());
            names.add(c.predicted());
        });
        return Optional.of(new Result(TypeMetrics.of(imageCases, names), TypeMetrics.of(regionCases, names), notes));
    }
}
