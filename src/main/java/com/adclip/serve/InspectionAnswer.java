package com.adclip.serve;

import com.adclip.Inspection;
import com.adclip.Verdict;
import com.adclip.anomaly.DefectRegions;
import com.adclip.anomaly.Prediction;
import com.adclip.types.TypeDistribution;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One inspection as clients see it, serialised by Jackson in this order: the station's REST answer
 * ({@code docs/station.md}) and a fleet worker's result begin with these fields and add their own after them
 * ({@code @JsonUnwrapped}). A new field per image or per region is a new component here or in {@link Region}.
 *
 * @param verdict decided at {@code threshold}
 * @param threshold the detector's at inspection time, or the request's own
 * @param mapThreshold the map threshold regions are cut at
 * @param ms the model's time in milliseconds, to 0.1
 * @param model a short name of the model (the bundle's file name)
 * @param types the image's defect types, {name: probability} most probable first ({@code docs/defect-types.md});
 *     absent for a bundle without defect types
 */
public record InspectionAnswer(double score, Verdict verdict, Prediction.Probabilities probabilities, double threshold,
        @JsonProperty("map_threshold") double mapThreshold, int width, int height, List<Region> regions, double ms,
        String model, @JsonInclude(JsonInclude.Include.NON_NULL) TypeDistribution types) {

    /**
     * One defect region.
     *
     * @param box x, y, width, height in image pixels
     * @param types the region's defect types, most probable first; absent for a bundle without defect types
     */
    public record Region(int id, int[] box, int area, @JsonProperty("max_score") float maxScore,
            @JsonProperty("mean_score") float meanScore,
            @JsonInclude(JsonInclude.Include.NON_NULL) TypeDistribution types) {

        static Region of(DefectRegions.Region r) {
            return new Region(r.id(), new int[] {r.x(), r.y(), r.width(), r.height()}, r.area(), r.maxScore(),
                    r.meanScore(), r.types());
        }
    }

    /**
     * The answer for an inspection.
     *
     * @param asked a threshold the request gave, else null: the verdict is the detector's, at the threshold it ran at
     */
    public static InspectionAnswer of(Inspection inspection, Double asked, Inspector inspector) {
        Prediction p = inspection.prediction();
        double threshold = asked != null ? asked : inspection.threshold();
        Verdict verdict = asked != null ? Verdict.of(p.score(), asked) : inspection.verdict();
        List<Region> regions = p.regions().stream().map(Region::of).toList();
        return new InspectionAnswer(p.score(), verdict, p.probabilities(), threshold,
                inspector.mapThreshold(), p.width(), p.height(), regions, Math.round(inspection.millis() * 10) / 10.0,
                inspector.model(), p.types());
    }
}
