/**
 * CLIP weights: reading the three formats people have (OpenAI TorchScript {@code ViT-*.pt}, safetensors with
 * OpenAI/open_clip names, Hugging Face {@code CLIPModel} directories), deriving the architecture from tensor
 * shapes as the reference's {@code build_model} does, validating every tensor, and building random weights
 * of a given architecture. Everything is exposed as float32 tensors under OpenAI names via
 * {@link com.adclip.weights.ClipWeights}.
 */
package com.adclip.weights;
