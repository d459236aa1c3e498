package com.adclip.weights;

import com.adclip.AdclipException;
import com.adclip.clip.ClipConfig;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The CLIP ViTs OpenAI released, with the URLs of {@code _MODELS} in openai/CLIP {@code clip/clip.py}.
 *
 * <p>Names are matched forgivingly: {@code ViT-B/16}, {@code vit-b-16}, {@code ViT-B-16} and
 * {@code ViT-B-16.pt} all name the same model.
 */
public final class ModelRegistry {

    private static final String BASE = "https://openaipublic.azureedge.net/clip/models/";
    private static final int CONTEXT_LENGTH = 77;
    private static final int VOCAB_SIZE = 49408;

    private static final List<ModelSpec> MODELS = List.of(
            vit("ViT-B/32",
                    "40d365715913c9da98579312b702a82c18be219cc2a73407c4526f58eba950af/ViT-B-32.pt",
                    512, new ClipConfig.Vision(768, 12, 32, 224), 512, 12),
            vit("ViT-B/16",
                    "5806e77cd80f8b59890b7e101eabd078d9fb84e6937f9e85e4ecb61988df416f/ViT-B-16.pt",
                    512, new ClipConfig.Vision(768, 12, 16, 224), 512, 12),
            vit("ViT-L/14",
                    "b8cca3fd41ae0c99ba7e8951adf17d267cdb84cd88be6f7c2e0eca1737a03836/ViT-L-14.pt",
                    768, new ClipConfig.Vision(1024, 24, 14, 224), 768, 12),
            vit("ViT-L/14@336px",
                    "3035c92b350959924f9f00213499208652fc7ea050643e8b385c2dac08641f02/ViT-L-14-336px.pt",
                    768, new ClipConfig.Vision(1024, 24, 14, 336), 768, 12));

    private ModelRegistry() {}

    /** All known models, smallest first. */
    public static List<ModelSpec> all() {
        return MODELS;
    }

    /** The known model names, e.g. {@code [ViT-B/32, ViT-B/16, ViT-L/14, ViT-L/14@336px]}. */
    public static List<String> names() {
        return MODELS.stream().map(ModelSpec::name).collect(Collectors.toUnmodifiableList());
    }

    /** The model with this name (forgiving about case, {@code /} vs {@code -}, and a {@code .pt} suffix). */
    public static Optional<ModelSpec> lookup(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String key = normalize(name);
        return MODELS.stream()
                .filter(m -> normalize(m.name()).equals(key) || normalize(m.fileName()).equals(key))
                .findFirst();
    }

    /**
     * The model with this name.
     *
     * @throws AdclipException a usage error (exit code 2) naming the known models if there is none
     */
    public static ModelSpec find(String name) {
        return lookup(name).orElseThrow(() -> AdclipException.usage(
                "unknown model '" + name + "'; known models: " + String.join(", ", names()), null));
    }

    static String normalize(String name) {
        String key = name.strip().toLowerCase(Locale.ROOT);
        if (key.endsWith(".pt")) {
            key = key.substring(0, key.length() - 3);
        }
        return key.replace('/', '-').replace('_', '-').replace('@', '-');
    }

    private static ModelSpec vit(String name, String path, int embedDim, ClipConfig.Vision vision,
            int textWidth, int textLayers) {
        ClipConfig config = new ClipConfig(embedDim, vision,
                new ClipConfig.Text(textWidth, textLayers, CONTEXT_LENGTH, VOCAB_SIZE));
        return new ModelSpec(name, URI.create(BASE + path), config,
                ModelSpec.Preprocessing.openAi(vision.imageResolution()));
    }
}
