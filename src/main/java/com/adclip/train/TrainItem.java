package com.adclip.train;

import java.nio.file.Path;

/**
 * One training or validation image as the trainer sees it.
 *
 * @param image the file
 * @param contentHash sha256 of its bytes (the cache key's content part)
 * @param anomalous its image-level label
 * @param mask the ground-truth mask at S×S (0/1 per pixel, row-major), or null when the image has no pixel
 *     ground truth (it then trains the image-level loss only); good images have an all-zero mask
 */
public record TrainItem(Path image, String contentHash, boolean anomalous, byte[] mask) {}
