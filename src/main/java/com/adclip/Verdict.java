package com.adclip;

/** The line's answer for one image. */
public enum Verdict {
    /** Score below the threshold. */
    OK,
    /** Score at or above the threshold: not good. */
    NG
}
