package com.adclip.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adclip.AdclipException;
import com.adclip.clip.ClipConfig;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelRegistryTest {

    @Test
    void knowsTheFourReleasedVits() {
        assertEquals(List.of("ViT-B/32", "ViT-B/16", "ViT-L/14", "ViT-L/14@336px"), ModelRegistry.names());
    }

    @Test
    void urlsAreThoseOfOpenAiClipModels() {
        // clip/clip.py _MODELS in openai/CLIP
        assertEquals(URI.create("https://openaipublic.azureedge.net/clip/models/"
                        + "5806e77cd80f8b59890b7e101eabd078d9fb84e6937f9e85e4ecb61988df416f/ViT-B-16.pt"),
                ModelRegistry.find("ViT-B/16").url());
        assertEquals(URI.create("https://openaipublic.azureedge.net/clip/models/"
                        + "3035c92b350959924f9f00213499208652fc7ea050643e8b385c2dac08641f02/ViT-L-14-336px.pt"),
                ModelRegistry.find("ViT-L/14@336px").url());
    }

    @ParameterizedTest
    @CsvSource({
        "ViT-B/32, 40d365715913c9da98579312b702a82c18be219cc2a73407c4526f58eba950af, ViT-B-32.pt, 224",
        "ViT-B/16, 5806e77cd80f8b59890b7e101eabd078d9fb84e6937f9e85e4ecb61988df416f, ViT-B-16.pt, 224",
        "ViT-L/14, b8cca3fd41ae0c99ba7e8951adf17d267cdb84cd88be6f7c2e0eca1737a03836, ViT-L-14.pt, 224",
        "ViT-L/14@336px, 3035c92b350959924f9f00213499208652fc7ea050643e8b385c2dac08641f02, ViT-L-14-336px.pt, 336"
    })
    void hashFileAndResolutionComeFromTheUrl(String name, String sha256, String file, int resolution) {
        ModelSpec model = ModelRegistry.find(name);
        assertEquals(sha256, model.sha256());
        assertEquals(file, model.fileName());
        assertEquals(resolution, model.inputResolution());
        assertEquals(resolution, model.preprocessing().resolution());
        assertTrue(model.url().toString().endsWith("/" + sha256 + "/" + file));
    }

    @ParameterizedTest
    @CsvSource({
        "ViT-B/32, 512, 768, 12, 32, 512, 12",
        "ViT-B/16, 512, 768, 12, 16, 512, 12",
        "ViT-L/14, 768, 1024, 24, 14, 768, 12",
        "ViT-L/14@336px, 768, 1024, 24, 14, 768, 12"
    })
    void architectures(String name, int embed, int vWidth, int vLayers, int patch, int tWidth, int tLayers) {
        ClipConfig config = ModelRegistry.find(name).config();
        assertEquals(embed, config.embedDim());
        assertEquals(vWidth, config.vision().width());
        assertEquals(vLayers, config.vision().layers());
        assertEquals(patch, config.vision().patchSize());
        assertEquals(tWidth, config.text().width());
        assertEquals(tLayers, config.text().layers());
        assertEquals(77, config.text().contextLength());
        assertEquals(49408, config.text().vocabSize());
    }

    @Test
    void preprocessingIsOpenAisBicubicCenterCrop() {
        ModelSpec.Preprocessing p = ModelRegistry.find("ViT-B/16").preprocessing();
        assertEquals(ModelSpec.Interpolation.BICUBIC, p.resize());
        assertTrue(p.centerCrop());
        assertEquals(new ModelSpec.Rgb(0.48145466, 0.4578275, 0.40821073), p.mean());
        assertEquals(new ModelSpec.Rgb(0.26862954, 0.26130258, 0.27577711), p.std());
    }

    @ParameterizedTest
    @CsvSource({"ViT-B/16", "vit-b-16", "ViT-B-16", "  VIT-B/16 ", "ViT-B-16.pt", "vit_b_16"})
    void lookupIsForgiving(String name) {
        assertSame(ModelRegistry.find("ViT-B/16"), ModelRegistry.find(name));
    }

    @Test
    void the336pxModelIsFoundByEitherSpelling() {
        assertSame(ModelRegistry.find("ViT-L/14@336px"), ModelRegistry.find("ViT-L-14-336px"));
        assertSame(ModelRegistry.find("ViT-L/14"), ModelRegistry.find("vit-l-14"));
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        AdclipException e = assertThrows(AdclipException.class, () -> ModelRegistry.find("RN50"));
        assertEquals("unknown model 'RN50'; known models: ViT-B/32, ViT-B/16, ViT-L/14, ViT-L/14@336px",
                e.getMessage());
        assertFalse(ModelRegistry.lookup(null).isPresent());
    }

    @Test
    void mirrorReplacesTheHost() {
        ModelSpec model = ModelRegistry.find("ViT-B/16");
        assertEquals(URI.create("http://127.0.0.1:8080/base/clip/models/" + model.sha256() + "/ViT-B-16.pt"),
                model.downloadUrl("http://127.0.0.1:8080/base/"));
        assertEquals(model.url(), model.downloadUrl(null));
        assertEquals(model.url(), model.downloadUrl(" "));
        assertThrows(AdclipException.class, () -> model.downloadUrl("ftp://mirror"));
        assertThrows(AdclipException.class, () -> model.downloadUrl("not a url"));
    }

    @Test
    void specRejectsUrlsWithoutAHash() {
        ModelSpec good = ModelRegistry.find("ViT-B/32");
        assertThrows(IllegalArgumentException.class, () -> new ModelSpec("x",
                URI.create("https://example.com/clip/models/ViT-B-32.pt"), good.config(), good.preprocessing()));
        assertThrows(IllegalArgumentException.class, () -> new ModelSpec("x", good.url(), good.config(),
                ModelSpec.Preprocessing.openAi(336)));
    }
}
