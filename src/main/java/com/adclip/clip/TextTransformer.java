package com.adclip.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * CLIP's text tower, with AnomalyCLIP's entry points: prompt embeddings instead of token ids, and deep
 * prompts that replace tokens {@code 1..t} before blocks {@code 1..depth-1}. Causal attention mask.
 */
final class TextTransformer {
    private final ClipConfig.Text config;
    private final NDArray tokenEmbedding;
    private final NDArray positionalEmbedding;
    private final NDArray lnFinalWeight;
    private final NDArray lnFinalBias;
    private final NDArray projection;
    private final NDArray causalMask;
    private final List<ResidualBlock> blocks = new ArrayList<>();

    /** @param manager owns the derived causal mask */
    TextTransformer(ClipConfig.Text config, ClipParameters params, NDManager manager) {
        this.config = config;
        this.tokenEmbedding = params.get("token_embedding.weight");
        this.positionalEmbedding = params.get("positional_embedding");
        this.lnFinalWeight = params.get("ln_final.weight");
        this.lnFinalBias = params.get("ln_final.bias");
        this.projection = params.get("text_projection");
        this.causalMask = causalMask(manager, config.contextLength());
        for (int i = 0; i < config.layers(); i++) {
            blocks.add(new ResidualBlock(params, "transformer.resblocks." + i + ".", config.heads()));
        }
    }

    /** Additive mask [L, L]: 0 on and below the diagonal, -inf above (openai/CLIP {@code build_attention_mask}). */
    private static NDArray causalMask(NDManager manager, int length) {
        Shape square = new Shape(length, length);
        NDArray rows = manager.arange(length).reshape(length, 1);
        NDArray cols = manager.arange(length).reshape(1, length);
        NDArray above = cols.gt(rows); // [L, L] true strictly above the diagonal
        return NDArrays.where(above, manager.full(square, Float.NEGATIVE_INFINITY), manager.zeros(square));
    }

    /** Plain CLIP's {@code encode_text}: token ids [N, L] (int64) → features [N, E]. */
    NDArray encodeText(NDArray ids) {
        checkLength(ids.getShape().get(1));
        NDArray embedded = tokenEmbedding.get(ids); // [N, L, W], created in the weights' manager
        embedded.attach(ids.getManager());
        return encodeEmbedded(embedded, ids, List.of());
    }

    /**
     * AnomalyCLIP's text encoder: prompt embeddings [N, L, W] (token embeddings with learned vectors in
     * place), the token ids they came from [N, L] (their argmax marks EOT), and deep prompts: entry {@code k-1}
     * [t, W] replaces tokens {@code 1..t} before block {@code k}, rounded to fp16 first as the reference does.
     */
    NDArray encodeEmbedded(NDArray prompts, NDArray ids, List<NDArray> deepPrompts) {
        if (deepPrompts.size() >= config.layers()) {
            throw new IllegalArgumentException(
                    deepPrompts.size() + " deep prompts but only " + config.layers() + " text blocks");
        }
        long length = prompts.getShape().get(1);
        checkLength(length);
        NDArray x = prompts.add(positionalEmbedding); // [N, L, W]
        for (int k = 0; k < blocks.size(); k++) {
            if (k >= 1 && k - 1 < deepPrompts.size()) {
                x = replaceTokens(x, deepPrompts.get(k - 1));
            }
            ResidualBlock block = blocks.get(k);
            x = ResidualBlock.scoped(x, in -> block.forward(in, causalMask));
        }
        NDArray normed = Ops.layerNorm(x, lnFinalWeight, lnFinalBias);
        return atEndOfText(normed, ids).matMul(projection); // [N, E]
    }

    /** Replaces tokens 1..t of every prompt by {@code deep} [t, W]. */
    private static NDArray replaceTokens(NDArray x, NDArray deep) {
        Shape shape = x.getShape();
        long count = deep.getShape().get(0);
        NDArray context = x.getManager().zeros(new Shape(shape.get(0), count, shape.get(2)))
                .add(Ops.roundToHalf(deep)); // [N, t, W]
        NDArray prefix = x.get(new NDIndex(":, 0:1, :"));
        NDArray suffix = x.get(new NDIndex(":, {}:, :", 1 + count));
        return NDArrays.concat(new NDList(prefix, context, suffix), 1);
    }

    /** Picks the EOT token (argmax of the ids) of each prompt: [N, L, W] → [N, W]. */
    private static NDArray atEndOfText(NDArray tokens, NDArray ids) {
        NDArray eot = ids.toType(DataType.INT64, false).argMax(1); // [N]
        long n = tokens.getShape().get(0);
        NDArray rows = tokens.getManager().arange(0, n, 1, DataType.INT64);
        return tokens.get(new NDIndex("{}, {}", rows, eot));
    }

    NDArray tokenEmbedding() {
        return tokenEmbedding;
    }

    private void checkLength(long length) {
        if (length != config.contextLength()) {
            throw new IllegalArgumentException(
                    "prompts have " + length + " tokens; this CLIP's context length is " + config.contextLength());
        }
    }
}
