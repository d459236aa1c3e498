/**
 * CLIP itself: the architecture ({@link com.adclip.clip.ClipConfig}), the model blocks (vision tower with
 * AnomalyCLIP's DPAM, text tower with deep prompts), the BPE tokenizer and image preprocessing identical to
 * the reference (Pillow + torchvision). Nothing here reads files of weights; see {@code com.adclip.weights}.
 * Optional training augmentation ({@link com.adclip.clip.Augmentation}) transforms an image and its mask
 * alike before that same preprocessing.
 */
package com.adclip.clip;
