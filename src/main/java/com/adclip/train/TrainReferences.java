package com.adclip.train;

import ai.djl.ndarray.NDManager;
import com.adclip.AdclipException;
import com.adclip.anomaly.AnomalyDetector;
import com.adclip.anomaly.AnomalyPredictor;
import com.adclip.anomaly.MapPostProcessor;
import com.adclip.image.ImagePreprocessor;
import com.adclip.reference.BankBuilder;
import com.adclip.reference.BankOptions;
import com.adclip.reference.ReferenceBank;
import com.adclip.reference.ReferenceImages;
import com.adclip.tile.TileModel;
import com.adclip.tile.TiledPredictor;
import com.adclip.tile.Tiling;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code train --reference-shots K}: K good training images (evenly spaced in path order) go into a bank, and the
 * images the threshold is calibrated on are scored with the bank fused in (the references themselves left out).
 */
final class TrainReferences {
    private TrainReferences() {}

    /**
     * The chosen good images, in path order: K evenly spaced ones of the good training images.
     *
     * @param labels with tiles, each image's own label (a defective image's tiles away from the defect are good
     *     items, but the image is no reference); null for whole images
     */
    static List<Path> choose(List<TrainItem> train, Map<Path, Boolean> labels, int shots) {
        List<Path> good = train.stream().filter(item -> labels == null ? !item.anomalous()
                        : Boolean.FALSE.equals(labels.get(item.image()))).map(TrainItem::image).distinct()
                .sorted(Comparator.comparing(Path::toString)).toList();
        if (good.isEmpty()) {
            throw AdclipException.usage("--reference-shots needs good training images, and there are none", null);
        }
        int k = Math.min(shots, good.size());
        List<Path> chosen = new ArrayList<>();
        for (int s = 0; s < k; s++) {
            chosen.add(good.get((int) ((long) s * good.size() / k)));
        }
        return chosen;
    }

    /** Encodes the references (cut into tiles with a {@code tiling}, else whole) and builds the bank (in {@code manager}). */
    static ReferenceBank build(AnomalyDetector detector, ImagePreprocessor preprocessor, List<Path> references,
            BankOptions options, Tiling tiling, int tileBatch, NDManager manager, PrintWriter err) {
        try (BankBuilder builder = new BankBuilder(detector.config(), options, tiling, manager)) {
            List<ReferenceImages.Skipped> skipped = tiling == null
                    ? ReferenceImages.encode(builder, detector, preprocessor, references, Set.of(), 4, Long.MAX_VALUE,
                            manager, done -> { })
                    : ReferenceImages.encodeTiles(builder, detector, preprocessor, references,
                            image -> image.getFileName().toString(), Set.of(), tiling, tileBatch, Long.MAX_VALUE,
                            manager, done -> { });
            skipped.forEach(s -> err.println("reference image skipped: " + s.image() + ": " + s.reason()));
            if (builder.pending() == 0) {
                throw new AdclipException("none of the chosen reference images could be used");
            }
            return builder.build(null, manager, message -> {
                err.println("reference bank: " + message);
                err.flush();
            });
        }
    }

    /**
     * The fused scores of {@code items} that are not references; {@code kept} receives those items, in order. With a
     * {@code tiling}, the items are tiles: each image (not a reference) is scored once as tiled inspections score
     * it, and kept as a whole-image item with its own label from {@code labels}.
     */
    static double[] fusedScores(AnomalyDetector detector, ImagePreprocessor preprocessor, ReferenceBank bank,
            List<TrainItem> items, List<Path> references, double sigma, Tiling tiling, int tileBatch,
            Map<Path, Boolean> labels, NDManager manager, List<TrainItem> kept) {
        Set<Path> excluded = new HashSet<>(references);
        MapPostProcessor post = new MapPostProcessor(MapPostProcessor.smoothing(sigma), 0.5);
        AnomalyPredictor predictor = new AnomalyPredictor(detector, preprocessor, post, Long.MAX_VALUE, manager,
                () -> 0.5).fused(bank, post);
        if (tiling != null) {
            TiledPredictor tiles = new TiledPredictor(TileModel.fused(detector, bank, false), tiling,
                    post.smoothing(), 0.5, tileBatch, manager);
            predictor = predictor.withPerImage((source, threshold) -> new AnomalyPredictor.Answer(
                    tiles.predict(source, threshold).prediction(), null));
            Set<Path> seen = new HashSet<>();
            List<TrainItem> images = new ArrayList<>();
            for (TrainItem item : items) {
                if (seen.add(item.image())) {
                    images.add(new TrainItem(item.image(), item.contentHash(), labels.get(item.image()), null));
                }
            }
            items = images;
        }
        List<Double> scores = new ArrayList<>();
        List<TrainItem> batch = new ArrayList<>();
        for (TrainItem item : items) {
            if (excluded.contains(item.image())) {
                continue;
            }
            batch.add(item);
            if (batch.size() == 8) {
                score(predictor, batch, scores, kept);
            }
        }
        score(predictor, batch, scores, kept);
        return scores.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void score(AnomalyPredictor predictor, List<TrainItem> batch, List<Double> scores, List<TrainItem> kept) {
        if (batch.isEmpty()) {
            return;
        }
        List<com.adclip.Outcome> outcomes = predictor.predict(batch.stream().map(TrainItem::image).toList());
        for (int i = 0; i < batch.size(); i++) {
            if (!outcomes.get(i).failed()) {
                scores.add(outcomes.get(i).prediction().score());
                kept.add(batch.get(i));
            }
        }
        batch.clear();
    }
}
