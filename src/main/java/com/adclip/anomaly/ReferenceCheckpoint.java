package com.adclip.anomaly;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.adclip.AdclipException;
import com.adclip.clip.ClipTokenizer;
import com.adclip.weights.TorchCheckpoint;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The reference's {@code epoch_N.pth} checkpoints ({@code torch.save({"prompt_learner": state_dict})}):
 * their prompt shape is inferred from the tensors, and their frozen buffers are checked against the CLIP in
 * use, which tells whether they were trained with it.
 *
 * @param file where it was read from
 * @param config n_ctx, t_n_ctx and depth from the tensor shapes; the class word from its token ids
 * @param tensors every tensor of the state dict, by its reference name
 */
public record ReferenceCheckpoint(Path file, PromptConfig config, Map<String, NDArray> tensors) {
    private static final String TOP_KEY = "prompt_learner";
    /** Token embeddings are copied, not computed: they agree exactly when the CLIP is the same. */
    private static final float BUFFER_TOLERANCE = 1e-6f;

    /** Reads a checkpoint into {@code manager}; tensors keep their stored types. */
    public static ReferenceCheckpoint read(Path file, NDManager manager) {
        Map<String, NDArray> tensors = TorchCheckpoint.readStateDict(file, manager, TOP_KEY);
        NDArray ctx = require(file, tensors, "ctx_pos");
        require(file, tensors, "ctx_neg");
        if (ctx.getShape().dimension() != 4) {
            throw new AdclipException(file + ": ctx_pos has shape " + ctx.getShape() + ", expected [1, 1, n_ctx, width]");
        }
        int nCtx = (int) ctx.getShape().get(2);
        int deep = 0;
        while (tensors.containsKey("compound_prompts_text." + deep)) {
            deep++;
        }
        int tNCtx = deep == 0 ? 0 : (int) tensors.get("compound_prompts_text.0").getShape().get(0);
        String classWord = classWord(file, tensors, nCtx);
        return new ReferenceCheckpoint(file, new PromptConfig(nCtx, Math.max(tNCtx, 1), deep + 1, classWord), tensors);
    }

    private static NDArray require(Path file, Map<String, NDArray> tensors, String name) {
        NDArray array = tensors.get(name);
        if (array == null) {
            throw new AdclipException(file + ": not an AnomalyCLIP prompt-learner checkpoint: '" + TOP_KEY + "." + name
                    + "' is missing (it has " + String.join(", ", tensors.keySet()) + ")");
        }
        return array;
    }

    /** Decodes the normal prompt's ids after the n_ctx placeholders: "object." → "object". */
    private static String classWord(Path file, Map<String, NDArray> tensors, int nCtx) {
        NDArray ids = tensors.get("tokenized_prompts_pos");
        if (ids == null) {
            return DetectorConfig.DEFAULT_CLASS_WORD;
        }
        long[] all = ids.toType(DataType.INT64, false).toLongArray();
        int end = 1 + nCtx;
        while (end < all.length && all[end] != ClipTokenizer.EOT) {
            end++;
        }
        int[] word = Arrays.stream(all, 1 + nCtx, end).mapToInt(v -> (int) v).toArray();
        String text = ClipTokenizer.shared().decode(word).trim();
        if (!text.endsWith(".") || text.length() < 2) {
            throw new AdclipException(file + ": cannot read the class word from tokenized_prompts_pos ('" + text + "')");
        }
        return text.substring(0, text.length() - 1).trim();
    }

    /**
     * The prompt learner of this checkpoint on {@code clip}, after checking that it was trained with that CLIP.
     *
     * @param weightsName how to name the CLIP in messages (its file)
     */
    public PromptLearner toLearner(com.adclip.clip.ClipModel clip, NDManager parent, String weightsName) {
        long width = clip.config().text().width();
        long theirs = tensors.get("ctx_pos").getShape().get(3);
        if (theirs != width) {
            throw new AdclipException(file + " was trained with another CLIP: its prompts are " + theirs
                    + " wide but the text tower of " + weightsName + " is " + width + " wide");
        }
        PromptLearner learner = PromptLearner.fromTensors(config, clip, tensors, parent);
        try {
            requireSameClip(learner, weightsName);
        } catch (AdclipException e) {
            learner.close();
            throw e;
        }
        return learner;
    }

    /** Fails unless every explicitly given option equals the checkpoint's own value. */
    public void requireAgreement(Integer nCtx, Integer tNCtx, Integer depth) {
        agree("--n-ctx", nCtx, config.nCtx(), "ctx_pos");
        agree("--t-n-ctx", tNCtx, config.tNCtx(), "compound_prompts_text.0");
        agree("--depth", depth, config.depth(), "the number of compound_prompts_text tensors + 1");
    }

    private void agree(String option, Integer given, int actual, String source) {
        if (given != null && given != actual) {
            throw new AdclipException(file + " was trained with " + option.substring(2) + " " + actual + " (from "
                    + source + ") but " + option + " " + given + " was given; drop the option or use another checkpoint");
        }
    }

    /**
     * Checks the checkpoint's {@code token_prefix_*}, {@code token_suffix_*} and {@code tokenized_prompts_*}
     * against those the learner built from the CLIP in use.
     *
     * @param weightsName how to name the CLIP in the message (its file)
     */
    void requireSameClip(PromptLearner learner, String weightsName) {
        for (Map.Entry<String, NDArray> ours : learner.frozenBuffers().entrySet()) {
            NDArray theirs = tensors.get(ours.getKey());
            if (theirs == null) {
                continue; // older checkpoints may lack buffers; nothing to compare
            }
            float[] a = theirs.toType(DataType.FLOAT32, false).toFloatArray();
            float[] b = ours.getValue().toType(DataType.FLOAT32, false).toFloatArray();
            double worst = a.length == b.length ? maxAbsDiff(a, b) : Double.POSITIVE_INFINITY;
            if (worst > BUFFER_TOLERANCE) {
                throw new AdclipException(file + " was trained with another CLIP: its " + ours.getKey()
                        + " differs from the token embeddings of " + weightsName
                        + (Double.isInfinite(worst) ? " (shape " + theirs.getShape() + " vs " + ours.getValue().getShape()
                                + ")" : " (max |Δ| " + String.format("%.3g", worst) + ")")
                        + "; use the CLIP weights it was trained with");
            }
        }
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }
}
