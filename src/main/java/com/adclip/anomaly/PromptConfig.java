package com.adclip.anomaly;

/**
 * The shape of AnomalyCLIP's object-agnostic prompts.
 *
 * @param nCtx learnable context vectors in each of the two prompts ({@code n_ctx})
 * @param tNCtx learnable tokens per deep prompt ({@code t_n_ctx})
 * @param depth prompt depth: deep prompts replace tokens before text blocks {@code 1..depth-1}
 * @param classWord the object word in {@code "X … X object."} / {@code "X … X damaged object."}
 */
public record PromptConfig(int nCtx, int tNCtx, int depth, String classWord) {
    public PromptConfig {
        if (nCtx < 1) {
            throw new IllegalArgumentException("n_ctx must be at least 1, got " + nCtx);
        }
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be at least 1, got " + depth);
        }
        if (depth > 1 && tNCtx < 1) {
            throw new IllegalArgumentException("t_n_ctx must be at least 1 when depth > 1, got " + tNCtx);
        }
        if (classWord == null || classWord.isBlank()) {
            throw new IllegalArgumentException("the class word must not be blank");
        }
    }

    /** Number of deep prompts ({@code compound_prompts_text.K}, K = 0 .. depth-2). */
    public int deepPrompts() {
        return depth - 1;
    }

    /** The normal prompt's text: n_ctx placeholder tokens, then the object. */
    String normalText() {
        return placeholders() + " " + classWord + ".";
    }

    /** The anomaly prompt's text. */
    String anomalyText() {
        return placeholders() + " damaged " + classWord + ".";
    }

    private String placeholders() {
        return String.join(" ", java.util.Collections.nCopies(nCtx, "X"));
    }
}
