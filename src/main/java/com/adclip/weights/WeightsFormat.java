package com.adclip.weights;

/** Where a {@link ClipWeights} came from. */
public enum WeightsFormat {
    /** OpenAI's released TorchScript archive ({@code ViT-B-16.pt}, ...), read with libtorch. */
    OPENAI_TORCHSCRIPT,
    /** A safetensors file with OpenAI / open_clip tensor names. */
    SAFETENSORS,
    /** A Hugging Face {@code CLIPModel}: {@code model.safetensors} plus {@code config.json}. */
    HUGGINGFACE,
    /** Built by {@link ClipWeights#random}, not read from a file. */
    RANDOM
}
