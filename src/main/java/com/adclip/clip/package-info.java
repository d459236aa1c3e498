/**
 * The CLIP model itself: configuration, model blocks, image preprocessing, and the BPE text tokenizer
 * ({@link com.adclip.clip.ClipTokenizer}, which reproduces the reference's ids exactly).
 */
package com.adclip.clip;
