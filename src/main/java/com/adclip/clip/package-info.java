/**
 * CLIP itself: the architecture ({@link com.adclip.clip.ClipConfig}), the model blocks (vision tower with
 * AnomalyCLIP's DPAM, text tower with deep prompts) and the BPE tokenizer. Nothing here reads image or weight
 * files; see {@code com.adclip.image} and {@code com.adclip.weights}. In fp32/bf16 the image tower runs as one
 * TorchScript graph ({@code CompiledVisionTower}, source from {@code TowerSource}); once it is built, weights that
 * the model owns ({@link com.adclip.clip.ClipParameters#release}) drop their float32 copy of the tower (peak RSS).
 */
package com.adclip.clip;
