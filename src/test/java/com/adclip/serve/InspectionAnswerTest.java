package com.adclip.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.adclip.Inspection;
import com.adclip.Verdict;
import com.adclip.anomaly.DefectRegions;
import com.adclip.anomaly.Prediction;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The inspection answer is a record now; its JSON must stay what docs/station.md shows clients: these field names
 * in this order, floats for the region scores, and the request's threshold deciding the verdict when it gives one.
 */
class InspectionAnswerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A 4 x 2 image scored 0.75 at threshold 0.5, one region, 12.34 ms. */
    static Inspection inspection() {
        DefectRegions.Region region = new DefectRegions.Region(1, 1, 0, 2, 2, 3, 3.5f, 2.25f);
        Prediction p = new Prediction(0.75, 0.25, Verdict.NG, new float[8], 4, 2, List.of(region), new boolean[8]);
        return new Inspection(p, new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB), 12.34, 0.5);
    }

    static Inspector inspector() {
        return new Inspector() {
            @Override
            public Inspection inspect(Path image) {
                throw new UnsupportedOperationException();
            }

            @Override
            public String model() {
                return "part.adclip";
            }

            @Override
            public double threshold() {
                return 0.5;
            }

            @Override
            public void setThreshold(double threshold) {
                throw new UnsupportedOperationException();
            }

            @Override
            public double mapThreshold() {
                return 2.0;
            }

            @Override
            public double mapMax() {
                return 4.0;
            }
        };
    }

    @Test
    void writesTheDocumentedFieldsInTheirOrder() throws Exception {
        String json = JSON.writeValueAsString(InspectionAnswer.of(inspection(), null, inspector()));
        assertEquals("{\"score\":0.75,\"verdict\":\"NG\",\"probabilities\":{\"normal\":0.25,\"anomaly\":0.75},"
                + "\"threshold\":0.5,\"map_threshold\":2.0,\"width\":4,\"height\":2,\"regions\":[{\"id\":1,"
                + "\"box\":[1,0,2,2],\"area\":3,\"max_score\":3.5,\"mean_score\":2.25}],\"ms\":12.3,"
                + "\"model\":\"part.adclip\"}", json);
    }

    @Test
    void aRequestsOwnThresholdDecidesItsVerdict() throws Exception {
        InspectionAnswer answer = InspectionAnswer.of(inspection(), 0.8, inspector());
        assertEquals(Verdict.OK, answer.verdict());
        assertEquals(0.8, JSON.readTree(JSON.writeValueAsString(answer)).get("threshold").asDouble());
    }

    @Test
    void theStationAddsOverlayMapIdAndTotalTimeAfterTheInspection() throws Exception {
        InspectHandler.MapAnswer map = InspectHandler.MapAnswer.of(new Renderings.CompactMap(1, 1, 4.0,
                new byte[] {(byte) 255}));
        String with = JSON.writeValueAsString(new InspectHandler.Answer(InspectionAnswer.of(inspection(), null,
                inspector()), "PNG", map, 17, 80.4));
        assertEquals("\"model\":\"part.adclip\",\"overlay\":\"PNG\",\"map\":{\"width\":1,\"height\":1,\"max\":4.0,"
                + "\"encoding\":\"base64 uint8 row-major, value = map / max * 255\",\"data\":\"/w==\"},\"id\":17,"
                + "\"total_ms\":80.4}", with.substring(with.indexOf("\"model\"")));
        String without = JSON.writeValueAsString(new InspectHandler.Answer(InspectionAnswer.of(inspection(), null,
                inspector()), null, null, 17, 80.4));
        assertEquals("\"model\":\"part.adclip\",\"id\":17,\"total_ms\":80.4}",
                without.substring(without.indexOf("\"model\"")));
    }
}
