package com.adclip.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CLIP's image tower ({@code VisionTransformer} in openai/CLIP), with AnomalyCLIP's DPAM and multi-layer patch
 * features. Works at any input size that is a multiple of the patch size: positional embeddings are resized
 * per grid and cached, never written back into the weights.
 */
final class VisionTransformer {
    private static final String P = "visual.";

    private final ClipConfig.Vision config;
    private final NDManager manager;
    private final NDArray conv1;
    private final NDArray classEmbedding;
    private final NDArray positionalEmbedding;
    private final NDArray lnPreWeight;
    private final NDArray lnPreBias;
    private final NDArray lnPostWeight;
    private final NDArray lnPostBias;
    private final NDArray proj;
    private final List<ResidualBlock> blocks = new ArrayList<>();
    private final Map<Integer, NDArray> positionalByGrid = new ConcurrentHashMap<>();

    /** @param manager owns the derived tensors (resized positional embeddings) */
    VisionTransformer(ClipConfig.Vision config, ClipParameters params, NDManager manager) {
        this.config = config;
        this.manager = manager;
        this.conv1 = params.get(P + "conv1.weight");
        this.classEmbedding = params.get(P + "class_embedding");
        this.positionalEmbedding = params.get(P + "positional_embedding");
        this.lnPreWeight = params.get(P + "ln_pre.weight");
        this.lnPreBias = params.get(P + "ln_pre.bias");
        this.lnPostWeight = params.get(P + "ln_post.weight");
        this.lnPostBias = params.get(P + "ln_post.bias");
        this.proj = params.get(P + "proj");
        for (int i = 0; i < config.layers(); i++) {
            blocks.add(new ResidualBlock(params, P + "transformer.resblocks." + i + ".", config.heads()));
        }
    }

    /** Runs the tower on normalised pixels [B, 3, S, S]; arrays are created in {@code pixels}' manager. */
    VisionFeatures forward(NDArray pixels, VisionRequest request) {
        request.checkAgainst(config.layers());
        int grid = gridFor(pixels.getShape());
        NDArray x = embed(pixels, grid); // [B, 1+G², W]
        int firstDpam = config.layers() - request.dpamBlocks() + 1; // 1-based
        ResidualBlock.DualTokens dual = null;
        List<VisionFeatures.PatchFeatures> patches = new ArrayList<>();
        for (int block = 1; block <= config.layers(); block++) {
            ResidualBlock layer = blocks.get(block - 1);
            NDManager outer = x.getManager();
            try (NDManager scope = outer.newSubManager()) {
                // intermediates of this block (attention matrices above all) are freed when it ends
                if (block < firstDpam) {
                    x.attach(scope);
                    x = layer.forward(x, null);
                    x.attach(outer);
                } else {
                    ResidualBlock.DualTokens in = dual == null ? new ResidualBlock.DualTokens(x, x) : dual;
                    in.valueValue().attach(scope);
                    in.original().attach(scope);
                    dual = layer.dualPath(in);
                    dual.valueValue().attach(outer);
                    dual.original().attach(outer);
                    x = dual.valueValue();
                }
                if (request.featureBlocks().contains(block)) {
                    NDArray tokens = project(x);
                    tokens.attach(outer);
                    patches.add(new VisionFeatures.PatchFeatures(block, tokens));
                }
            }
        }
        NDArray original = dual == null ? x : dual.original();
        NDArray global = original.get(new NDIndex(":, 0, :")).matMul(proj); // [B, E], no ln_post
        return new VisionFeatures(global, patches, grid);
    }

    /** Plain CLIP: {@code ln_post} of every output token {@code @ proj}, [B, 1+G², E]. */
    NDArray tokens(NDArray pixels) {
        NDArray x = embed(pixels, gridFor(pixels.getShape()));
        for (ResidualBlock block : blocks) {
            x = ResidualBlock.scoped(x, in -> block.forward(in, null));
        }
        return project(x);
    }

    /** Plain CLIP's {@code encode_image}: {@code ln_post(class token) @ proj}, [B, E]. */
    NDArray encodeImage(NDArray pixels) {
        return tokens(pixels).get(new NDIndex(":, 0, :"));
    }

    private NDArray project(NDArray tokens) {
        return Ops.layerNorm(tokens, lnPostWeight, lnPostBias).matMul(proj);
    }

    int gridFor(Shape pixels) {
        if (pixels.dimension() != 4 || pixels.get(1) != 3 || pixels.get(2) != pixels.get(3)) {
            throw new IllegalArgumentException("expected pixels [B, 3, S, S], got " + pixels);
        }
        long size = pixels.get(2);
        if (size % config.patchSize() != 0) {
            throw new IllegalArgumentException(
                    "image size " + size + " is not a multiple of the patch size " + config.patchSize());
        }
        return (int) (size / config.patchSize());
    }

    /** Patchify, prepend the class token, add positional embeddings, {@code ln_pre}. */
    private NDArray embed(NDArray pixels, int grid) {
        long batch = pixels.getShape().get(0);
        Shape stride = new Shape(config.patchSize(), config.patchSize());
        NDArray patches = Conv2d.conv2d(pixels, conv1, null, stride).singletonOrThrow(); // [B, W, G, G]
        NDArray tokens = patches.reshape(batch, config.width(), (long) grid * grid).transpose(0, 2, 1); // [B, G², W]
        NDArray cls = tokens.getManager().zeros(new Shape(batch, 1, config.width())).add(classEmbedding);
        NDArray x = NDArrays.concat(new NDList(cls, tokens), 1); // [B, 1+G², W]
        x = x.add(positionalFor(grid));
        return Ops.layerNorm(x, lnPreWeight, lnPreBias);
    }

    /** Positional embeddings for a G×G grid: the trained G0×G0 ones bilinearly resized (class one kept). */
    NDArray positionalFor(int grid) {
        if (grid == config.grid()) {
            return positionalEmbedding;
        }
        return positionalByGrid.computeIfAbsent(grid, this::resizePositional);
    }

    private NDArray resizePositional(int grid) {
        int trained = config.grid();
        long width = config.width();
        try (NDManager scope = manager.newSubManager()) {
            NDArray source = positionalEmbedding.duplicate();
            source.attach(scope);
            NDArray cls = source.get(new NDIndex("0:1, :")); // [1, W]
            NDArray square = source.get(new NDIndex("1:, :")).reshape(1, trained, trained, width); // [1,G0,G0,W]
            NDArray resized = Ops.resizeBilinear(square.transpose(0, 3, 1, 2), grid, grid); // [1, W, G, G]
            NDArray flat = resized.reshape(width, (long) grid * grid).transpose(1, 0); // [G², W]
            NDArray result = NDArrays.concat(new NDList(cls, flat), 0); // [1+G², W]
            result.attach(manager);
            return result;
        }
    }
}
