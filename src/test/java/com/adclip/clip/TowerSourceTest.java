package com.adclip.clip;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Where bf16 mode puts the casts: GEMMs always, attention only when {@link Precision#bf16Attention} says so. */
class TowerSourceTest {
    private static final ClipConfig.Vision VISION = new ClipConfig.Vision(64, 3, 16, 48);
    private static final String RAISED_QKV = "packed = torch.to(torch.linear(h, inw, inb), 6)";
    private static final String LOWERED_HEADS = "m = torch.to(torch.reshape(";

    private static String source(Precision precision, String attention) {
        String before = System.getProperty("adclip.attention");
        System.setProperty("adclip.attention", attention);
        try {
            return TowerSource.generate(VISION, new VisionRequest(1, List.of(1, 2)), precision);
        } finally {
            if (before == null) {
                System.clearProperty("adclip.attention");
            } else {
                System.setProperty("adclip.attention", before);
            }
        }
    }

    @Test
    void floatAttentionRaisesQkvAndLowersTheHeadsBeforeTheOutProjection() {
        String s = source(Precision.BF16, "fp32");
        assertTrue(s.contains(RAISED_QKV), s);
        assertTrue(s.contains(LOWERED_HEADS), s);
        assertTrue(s.contains("torch.to(torch.layer_norm(x, [64], ln1w, ln1b, 1e-05), 15)"), "GEMMs stay bf16");
    }

    @Test
    void bf16AttentionKeepsQkvInBf16() {
        String s = source(Precision.BF16, "bf16");
        assertFalse(s.contains(RAISED_QKV), s);
        assertFalse(s.contains(LOWERED_HEADS), s);
    }

    @Test
    void fp32ModeHasNoCastsAtAll() {
        assertFalse(source(Precision.FP32, "fp32").contains("torch.to("));
    }
}
