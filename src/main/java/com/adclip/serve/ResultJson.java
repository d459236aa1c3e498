package com.adclip.serve;

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
    public static String verdict(double score, double threshold) {
        return score >= threshold ? "NG" : "OK";
    }

    /**
     * score, verdict, probabilities, threshold, map_threshold, width, height, regions, ms and model.
     *
     * @param threshold the image threshold the verdict used
     */
    public static ObjectNode answer(Inspector.Inspection inspection, double threshold, Inspector inspector) {
        Prediction p = inspection.prediction();
        ObjectNode out = JSON.createObjectNode();
        out.put("score", p.score());
        out.put("verdict", verdict(p.score(), threshold));
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
    public static byte[] thumbnail(Inspector.Inspection inspection, Inspector inspector) {
        BufferedImage overlay = Renderings.overlay(inspection, inspector.mapMax());
        return Renderings.thumbnail(overlay);
    }
}
