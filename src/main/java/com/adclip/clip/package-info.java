/**
 * CLIP itself: the architecture ({@link com.adclip.clip.ClipConfig}), the model blocks (vision tower with
 * AnomalyCLIP's DPAM, text tower with deep prompts) and the BPE tokenizer. Nothing here reads image or weight
 * files; see {@code com.adclip.image} and {@code com.adclip.weights}.
 */
package com.adclip.clip;
