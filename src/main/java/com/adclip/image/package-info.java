/**
 * Images: reading files as Pillow does ({@link com.adclip.image.ImageLoader}), Pillow-exact resampling, the
 * reference's preprocessing ({@link com.adclip.image.ImagePreprocessor}) and optional training augmentation
 * ({@link com.adclip.image.Augmentation}), which transforms an image and its mask alike before that same
 * preprocessing.
 */
package com.adclip.image;
