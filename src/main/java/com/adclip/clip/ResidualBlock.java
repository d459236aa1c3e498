package com.adclip.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * One transformer block of OpenAI CLIP ({@code ResidualAttentionBlock}): pre-norm multi-head self-attention
 * and a QuickGELU MLP. Tokens are batch-first here, [B, L, W]; the arithmetic is the reference's.
 *
 * <p>Also runs the block as a DPAM block (AnomalyCLIP's dual path; see {@link #dualPath}).
 */
final class ResidualBlock {
    private final int heads;
    private final NDArray ln1Weight;
    private final NDArray ln1Bias;
    private final NDArray inProjWeight;
    private final NDArray inProjBias;
    private final NDArray outProjWeight;
    private final NDArray outProjBias;
    private final NDArray ln2Weight;
    private final NDArray ln2Bias;
    private final NDArray fcWeight;
    private final NDArray fcBias;
    private final NDArray projWeight;
    private final NDArray projBias;

    /** @param prefix e.g. {@code visual.transformer.resblocks.3.} */
    ResidualBlock(ClipParameters params, String prefix, int heads) {
        this.heads = heads;
        this.ln1Weight = params.get(prefix + "ln_1.weight");
        this.ln1Bias = params.get(prefix + "ln_1.bias");
        this.inProjWeight = params.get(prefix + "attn.in_proj_weight");
        this.inProjBias = params.get(prefix + "attn.in_proj_bias");
        this.outProjWeight = params.get(prefix + "attn.out_proj.weight");
        this.outProjBias = params.get(prefix + "attn.out_proj.bias");
        this.ln2Weight = params.get(prefix + "ln_2.weight");
        this.ln2Bias = params.get(prefix + "ln_2.bias");
        this.fcWeight = params.get(prefix + "mlp.c_fc.weight");
        this.fcBias = params.get(prefix + "mlp.c_fc.bias");
        this.projWeight = params.get(prefix + "mlp.c_proj.weight");
        this.projBias = params.get(prefix + "mlp.c_proj.bias");
    }

    /**
     * Runs {@code step} on {@code x} in a sub-scope of x's manager, so that everything it creates but its result
     * is freed at once (a ViT-L block at 518 px makes several 120 MB attention matrices). {@code x} itself is
     * freed too: it must not be needed afterwards. Autograd keeps what it needs on the libtorch side.
     */
    static NDArray scoped(NDArray x, java.util.function.UnaryOperator<NDArray> step) {
        NDManager outer = x.getManager();
        try (NDManager scope = outer.newSubManager()) {
            x.attach(scope);
            NDArray out = step.apply(x);
            out.attach(outer);
            return out;
        }
    }

    /** {@code x + attn(ln_1(x)); x + mlp(ln_2(x))}. {@code mask} is additive [L, L] or null. */
    NDArray forward(NDArray x, NDArray mask) {
        Heads qkv = projectQkv(Ops.layerNorm(x, ln1Weight, ln1Bias));
        NDArray attended = attend(qkv.q(), qkv.k(), qkv.v(), mask);
        NDArray h = x.add(outProject(attended));
        return h.add(mlp(h));
    }

    /**
     * One DPAM block (AnomalyCLIP): q, k, v come from {@code ln_1} of the original path. The original path
     * gets {@code proj(softmax(q·kᵀ·s)·v)} and then the MLP; the V-V path gets {@code proj(softmax(v·vᵀ·s)·v)}
     * and no MLP.
     */
    DualTokens dualPath(DualTokens in) {
        Heads qkv = projectQkv(Ops.layerNorm(in.original(), ln1Weight, ln1Bias));
        NDArray original = in.original().add(outProject(attend(qkv.q(), qkv.k(), qkv.v(), null)));
        original = original.add(mlp(original));
        NDArray valueValue = in.valueValue().add(outProject(attend(qkv.v(), qkv.v(), qkv.v(), null)));
        return new DualTokens(valueValue, original);
    }

    private NDArray mlp(NDArray x) {
        NDArray normed = Ops.layerNorm(x, ln2Weight, ln2Bias);
        NDArray hidden = Ops.quickGelu(Ops.linear(normed, fcWeight, fcBias)); // [B, L, 4W]
        return Ops.linear(hidden, projWeight, projBias); // [B, L, W]
    }

    /** ln-normed tokens [B, L, W] → q, k, v as [B, H, L, D]. */
    private Heads projectQkv(NDArray normed) {
        Shape shape = normed.getShape();
        long batch = shape.get(0);
        long length = shape.get(1);
        long width = shape.get(2);
        NDArray packed = Ops.linear(normed, inProjWeight, inProjBias); // [B, L, 3W]
        NDArray split = packed.reshape(batch, length, 3, heads, width / heads); // [B, L, 3, H, D]
        NDArray perHead = split.transpose(2, 0, 3, 1, 4); // [3, B, H, L, D]
        return new Heads(perHead.get(0), perHead.get(1), perHead.get(2));
    }

    /** softmax(q·kᵀ / √D + mask)·v for [B, H, L, D] inputs, heads merged back to [B, L, W]. */
    private static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask) {
        long headDim = q.getShape().get(3);
        NDArray scaled = q.mul(Constants.scalar(q, (float) (1.0 / Math.sqrt(headDim)))); // [B, H, L, D]
        NDArray scores = scaled.matMul(k.transpose(0, 1, 3, 2)); // [B, H, L, L]
        if (mask != null) {
            scores = scores.add(mask);
        }
        NDArray weights = scores.softmax(-1);
        NDArray out = weights.matMul(v); // [B, H, L, D]
        Shape s = out.getShape();
        return out.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), s.get(1) * s.get(3)); // [B, L, W]
    }

    private NDArray outProject(NDArray attended) {
        return Ops.linear(attended, outProjWeight, outProjBias);
    }

    private record Heads(NDArray q, NDArray k, NDArray v) {}

    /** The two token streams of a DPAM block: the V-V path and the original path, both [B, L, W]. */
    record DualTokens(NDArray valueValue, NDArray original) {}
}
