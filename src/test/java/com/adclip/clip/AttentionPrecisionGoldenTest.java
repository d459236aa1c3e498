package com.adclip.clip;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.adclip.testing.Fixtures;
import com.adclip.torchscript.TorchScriptWriter;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * bf16 graphs run attention in bf16 on AMX CPUs and in float32 elsewhere (issue 12): both graphs are valid and
 * stay near the float32 graph on the golden tiny CLIP, whichever this CPU would choose.
 */
class AttentionPrecisionGoldenTest {
    @Test
    void onlyAmxCpusRunAttentionInBf16() {
        assertTrue(Precision.bf16Attention(Set.of("avx512_bf16", "amx_bf16", "amx_tile")));
        assertFalse(Precision.bf16Attention(Set.of("avx512f", "avx512_bf16", "avx512_vnni")));
        assertFalse(Precision.bf16Attention(Set.of()));
    }

    @Test
    void bothAttentionPrecisionsStayNearTheFloat32Graph() throws Exception {
        Path dir = Fixtures.goldenV1();
        JsonNode golden = TestWeights.goldenConfig(dir);
        ClipConfig config = TestWeights.tinyConfig(golden);
        List<Integer> blocks = new ArrayList<>();
        golden.get("features").forEach(n -> blocks.add(n.asInt()));
        VisionRequest request = new VisionRequest(golden.get("dpam").asInt(), blocks);
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> weights = TestWeights.openAiSafetensors(manager, dir);
            NDArray pixels = Fixtures.npz(manager, dir.resolve("expected.npz")).get("pixels");
            int grid = (int) pixels.getShape().get(2) / config.vision().patchSize();
            NDArray positional = new VisionTransformer(config.vision(), weights::get, manager).positionalFor(grid);
            NDList exact = run(manager, config, request, Precision.FP32, false, weights, positional, pixels);
            String floatAttention = source(config, request, false);
            String bf16Attention = source(config, request, true);
            assertNotEquals(floatAttention, bf16Attention);
            for (boolean lowAttention : new boolean[] {false, true}) {
                NDList low = run(manager, config, request, Precision.BF16, lowAttention, weights, positional, pixels);
                for (int i = 0; i < exact.size(); i++) {
                    // bf16 keeps 8 bits of mantissa (relative rounding 2^-9 ≈ 0.002 per operation); through the
                    // tower's GEMMs the features drift by well under 1 % of their norm
                    double error = low.get(i).sub(exact.get(i)).norm().getFloat() / exact.get(i).norm().getFloat();
                    assertTrue(error < 1e-2, "output " + i + ", bf16 attention " + lowAttention + ": " + error);
                }
            }
        }
    }

    private static String source(ClipConfig config, VisionRequest request, boolean bf16Attention) {
        return TowerSource.generate(config.vision(), request, Precision.BF16, bf16Attention, TowerSource.CLASS,
                "forward", true, List.of(), "");
    }

    private static NDList run(NDManager manager, ClipConfig config, VisionRequest request, Precision precision,
            boolean bf16Attention, Map<String, NDArray> weights, NDArray positional, NDArray pixels)
            throws IOException {
        Path file = Files.createTempFile("attention", ".pt");
        try {
            try (TorchScriptWriter writer = new TorchScriptWriter(file, TowerSource.CLASS)) {
                writer.source(TowerSource.generate(config.vision(), request, precision, bf16Attention,
                        TowerSource.CLASS, "forward", true, List.of(), ""));
                CompiledVisionTower.writeWeights(writer, config.vision(), weights::get, positional, precision);
            }
            try (Model model = Model.newInstance("tower", Device.cpu(), "PyTorch")) {
                model.load(file);
                NDList out = model.getBlock().forward(new ParameterStore(manager, false), new NDList(pixels), false);
                out.attach(manager);
                return out;
            } catch (ai.djl.MalformedModelException e) {
                throw new IOException(e);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
