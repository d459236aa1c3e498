package com.adclip.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Requests as JSON: round trip, and every unusable message is poison with a reason. */
class InspectionRequestTest {
    private static PoisonException poison(String json) {
        return assertThrows(PoisonException.class,
                () -> InspectionRequest.parse(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void roundTripsWithSnakeCaseFields() {
        InspectionRequest r = InspectionRequest.of("a-1", "/shared/line/0001.png").withThreshold(0.3);
        String json = new String(r.toJson(), StandardCharsets.UTF_8);
        assertEquals("{\"id\":\"a-1\",\"image\":\"/shared/line/0001.png\",\"threshold\":0.3}", json);
        assertEquals(r, InspectionRequest.parse(r.toJson()));
        assertEquals("0001.png", r.displayName());
        InspectionRequest inline = InspectionRequest.inline("b", "cam.png", new byte[] {1, 2, 3});
        assertTrue(new String(inline.toJson(), StandardCharsets.UTF_8).contains("\"image_base64\":\"AQID\""));
        assertEquals("b", InspectionRequest.parse("{\"id\":\"b\",\"image_base64\":\"AQID\",\"extra\":1}"
                .getBytes(StandardCharsets.UTF_8)).id(), "unknown fields are ignored");
    }

    @Test
    void unusableMessagesArePoisonWithAReason() {
        assertTrue(poison("{\"id\": \"x\", \"image\": ").getMessage().contains("not a JSON request"));
        assertTrue(poison("").getMessage().contains("empty message"));
        assertTrue(poison("null").getMessage().contains("JSON null"));
        assertTrue(poison("{\"image\": \"/a.png\"}").getMessage().contains("needs an id"));
        assertTrue(poison("{\"id\": \"x\"}").getMessage().contains("exactly one of image"));
        assertTrue(poison("{\"id\": \"x\", \"image\": \"/a.png\", \"image_base64\": \"AQID\"}").getMessage()
                .contains("exactly one of image"));
        assertTrue(poison("{\"id\": \"x\", \"image\": \"/a.png\", \"threshold\": 2}").getMessage()
                .contains("threshold must be in [0, 1]"));
    }
}
