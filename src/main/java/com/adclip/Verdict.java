package com.adclip;

/** The line's answer for one image. {@link #of} is the one place that decides it. */
public enum Verdict {
    /** Score below the threshold. */
    OK,
    /** Score at or above the threshold: not good. */
    NG;

    /** NG when {@code score ≥ threshold}, else OK. */
    public static Verdict of(double score, double threshold) {
        return score >= threshold ? NG : OK;
    }
}
