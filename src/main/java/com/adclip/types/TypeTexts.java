package com.adclip.types;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.adclip.clip.ClipModel;
import com.adclip.clip.ClipTokenizer;
import com.adclip.clip.Constants;
import com.adclip.clip.VisionFeatures;
import java.util.ArrayList;
import java.util.List;

/**
 * The text path (MultiADS): one text embedding for good and one per defect type, each the normalised mean of the
 * frozen CLIP text tower's normalised embeddings of its prompts (every template × every phrase of the type); per
 * patch p, {@code P(type | p) ∝ Σ_l softmax_{good, types}(⟨f_l(p), t⟩ / T)[type]} over the feature layers l,
 * normalised over the types.
 */
public final class TypeTexts {
    /** Type prompts: {@code {object}} is the class word, {@code {type}} one of the type's phrases. */
    public static final List<String> TEMPLATES = List.of(
            "{object} has a {type} defect.",
            "a photo of a {object} with a {type} defect.",
            "a close-up photo of a {object} with a {type} defect.",
            "a cropped photo of a {object} with a {type}.");
    /** Good prompts. */
    public static final List<String> GOOD_TEMPLATES = List.of(
            "{object} has no defect.",
            "a photo of a flawless {object}.",
            "a close-up photo of a flawless {object}.",
            "a cropped photo of a perfect {object}.");

    private TypeTexts() {}

    /** The prompts of one type (every template × every phrase). */
    public static List<String> prompts(List<String> templates, String object, DefectType type) {
        List<String> out = new ArrayList<>();
        for (String template : templates) {
            for (String phrase : type.phrases()) {
                out.add(template.replace("{object}", object).replace("{type}", phrase));
            }
        }
        return out;
    }

    /** The good prompts. */
    public static List<String> goodPrompts(List<String> templates, String object) {
        return templates.stream().map(t -> t.replace("{object}", object)).toList();
    }

    /** Unit text embeddings [1 + K, E]: good, then the vocabulary's types; in {@code manager}. */
    public static NDArray embed(ClipModel clip, TypesSection section, NDManager manager) {
        NDList rows = new NDList();
        rows.add(mean(clip, goodPrompts(section.goodTemplates(), section.object()), manager));
        for (DefectType type : section.vocabulary()) {
            rows.add(mean(clip, prompts(section.templates(), section.object(), type), manager));
        }
        return NDArrays.stack(rows); // [1 + K, E]
    }

    private static NDArray mean(ClipModel clip, List<String> prompts, NDManager manager) {
        long[][] ids = ClipTokenizer.shared().tokenize(prompts);
        long[] flat = new long[ids.length * ids[0].length];
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(ids[i], 0, flat, i * ids[0].length, ids[0].length);
        }
        NDArray tokens = manager.create(flat, new ai.djl.ndarray.types.Shape(ids.length, ids[0].length)); // [N, L]
        NDArray embedded = clip.encodeText(tokens); // [N, E]
        NDArray mean = unit(embedded).mean(new int[] {0}); // [E]
        return unit(mean); // [E]
    }

    /** Rows divided by their L2 norm along the last axis. */
    static NDArray unit(NDArray x) {
        return x.div(x.norm(new int[] {-1}, true));
    }

    /**
     * Per patch, P(type | p) [B, G², K]: per layer, softmax over good and the K types of unit patch features ·
     * {@code text}ᵀ / temperature, good dropped, summed over the layers and normalised over the types. Class
     * tokens are dropped.
     *
     * @param text [1 + K, E] from {@link #embed}
     */
    public static NDArray patchProbabilities(VisionFeatures features, NDArray text, double temperature) {
        NDArray sum = null;
        for (VisionFeatures.PatchFeatures layer : features.patches()) {
            NDArray patches = unit(layer.tokens().get(new NDIndex(":, 1:, :"))); // [B, G², E]
            NDArray cosine = patches.matMul(text.transpose()); // [B, G², 1 + K]
            NDArray probs = cosine.div(Constants.scalar(cosine, (float) temperature)).softmax(-1); // [B, G², 1 + K]
            NDArray types = probs.get(new NDIndex("..., 1:")); // [B, G², K]
            sum = sum == null ? types : sum.add(types);
        }
        return sum.div(sum.sum(new int[] {-1}, true)); // [B, G², K]
    }
}
