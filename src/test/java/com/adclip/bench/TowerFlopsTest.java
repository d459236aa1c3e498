package com.adclip.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.adclip.clip.ClipConfig;
import com.adclip.clip.VisionRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class TowerFlopsTest {
    @Test
    void tinyTowerCountedByHand() {
        // width 64, 2 layers, patch 8, 16 px: grid 2, 5 tokens, embedding 32; DPAM 2 (one V-V block), block 2 returned
        ClipConfig config = new ClipConfig(32, new ClipConfig.Vision(64, 2, 8, 16), new ClipConfig.Text(64, 1, 77, 100));
        double embed = 2.0 * 4 * 64 * 3 * 64; // 4 patches × 64 outputs × 192 inputs
        double perBlock = 2.0 * 5 * 64 * (192 + 64 + 256) + 2.0 * 5 * 256 * 64 // qkv, out, c_fc; c_proj
                + 2.0 * 5 * 5 * 64 * 2; // q·kᵀ and p·v, 2·T²·W each whatever the heads
        double vv = 2.0 * 5 * 5 * 64 * 2 + 2.0 * 5 * 64 * 64;
        double features = 2.0 * 5 * 64 * 32;
        double global = 2.0 * 64 * 32;
        double expected = embed + 2 * perBlock + vv + features + global;
        assertEquals(expected, TowerFlops.perImage(config, 16, new VisionRequest(2, List.of(2))), 1e-6);
    }

    @Test
    void vitLargeAt518IsAboutOnePointTwoTeraflop() {
        // issue 12: "ViT-L/14 at 518 with DPAM is about 1.2 TFLOP per image"
        ClipConfig config = new ClipConfig(768, new ClipConfig.Vision(1024, 24, 14, 336),
                new ClipConfig.Text(768, 12, 77, 49408));
        double flops = TowerFlops.perImage(config, 518, new VisionRequest(20, List.of(6, 12, 18, 24)));
        assertEquals(1.22e12, flops, 0.01e12);
    }
}
