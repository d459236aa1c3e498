package com.adclip.clip;

import java.util.Locale;

/**
 * How the frozen image tower runs.
 *
 * <ul>
 *   <li>{@link #EAGER}: float32, one DJL op at a time (the original path; the op order of the reference).
 *   <li>{@link #FP32}: float32, the whole tower as one TorchScript graph with fused attention
 *       ({@code scaled_dot_product_attention}); matches the reference at the golden tolerances.
 *   <li>{@link #BF16}: the same graph with bfloat16 GEMMs and attention; LayerNorm, residual stream and
 *       outputs stay float32.
 * </ul>
 * Text tower, prompts and everything after the tower stay float32 in every mode.
 */
public enum Precision {
    EAGER,
    FP32,
    BF16;

    /** The option spelling: {@code eager}, {@code fp32}, {@code bf16}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #label()}; fails with the list of choices. */
    public static Precision parse(String text) {
        for (Precision p : values()) {
            if (p.label().equalsIgnoreCase(text.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown precision '" + text + "' (choose fp32, bf16 or eager)");
    }
}
