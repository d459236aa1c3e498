package com.adclip.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A frozen CLIP ViT: the image tower (with AnomalyCLIP's DPAM) and the text tower, built from named weights.
 *
 * <p>The model never modifies its weights and holds no gradient state: gradients can flow through it to
 * prompt tensors that require them, never into it. Every array a call creates belongs to the manager of
 * the call's input, so callers control lifetime with {@link NDManager} scopes.
 */
public final class ClipModel implements AutoCloseable {
    private final ClipConfig config;
    private final NDManager manager;
    private final VisionTransformer vision;
    private final TextTransformer text;
    private final ClipParameters params;
    private final Precision precision;
    private final Map<CompiledVisionTower.Key, CompiledVisionTower> compiled = new HashMap<>();
    /** Whether the text tower's weights were freed ({@link #releaseTextTower}). */
    private volatile boolean textReleased;
    /** The key of the tower compiled when the float32 tower weights were freed, or null while they are kept. */
    private CompiledVisionTower.Key released;

    private ClipModel(ClipConfig config, ClipParameters params, NDManager parent, Precision precision) {
        this.config = config;
        this.params = params;
        this.precision = precision;
        this.manager = parent.newSubManager();
        this.vision = new VisionTransformer(config.vision(), params, manager);
        this.text = new TextTransformer(config.text(), params, manager);
    }

    /**
     * Builds the model. {@code params} must stay open while the model is used; derived tensors (the causal
     * mask, resized positional embeddings) live in a sub-manager of {@code parent}, freed by {@link #close}.
     */
    public static ClipModel create(ClipConfig config, ClipParameters params, NDManager parent) {
        return new ClipModel(config, params, parent, Precision.EAGER);
    }

    /**
     * Builds the model whose image tower runs in {@code precision}. For any mode but {@link Precision#EAGER}
     * the tower is compiled into one TorchScript graph per input size on first use (a few seconds for ViT-L).
     * The {@link Precision#FP32} graph reads {@code params}' own tensors (no copy), and any number of input sizes
     * can be compiled. The {@link Precision#BF16} graph holds its own bf16 copy, and {@code params} are asked to
     * {@linkplain ClipParameters#release release} the float32 tower weights (1.2 GB for ViT-L): parameters this
     * model owns free them, and this model then runs only that first graph's input size and request (the eager
     * {@link #encodeImage} / {@link #imageTokens} no more).
     */
    public static ClipModel create(ClipConfig config, ClipParameters params, NDManager parent, Precision precision) {
        return new ClipModel(config, params, parent, precision);
    }

    /** How the image tower runs. */
    public Precision precision() {
        return precision;
    }

    public ClipConfig config() {
        return config;
    }

    /** Image tower on normalised pixels [B, 3, S, S] (S any multiple of the patch size). */
    public VisionFeatures encodeVision(NDArray pixels, VisionRequest request) {
        if (precision == Precision.EAGER) {
            return vision.forward(pixels, request);
        }
        return compiledTower(vision.gridFor(pixels.getShape()), request).forward(pixels);
    }

    /**
     * Writes the image tower for {@code imageSize} into a TorchScript archive being built: its weights as tensor
     * attributes and, as the archive's source, class {@code className} whose method {@code towerMethod} maps
     * pixels [B, 3, S, S] to the tuple (global feature [B, E], patch features [B, 1+G², E] of each requested
     * block). {@code extraAttributes} (tensors the caller adds) and {@code extraSource} (further methods,
     * indented two spaces, e.g. a {@code forward} that continues after the tower) complete the class.
     * {@code fusedAttention} false writes attention as matmul/softmax/matmul, for PyTorch before 2.0.
     */
    public void writeTowerGraph(com.adclip.torchscript.TorchScriptWriter writer, String className, String towerMethod,
            int imageSize, VisionRequest request, Precision precision, boolean fusedAttention,
            List<String> extraAttributes, String extraSource) throws java.io.IOException {
        if (precision == Precision.EAGER) {
            throw new IllegalArgumentException("a graph is fp32 or bf16, not eager");
        }
        requireTowerWeights("writing the tower graph");
        int grid = vision.gridFor(new ai.djl.ndarray.types.Shape(1, 3, imageSize, imageSize));
        writer.source(TowerSource.generate(config.vision(), request, precision, className, towerMethod,
                fusedAttention, extraAttributes, extraSource));
        CompiledVisionTower.writeWeights(writer, config.vision(), params, vision.positionalFor(grid), precision);
    }

    /** The compiled tower for this grid and request, built once (callers of other grids wait meanwhile). */
    private synchronized CompiledVisionTower compiledTower(int grid, VisionRequest request) {
        CompiledVisionTower.Key key = new CompiledVisionTower.Key(grid, request);
        CompiledVisionTower tower = compiled.get(key);
        if (tower == null) {
            requireTowerWeights("a vision tower for grid " + grid + " and " + request);
            boolean release = compiled.isEmpty() && !CompiledVisionTower.weightsAsInputs(precision);
            tower = CompiledVisionTower.build(config.vision(), params, vision.positionalFor(grid), request, grid,
                    precision, release);
            compiled.put(key, tower);
            if (release) {
                released = key;
            }
        }
        return tower;
    }

    /** Fails in one line when the float32 tower weights were freed and {@code what} needs them. */
    private synchronized void requireTowerWeights(String what) {
        if (released != null && !towerWeightsKept()) {
            throw new com.adclip.AdclipException(what + " needs the float32 vision weights, freed when the "
                    + precision.label() + " tower was compiled for grid " + released.grid() + " and "
                    + released.request() + "; load the model again for another input size or request");
        }
    }

    /** Whether {@code params} still hold the tower weights (they keep them unless this model owns them). */
    private boolean towerWeightsKept() {
        try {
            params.get("visual.conv1.weight");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Ordinary CLIP {@code encode_image}: [B, 3, S, S] → [B, E]. */
    public NDArray encodeImage(NDArray pixels) {
        requireTowerWeights("the eager image encoder");
        return vision.encodeImage(pixels);
    }

    /** Ordinary CLIP image tokens: {@code ln_post} of every output token {@code @ proj}, [B, 1+G², E]. */
    public NDArray imageTokens(NDArray pixels) {
        requireTowerWeights("the eager image encoder");
        return vision.tokens(pixels);
    }

    /**
     * For inference once the text features are computed: asks {@code params} to free the text tower's blocks,
     * final LayerNorm and projection (0.34 GB for ViT-L; token and positional embeddings stay). With parameters
     * this model owns, {@link #encodeText} and {@link #encodePrompts} then fail in one line; training must not
     * call this.
     */
    public void releaseTextTower() {
        java.util.List<String> names = new java.util.ArrayList<>(java.util.List.of("ln_final.weight", "ln_final.bias",
                "text_projection"));
        for (int b = 0; b < config.text().layers(); b++) {
            for (String part : BLOCK_PARAMETERS) {
                names.add("transformer.resblocks." + b + "." + part);
            }
        }
        params.release(names);
        try {
            params.get("text_projection");
        } catch (RuntimeException e) {
            textReleased = true;
        }
    }

    private static final List<String> BLOCK_PARAMETERS = List.of("ln_1.weight", "ln_1.bias", "attn.in_proj_weight",
            "attn.in_proj_bias", "attn.out_proj.weight", "attn.out_proj.bias", "ln_2.weight", "ln_2.bias",
            "mlp.c_fc.weight", "mlp.c_fc.bias", "mlp.c_proj.weight", "mlp.c_proj.bias");

    private void requireTextTower() {
        if (textReleased) {
            throw new com.adclip.AdclipException("the text tower's weights were freed once the text features were "
                    + "computed (inference only); load the model again to encode text");
        }
    }

    /** Ordinary CLIP {@code encode_text}: token ids [N, L] → [N, E]. */
    public NDArray encodeText(NDArray ids) {
        requireTextTower();
        return text.encodeText(ids);
    }

    /**
     * AnomalyCLIP's text encoder on prompt embeddings [N, L, W], their token ids [N, L] (for the EOT
     * position) and deep prompts ([t, W] each, replacing tokens 1..t before text blocks 1, 2, ...).
     */
    public NDArray encodePrompts(NDArray prompts, NDArray ids, List<NDArray> deepPrompts) {
        requireTextTower();
        return text.encodeEmbedded(prompts, ids, deepPrompts);
    }

    /** The token embedding table [vocab, W] (read-only), for building prompt embeddings. */
    public NDArray tokenEmbedding() {
        return text.tokenEmbedding();
    }

    @Override
    public void close() {
        synchronized (this) {
            compiled.values().forEach(CompiledVisionTower::close);
            compiled.clear();
        }
        manager.close();
    }
}
