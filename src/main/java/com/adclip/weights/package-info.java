/**
 * CLIP weights: the registry of OpenAI's released CLIP ViTs ({@link com.adclip.weights.ModelRegistry},
 * {@link com.adclip.weights.ModelSpec}), the local weight cache ({@link com.adclip.weights.ModelCache}) and the
 * resumable, checksum-verified download into it ({@link com.adclip.weights.Downloader}).
 */
package com.adclip.weights;
