/**
 * The CLIP model blocks, their configuration, the tokenizer and the image preprocessing.
 *
 * <p>Preprocessing ({@link com.adclip.clip.ImagePreprocessor}, {@link com.adclip.clip.PreprocessConfig})
 * reproduces the reference's Pillow 9.4 + torchvision pipeline to the 8-bit level: files are decoded with
 * ImageIO/TwelveMonkeys into Pillow's modes, and resized with our copy of Pillow's fixed-point resampling.
 */
package com.adclip.clip;
