package com.adclip.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.adclip.Inspection;
import com.adclip.Verdict;
import com.adclip.anomaly.Prediction;
import com.adclip.serve.InspectionAnswer;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A worker's result is the station's inspection fields, then its own (docs/fleet.md), as one flat object. */
class FleetAnswerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theWorkersFieldsFollowTheInspectionsInOneObject() throws Exception {
        Prediction p = new Prediction(0.25, 0.75, Verdict.OK, new float[1], 1, 1, List.of(), new boolean[1]);
        Inspection inspection = new Inspection(p, new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), 5, 0.5);
        StubInspector inspector = new StubInspector(0);
        String json = JSON.writeValueAsString(new FleetAnswer(InspectionAnswer.of(inspection, 0.2, inspector), 7,
                "r-1", "a.png", "abc", "w1", "2026-01-01T00:00:00Z"));
        assertEquals("{\"score\":0.25,\"verdict\":\"NG\",\"probabilities\":{\"normal\":0.75,\"anomaly\":0.25},"
                + "\"threshold\":0.2,\"map_threshold\":2.0,\"width\":1,\"height\":1,"
                + "\"regions\":[],\"ms\":5.0,\"model\":\"stub\",\"id\":7,\"request_id\":\"r-1\","
                + "\"name\":\"a.png\",\"bundle_sha256\":\"abc\",\"worker\":\"w1\",\"time\":\"2026-01-01T00:00:00Z\"}",
                json);
    }

    @Test
    void anErrorResultNamesTheRequestItsReasonAndSource() throws Exception {
        String json = JSON.writeValueAsString(new FleetAnswer.Error("r-2", "bad JSON", 400, "in-0@3", null, "w1"));
        assertEquals("{\"request_id\":\"r-2\",\"error\":\"bad JSON\",\"status\":400,\"source\":\"in-0@3\","
                + "\"bundle_sha256\":null,\"worker\":\"w1\"}", json);
    }
}
