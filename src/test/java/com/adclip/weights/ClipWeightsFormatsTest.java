package com.adclip.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.adclip.AdclipException;
import com.adclip.clip.ClipConfig;
import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The golden tiny CLIP in its three formats: same architecture, bit-identical float32 tensors. */
class ClipWeightsFormatsTest {

    private static NDManager manager;
    private static Path golden;
    private static ClipWeights pt;
    private static ClipWeights safetensors;
    private static ClipWeights hf;

    @BeforeAll
    static void load() {
        golden = Fixtures.goldenV1();
        manager = NDManager.newBaseManager();
        pt = ClipWeights.load(golden.resolve("tiny-clip.pt"), manager);
        safetensors = ClipWeights.load(golden.resolve("tiny-clip-openai.safetensors"), manager);
        hf = ClipWeights.load(golden.resolve("tiny-clip-hf"), manager);
    }

    @AfterAll
    static void close() {
        for (ClipWeights w : new ClipWeights[] {pt, safetensors, hf}) {
            if (w != null) {
                w.close();
            }
        }
        if (manager != null) {
            manager.close();
        }
    }

    @Test
    void formatsAreDetected() {
        assertEquals(WeightsFormat.OPENAI_TORCHSCRIPT, pt.format());
        assertEquals(WeightsFormat.SAFETENSORS, safetensors.format());
        assertEquals(WeightsFormat.HUGGINGFACE, hf.format());
        assertEquals(golden.resolve("tiny-clip-hf"), hf.source());
    }

    @Test
    void derivedConfigMatchesTheFixtureAndTheHuggingFaceConfig() throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode expected = json.readTree(golden.resolve("expected.json").toFile()).get("config");
        JsonNode hfConfig = json.readTree(golden.resolve("tiny-clip-hf/config.json").toFile());
        JsonNode text = hfConfig.get("text_config");
        for (ClipWeights w : List.of(pt, safetensors, hf)) {
            ClipConfig c = w.config();
            assertEquals(expected.get("vision_width").asInt(), c.vision().width(), w.format().name());
            assertEquals(expected.get("vision_layers").asInt(), c.vision().layers(), w.format().name());
            assertEquals(expected.get("patch").asInt(), c.vision().patchSize(), w.format().name());
            assertEquals(expected.get("input_res").asInt(), c.vision().imageResolution(), w.format().name());
            assertEquals(expected.get("text_width").asInt(), c.text().width(), w.format().name());
            assertEquals(expected.get("text_layers").asInt(), c.text().layers(), w.format().name());
            assertEquals(expected.get("embed_dim").asInt(), c.embedDim(), w.format().name());
            assertEquals(text.get("max_position_embeddings").asInt(), c.text().contextLength(), w.format().name());
            assertEquals(text.get("vocab_size").asInt(), c.text().vocabSize(), w.format().name());
            assertEquals(hfConfig.get("vision_config").get("num_attention_heads").asInt(), c.vision().heads());
            assertEquals(text.get("num_attention_heads").asInt(), c.text().heads());
        }
    }

    @Test
    void everyFormatHasEveryExpectedTensorAsFloat32() {
        Map<String, ai.djl.ndarray.types.Shape> expected = OpenAiLayout.expectedShapes(pt.config());
        for (ClipWeights w : List.of(pt, safetensors, hf)) {
            assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(w.tensors().keySet()));
            w.tensors().forEach((name, t) -> {
                assertEquals(DataType.FLOAT32, t.getDataType(), name);
                assertEquals(expected.get(name), t.getShape(), name);
            });
        }
    }

    @Test
    void everyTensorBelongsToTheWeightsOwnSubManager() {
        for (ClipWeights w : List.of(pt, safetensors, hf)) {
            NDManager own = w.get("logit_scale").getManager();
            assertTrue(own != manager && own.getParentManager() == manager, w.format().name());
            w.tensors().forEach((name, t) -> assertTrue(t.getManager() == own, name));
        }
    }

    @Test
    void tensorsAreBitIdenticalAcrossFormats() {
        for (String name : pt.tensors().keySet()) {
            int[] reference = bits(pt.get(name));
            assertArrayEquals(reference, bits(safetensors.get(name)), "safetensors vs .pt: " + name);
            assertArrayEquals(reference, bits(hf.get(name)), "Hugging Face vs .pt: " + name);
        }
    }

    @Test
    void huggingFaceWeightsFileAloneFindsItsConfig() {
        try (ClipWeights file = ClipWeights.load(golden.resolve("tiny-clip-hf/model.safetensors"), manager)) {
            assertEquals(WeightsFormat.HUGGINGFACE, file.format());
            assertEquals(hf.config(), file.config());
            assertArrayEquals(bits(hf.get("visual.proj")), bits(file.get("visual.proj")));
        }
    }

    @Test
    void absentTensorAndReadOnlyMap() {
        AdclipException e = assertThrows(AdclipException.class, () -> safetensors.get("visual.nope"));
        assertTrue(e.getMessage().contains("visual.nope"), e.getMessage());
        assertTrue(e.getMessage().contains("tiny-clip-openai.safetensors"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> pt.tensors().remove("logit_scale"));
    }

    @Test
    void closingFreesTheWeightsButNotTheParent() {
        ClipWeights w = ClipWeights.load(golden.resolve("tiny-clip-openai.safetensors"), manager);
        NDArray proj = w.get("visual.proj");
        assertTrue(proj.getManager() != manager, "tensors live in the weights' own sub-manager");
        w.close();
        assertTrue(proj.isReleased());
        assertTrue(manager.isOpen());
        assertNull(ClipWeights.random(pt.config(), manager, 1).source());
    }

    static int[] bits(NDArray array) {
        ByteBuffer bytes = array.toByteBuffer().order(ByteOrder.nativeOrder());
        int[] out = new int[bytes.remaining() / 4];
        bytes.asIntBuffer().get(out);
        return out;
    }
}
