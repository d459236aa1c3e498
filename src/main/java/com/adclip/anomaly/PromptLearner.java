package com.adclip.anomaly;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.adclip.clip.ClipModel;
import com.adclip.clip.ClipTokenizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AnomalyCLIP's object-agnostic prompt learner: {@code n_ctx} learnable vectors in front of {@code "object."}
 * (normal) and {@code "damaged object."} (anomaly), plus deep prompts for the text tower. These tensors are the
 * only trained parameters of AD-CLIP. Tensor names follow the reference's state dict ({@code ctx_pos},
 * {@code ctx_neg}, {@code compound_prompts_text.K}); "pos" is the normal prompt, "neg" the anomaly prompt.
 */
public final class PromptLearner implements AutoCloseable {
    /** Std of the reference's N(0, σ) initialisation of every learnable tensor. */
    static final float INIT_STD = 0.02f;

    private final PromptConfig config;
    private final NDManager manager;
    private final NDArray ctxPos; // [1, 1, n_ctx, W]
    private final NDArray ctxNeg; // [1, 1, n_ctx, W]
    private final List<NDArray> deep; // depth-1 × [t_n_ctx, W]
    private final Frame normal;
    private final Frame anomaly;

    /** The frozen pieces of one prompt: token embeddings around the learnable vectors, and the token ids. */
    private record Frame(NDArray prefix, NDArray suffix, NDArray ids) {}

    private PromptLearner(PromptConfig config, NDManager manager, Map<String, NDArray> learned, ClipModel clip) {
        this.config = config;
        this.manager = manager;
        this.ctxPos = learned.get("ctx_pos");
        this.ctxNeg = learned.get("ctx_neg");
        this.deep = new ArrayList<>();
        for (int k = 0; k < config.deepPrompts(); k++) {
            deep.add(learned.get("compound_prompts_text." + k));
        }
        this.normal = frame(config.normalText(), clip);
        this.anomaly = frame(config.anomalyText(), clip);
    }

    /** A fresh learner, initialised N(0, 0.02) from {@code seed} (reproducible for a seed). */
    public static PromptLearner initialise(PromptConfig config, ClipModel clip, NDManager parent, long seed) {
        NDManager manager = parent.newSubManager();
        int width = clip.config().text().width();
        java.util.Random random = new java.util.Random(seed);
        Map<String, NDArray> learned = new LinkedHashMap<>();
        learned.put("ctx_pos", normal(manager, random, new Shape(1, 1, config.nCtx(), width)));
        learned.put("ctx_neg", normal(manager, random, new Shape(1, 1, config.nCtx(), width)));
        for (int k = 0; k < config.deepPrompts(); k++) {
            learned.put("compound_prompts_text." + k, normal(manager, random, new Shape(config.tNCtx(), width)));
        }
        return new PromptLearner(config, manager, learned, clip);
    }

    /**
     * A learner from learned tensors under the reference's names (a checkpoint or a bundle). The tensors are
     * copied; shapes must match {@code config} and the CLIP's text width.
     */
    public static PromptLearner fromTensors(
            PromptConfig config, ClipModel clip, Map<String, NDArray> tensors, NDManager parent) {
        NDManager manager = parent.newSubManager();
        int width = clip.config().text().width();
        Map<String, NDArray> learned = new LinkedHashMap<>();
        learned.put("ctx_pos", copy(tensors, "ctx_pos", new Shape(1, 1, config.nCtx(), width), manager));
        learned.put("ctx_neg", copy(tensors, "ctx_neg", new Shape(1, 1, config.nCtx(), width), manager));
        for (int k = 0; k < config.deepPrompts(); k++) {
            String name = "compound_prompts_text." + k;
            learned.put(name, copy(tensors, name, new Shape(config.tNCtx(), width), manager));
        }
        return new PromptLearner(config, manager, learned, clip);
    }

    private static NDArray normal(NDManager manager, java.util.Random random, Shape shape) {
        float[] values = new float[(int) shape.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * INIT_STD);
        }
        return manager.create(values, shape);
    }

    private static NDArray copy(Map<String, NDArray> tensors, String name, Shape shape, NDManager manager) {
        NDArray source = tensors.get(name);
        if (source == null) {
            throw new IllegalArgumentException("missing learned tensor '" + name + "'");
        }
        if (!source.getShape().equals(shape)) {
            throw new IllegalArgumentException(
                    "learned tensor '" + name + "' has shape " + source.getShape() + ", expected " + shape);
        }
        NDArray copy = manager.create(source.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray(),
                shape);
        return copy;
    }

    /** Tokenises a prompt and keeps the embeddings of SOT (prefix) and of the tokens after the placeholders. */
    private Frame frame(String text, ClipModel clip) {
        int context = clip.config().text().contextLength();
        long[] ids = ClipTokenizer.shared().tokenize(List.of(text), context, false)[0];
        NDArray idArray = manager.create(ids, new Shape(1, context)); // [1, L]
        NDArray embedded = clip.tokenEmbedding().get(idArray); // [1, L, W] in the weights' manager
        embedded.attach(manager);
        NDArray prefix = embedded.get(new NDIndex(":, 0:1, :")); // [1, 1, W]
        NDArray suffix = embedded.get(new NDIndex(":, {}:, :", 1 + config.nCtx())); // [1, L-1-n, W]
        return new Frame(prefix, suffix, idArray);
    }

    public PromptConfig config() {
        return config;
    }

    /** The learnable tensors under the reference's names, in a stable order. Not copies. */
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> params = new LinkedHashMap<>();
        params.put("ctx_pos", ctxPos);
        params.put("ctx_neg", ctxNeg);
        for (int k = 0; k < deep.size(); k++) {
            params.put("compound_prompts_text." + k, deep.get(k));
        }
        return params;
    }

    /**
     * The frozen buffers the reference stores next to the learned tensors ({@code token_prefix_pos},
     * {@code token_suffix_pos}, {@code tokenized_prompts_pos}, and the same for "neg"), in its shapes
     * ([1, 1, ·, W] and [1, 1, L]). Checkpoints carry them; comparing them with ours tells whether a
     * checkpoint was trained with the same CLIP.
     */
    public Map<String, NDArray> frozenBuffers() {
        Map<String, NDArray> buffers = new LinkedHashMap<>();
        putFrame(buffers, "pos", normal);
        putFrame(buffers, "neg", anomaly);
        return buffers;
    }

    private static void putFrame(Map<String, NDArray> buffers, String which, Frame frame) {
        buffers.put("token_prefix_" + which, frame.prefix().expandDims(0));
        buffers.put("token_suffix_" + which, frame.suffix().expandDims(0));
        buffers.put("tokenized_prompts_" + which, frame.ids().expandDims(0));
    }

    /**
     * Text features of the two prompts, [2, E] (row 0 normal, row 1 anomaly), not normalised. Differentiable
     * with respect to the learnable tensors when they require gradients.
     */
    public NDArray encode(ClipModel clip) {
        NDArray prompts = NDArrays.concat(new NDList(embed(normal, ctxPos), embed(anomaly, ctxNeg)), 0); // [2,L,W]
        NDArray ids = NDArrays.concat(new NDList(normal.ids(), anomaly.ids()), 0); // [2, L]
        return clip.encodePrompts(prompts, ids, deep);
    }

    /** [SOT] + context + the rest: [1, L, W]. */
    private static NDArray embed(Frame frame, NDArray ctx) {
        NDArray context = ctx.reshape(1, ctx.getShape().get(2), ctx.getShape().get(3)); // [1, n_ctx, W]
        return NDArrays.concat(new NDList(frame.prefix(), context, frame.suffix()), 1);
    }

    @Override
    public void close() {
        manager.close();
    }
}
