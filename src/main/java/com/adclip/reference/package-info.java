/**
 * Few-shot reference images (APRIL-GAN's few-shot branch on AnomalyCLIP's features): a memory bank of the
 * patch features of good images per feature block, the bank map {@code A_ref(p) = Σ_l min_m (1 − cos(f_l(p), m))}
 * fused with the prompt map, the online normalisation of its image score from the references' own
 * leave-one-out distances, and the greedy k-center coreset that bounds the bank's size.
 *
 * <p>The features are exactly those the prompt maps use: {@link com.adclip.clip.VisionFeatures.PatchFeatures#tokens()}
 * of each feature block (the block's output — the V-V path for a DPAM block —, {@code ln_post},
 * {@code @ visual.proj}), class token dropped, each patch divided by its L2 norm. See
 * {@code docs/reference-images.md}.
 */
package com.adclip.reference;
