package com.adclip.report;

import com.adclip.anomaly.BundleManifest;
import com.adclip.train.EpochRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the evaluated model was trained, for the report: what the bundle's manifest recorded (name, date, CLIP,
 * recipe, training set counts) and the loss per epoch when the run folder still holds {@code train_log.csv}.
 *
 * @param facts label → value, in reading order
 * @param epochs the loss curve; empty when not available
 * @param lossNote why there is no loss curve, or null when there is one
 */
public record TrainingProvenance(Map<String, String> facts, List<EpochRecord> epochs, String lossNote) {
    /** The training log {@code adclip train} writes next to its bundles. */
    public static final String TRAIN_LOG = "train_log.csv";
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    public TrainingProvenance {
        facts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(facts));
        epochs = List.copyOf(epochs);
    }

    /** Nothing known (e.g. a reference checkpoint rather than a bundle). */
    public static TrainingProvenance unavailable(String why) {
        return new TrainingProvenance(Map.of(), List.of(), why);
    }

    /** From a bundle's manifest, and the loss curve of {@code train_log.csv} beside {@code bundle} if present. */
    public static TrainingProvenance of(BundleManifest manifest, Path bundle) {
        Map<String, String> facts = new LinkedHashMap<>();
        Map<String, Object> t = manifest.training();
        Map<?, ?> options = t.get("options") instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> state = t.get("state") instanceof Map<?, ?> m ? m : Map.of();
        put(facts, "model name", manifest.name());
        put(facts, "trained", when(manifest.created()));
        put(facts, "CLIP", manifest.clip().model() != null ? manifest.clip().model() : manifest.clip().weightsFile());
        put(facts, "made by", t.get("source"));
        put(facts, "imported from", t.get("checkpoint"));
        put(facts, "training data", options.get("data"));
        String images = trainingImages(t);
        put(facts, "training images", images);
        if (options.get("recipe") != null) {
            put(facts, "recipe", recipe(options));
        }
        if (state.get("epoch") != null) {
            put(facts, "epochs run", state.get("epoch") + (options.get("epochs") != null ? " of " + options.get("epochs")
                    : ""));
        }
        put(facts, "note", t.get("note"));
        put(facts, "warning", t.get("warning"));
        if (t.isEmpty()) {
            facts.put("training", "not recorded in this bundle (imported or written by an older version)");
        }
        List<EpochRecord> epochs = List.of();
        String lossNote = null;
        Path log = bundle.toAbsolutePath().normalize().resolveSibling(TRAIN_LOG);
        if (Files.isRegularFile(log)) {
            try {
                epochs = readLog(log, state.get("epoch") instanceof Number n ? n.intValue() : Integer.MAX_VALUE);
            } catch (IOException | RuntimeException e) {
                lossNote = "loss curve not available: " + log + " cannot be read (" + e.getMessage() + ")";
            }
        }
        if (epochs.isEmpty() && lossNote == null) {
            lossNote = "loss curve not available: no " + TRAIN_LOG + " beside the bundle (it is in the training "
                    + "run's --out folder)";
        }
        return new TrainingProvenance(facts, epochs, lossNote);
    }

    private static String trainingImages(Map<String, Object> t) {
        Object good = t.get("good_images");
        Object defective = t.get("real_defects_seen");
        Object synthetic = t.get("synthetic_anomalies");
        Object validation = t.get("validation_images");
        List<String> parts = new ArrayList<>();
        if (good != null) {
            parts.add(good + " good");
        }
        if (defective != null) {
            parts.add(defective + " defective");
        }
        if (synthetic instanceof Number n && n.intValue() > 0) {
            parts.add(n + " synthetic defects");
        }
        if (validation != null) {
            parts.add(validation + " held out for validation");
        }
        return parts.isEmpty() ? null : String.join(", ", parts);
    }

    private static String recipe(Map<?, ?> o) {
        return o.get("recipe") + ": learning rate " + o.get("lr") + ", batch " + o.get("batch_size") + ", seed "
                + o.get("seed") + (Boolean.TRUE.equals(o.get("augment")) ? ", augmented" : "")
                + (o.get("val_split") != null ? ", validation share " + o.get("val_split") : "");
    }

    /** An ISO-8601 instant to the minute, in UTC (no nanoseconds). */
    static String when(String iso) {
        if (iso == null) {
            return null;
        }
        try {
            return WHEN.format(Instant.parse(iso));
        } catch (DateTimeParseException e) {
            return iso;
        }
    }

    private static List<EpochRecord> readLog(Path log, int lastEpoch) throws IOException {
        List<String> lines = Files.readAllLines(log);
        List<EpochRecord> out = new ArrayList<>();
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            if (!line.isBlank()) {
                EpochRecord r = EpochRecord.parse(line);
                if (r.epoch() <= lastEpoch) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    private static void put(Map<String, String> facts, String key, Object value) {
        if (value != null && !String.valueOf(value).isBlank()) {
            facts.put(key, String.valueOf(value));
        }
    }
}
