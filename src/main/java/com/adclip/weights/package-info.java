/**
 * CLIP weights and where they come from: the three file formats people have (OpenAI TorchScript archives,
 * safetensors with OpenAI/open_clip names, Hugging Face {@code CLIPModel} directories) read into one
 * {@link com.adclip.weights.ClipWeights} with the architecture derived from the tensors; the reference's
 * {@code torch.save} checkpoints read safely ({@link com.adclip.weights.TorchCheckpoint}, an allow-listed
 * unpickler); the registry of OpenAI's released CLIP ViTs ({@link com.adclip.weights.ModelRegistry}), the
 * local weight cache ({@link com.adclip.weights.ModelCache}) and the resumable, checksum-verified download
 * into it ({@link com.adclip.weights.Downloader}).
 */
package com.adclip.weights;
