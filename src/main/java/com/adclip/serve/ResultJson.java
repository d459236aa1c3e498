package com.adclip.serve;

import com.adclip.Inspection;
import com.adclip.Verdict;
import com.adclip.anomaly.DefectRegions;
import com.adclip.anomaly.Prediction;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;

/**
 * The inspection answer as JSON, the same fields as the station's REST answer ({@code docs/station.md}), for
 * callers outside the station such as fleet workers; and the history thumbnail of an inspection.
 */
public final class ResultJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultJson() {}

    /** NG when the score reaches the threshold, as the station decides. */

    /**
     * score, verdict, probabilities, threshold, map_threshold, width, height, regions, ms and model.
     *
     * @param asked a threshold the request gave, else null: the verdict is the detector's, at the threshold it ran at
     */
    public static ObjectNode answer(Inspection inspection, Double asked, Inspector inspector) {
        Prediction p = inspection.prediction();
        double threshold = asked != null ? asked : inspection.threshold();
        ObjectNode out = JSON.createObjectNode();
        out.put("score", p.score());
        out.put("verdict", (asked != null ? Verdict.of(p.score(), asked) : inspection.verdict()).name());
        ObjectNode probabilities = out.putObject("probabilities");
        probabilities.put("normal", p.normal());
        probabilities.put("anomaly", p.score());
        out.put("threshold", threshold);
        out.put("map_threshold", inspector.mapThreshold());
        out.put("width", p.width());
        out.put("height", p.height());
        ArrayNode regions = out.putArray("regions");
        for (DefectRegions.Region r : p.regions()) {
            ObjectNode region = regions.addObject();
            region.put("id", r.id());
            region.putArray("box").add(r.x()).add(r.y()).add(r.width()).add(r.height());
            region.put("area", r.area());
            region.put("max_score", r.maxScore());
            region.put("mean_score", r.meanScore());
        }
        out.put("ms", Math.round(inspection.millis() * 10) / 10.0);
        out.put("model", inspector.model());
        return out;
    }

    /** A small JPEG of the overlay, as the history keeps it. */
    public static byte[] thumbnail(Inspection inspection, Inspector inspector) {
        BufferedImage overlay = Renderings.overlay(inspection, inspector.mapMax());
        return Renderings.thumbnail(overlay);
    }
}
