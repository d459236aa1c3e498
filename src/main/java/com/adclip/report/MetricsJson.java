package com.adclip.report;

import com.adclip.eval.BinaryCounts;
import com.adclip.eval.ClassMetrics;
import com.adclip.eval.MetricValue;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** {@code metrics.json}: values in [0, 1], null with a reason when not computable. */
final class MetricsJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MetricsJson() {}

    static String render(EvaluationReport r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("threshold", r.threshold());
        root.put("threshold_origin", r.thresholdOrigin());
        root.put("rule", EvaluationReport.RULE);
        root.put("pixel_threshold", r.pixelThreshold());
        MetricValue map = r.mean().get("image_ap");
        if (map.computable()) {
            root.put("mAP", map.get());
        } else {
            root.putNull("mAP");
        }
        ObjectNode cls = root.putObject("classes");
        r.classes().forEach((name, m) -> entry(cls.putObject(name), m));
        entry(root.putObject("mean"), r.mean());
        entry(root.putObject("pooled"), r.pooled());
        if (!r.comparison().isEmpty()) {
            ObjectNode side = root.putObject("comparison");
            r.comparison().forEach((name, m) -> entry(side.putObject(name), m));
        }
        if (r.defectTypes() != null) {
            TypeSection.json(root, r.defectTypes());
        }
        ObjectNode info = root.putObject("about");
        r.about().forEach(info::put);
        r.failures().forEach(root.putArray("failed")::add);
        r.notes().forEach(root.putArray("notes")::add);
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void entry(ObjectNode node, ClassMetrics m) {
        ObjectNode reasons = JSON.createObjectNode();
        for (String name : ClassMetrics.NAMES) {
            MetricValue v = m.get(name);
            if (v.computable()) {
                node.put(name, v.get() + 0.0); // + 0.0 turns -0.0 into 0.0
            } else {
                node.putNull(name);
                reasons.put(name, v.reason());
            }
        }
        node.put("n_good", m.good());
        node.put("n_defect", m.defective());
        if (m.counts() != null) {
            confusion(node.putObject("confusion"), m.counts());
        }
        if (!reasons.isEmpty()) {
            node.set("reasons", reasons);
        }
        if (!m.notes().isEmpty()) {
            ObjectNode notes = node.putObject("notes");
            m.notes().forEach(notes::put);
        }
    }

    private static void confusion(ObjectNode node, BinaryCounts c) {
        node.put("tn", c.trueNegatives());
        node.put("fp", c.falsePositives());
        node.put("fn", c.falseNegatives());
        node.put("tp", c.truePositives());
    }
}
