package com.adclip.anomaly;

import static com.adclip.testing.GoldenAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.adclip.AdclipException;
import com.adclip.clip.ClipConfig;
import com.adclip.clip.ClipModel;
import com.adclip.clip.TestWeights;
import com.adclip.testing.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReferenceCheckpointTest {
    private NDManager manager;
    private Path dir;
    private JsonNode config;
    private Map<String, NDArray> weights;
    private Map<String, NDArray> expected;

    @BeforeEach
    void setUp() throws IOException {
        dir = Fixtures.goldenV1();
        manager = NDManager.newBaseManager();
        config = TestWeights.goldenConfig(dir);
        weights = TestWeights.openAiSafetensors(manager, dir);
        expected = Fixtures.npz(manager, dir.resolve("expected.npz"));
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void importInfersShapeAndClassWordAndGivesTheReferenceTensors() {
        ReferenceCheckpoint checkpoint = ReferenceCheckpoint.read(dir.resolve("prompt-learner.pth"), manager);
        PromptConfig prompts = checkpoint.config();
        assertEquals(config.get("n_ctx").asInt(), prompts.nCtx());
        assertEquals(config.get("t_n_ctx").asInt(), prompts.tNCtx());
        assertEquals(config.get("depth").asInt(), prompts.depth());
        assertEquals("object", prompts.classWord());
        ClipModel clip = ClipModel.create(TestWeights.tinyConfig(config), weights::get, manager);
        try (PromptLearner learner = checkpoint.toLearner(clip, manager, "tiny-clip")) {
            learner.parameters().forEach((name, tensor) ->
                    assertClose(name, expected.get("learner/" + name), tensor, 0));
            NDArray text = AnomalyHead.normalize(learner.encode(clip)).expandDims(0);
            assertClose("text_features", expected.get("text_features"), text, 1e-4);
        }
    }

    @Test
    void aCheckpointFromAnotherClipIsRefusedSayingSo() {
        Map<String, NDArray> other = new HashMap<>(weights);
        other.put("token_embedding.weight", weights.get("token_embedding.weight").add(0.01f));
        ClipModel clip = ClipModel.create(TestWeights.tinyConfig(config), other::get, manager);
        ReferenceCheckpoint checkpoint = ReferenceCheckpoint.read(dir.resolve("prompt-learner.pth"), manager);
        AdclipException e = assertThrows(AdclipException.class, () -> checkpoint.toLearner(clip, manager, "other.pt"));
        assertTrue(e.getMessage().contains("trained with another CLIP"), e.getMessage());
        assertTrue(e.getMessage().contains("other.pt"), e.getMessage());
        assertTrue(e.getMessage().contains("prompt-learner.pth"), e.getMessage());
    }

    @Test
    void aCheckpointForAnotherTextWidthIsRefusedSayingSo() {
        ClipConfig tiny = TestWeights.tinyConfig(config);
        ClipConfig wider = new ClipConfig(tiny.embedDim(), tiny.vision(),
                new ClipConfig.Text(128, tiny.text().layers(), 77, tiny.text().vocabSize()));
        ClipModel clip = ClipModel.create(wider, name -> manager.zeros(new ai.djl.ndarray.types.Shape(1)), manager);
        ReferenceCheckpoint checkpoint = ReferenceCheckpoint.read(dir.resolve("prompt-learner.pth"), manager);
        AdclipException e = assertThrows(AdclipException.class, () -> checkpoint.toLearner(clip, manager, "wide.pt"));
        assertTrue(e.getMessage().contains("64 wide") && e.getMessage().contains("128 wide"), e.getMessage());
    }

    @Test
    void explicitOptionsMustAgreeWithTheCheckpoint() {
        ReferenceCheckpoint checkpoint = ReferenceCheckpoint.read(dir.resolve("prompt-learner.pth"), manager);
        checkpoint.requireAgreement(6, 2, 3);
        checkpoint.requireAgreement(null, null, null);
        AdclipException e = assertThrows(AdclipException.class, () -> checkpoint.requireAgreement(12, null, null));
        assertTrue(e.getMessage().contains("n-ctx 6") && e.getMessage().contains("--n-ctx 12"), e.getMessage());
        e = assertThrows(AdclipException.class, () -> checkpoint.requireAgreement(null, null, 9));
        assertTrue(e.getMessage().contains("depth 3"), e.getMessage());
    }
}
