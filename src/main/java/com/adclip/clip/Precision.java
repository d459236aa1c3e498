package com.adclip.clip;

import java.util.Locale;

/**
 * How the frozen image tower runs.
 *
 * <ul>
 *   <li>{@link #EAGER}: float32, one DJL op at a time (the original path; the op order of the reference).
 *   <li>{@link #FP32}: float32, the whole tower as one TorchScript graph with fused attention
 *       ({@code scaled_dot_product_attention}); matches the reference at the golden tolerances.
 *   <li>{@link #BF16}: the same graph with bfloat16 GEMMs; attention in bfloat16 on CPUs with AMX and in
 *       float32 elsewhere ({@link #bf16Attention}); LayerNorm, residual stream and outputs stay float32.
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

    /**
     * Parses {@link #label()} or {@code auto} ({@link #auto}); fails with the list of choices.
     */
    public static Precision parse(String text) {
        String t = text.trim();
        if (t.equalsIgnoreCase("auto")) {
            return auto();
        }
        for (Precision p : values()) {
            if (p.label().equalsIgnoreCase(t)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown precision '" + text + "' (choose auto, fp32, bf16 or eager)");
    }

    /**
     * The fastest mode that keeps the accuracy guard: {@link #BF16} on a CPU with native bfloat16 arithmetic
     * (AVX-512 BF16 or AMX), where libtorch's bf16 GEMMs run at about twice the fp32 rate; {@link #FP32}
     * elsewhere (bf16 would be emulated, and slower than fp32).
     */
    public static Precision auto() {
        return nativeBfloat16(cpuFlags()) ? BF16 : FP32;
    }

    static boolean nativeBfloat16(java.util.Set<String> flags) {
        return flags.contains("avx512_bf16") || flags.contains("amx_bf16");
    }

    /**
     * Whether {@link #BF16} graphs run attention in bfloat16 on this CPU: yes with AMX, where libtorch's CPU flash
     * attention packs bf16 blocks for the tile unit (issue 12: 0.024 s against 0.041 s per ViT-L path); no
     * elsewhere, where it converts its blocks and runs slower than in float32 (AVX-512 BF16 on AMD Zen 4:
     * 0.060 s against 0.056 s per path, measured in issue 12's fourth pass).
     */
    static boolean bf16Attention() {
        return Bf16Attention.ON_THIS_CPU;
    }

    static boolean bf16Attention(java.util.Set<String> flags) {
        return flags.contains("amx_bf16");
    }

    private static final class Bf16Attention {
        static final boolean ON_THIS_CPU = bf16Attention(cpuFlags());
    }

    /** The CPU feature flags from /proc/cpuinfo (empty when unknown, e.g. not Linux). */
    static java.util.Set<String> cpuFlags() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    return java.util.Set.copyOf(java.util.Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+")));
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux, or unreadable: no flags known
        }
        return java.util.Set.of();
    }
}
