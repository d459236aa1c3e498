/**
 * {@code adclip export}: a trained detector as one self-contained TorchScript graph, from the normalised image
 * tensor to (image score, smoothed anomaly map at S×S), with the prompts' text features baked in, plus a
 * sidecar JSON describing the preprocessing it expects. Plain libtorch or PyTorch ({@code torch.jit.load}) runs
 * it without AD-CLIP.
 */
package com.adclip.export;
