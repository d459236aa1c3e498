/**
 * Synthetic data with exact ground truth: {@link com.adclip.synth.SynthGenerator} renders procedural products
 * (a machined disc, woven fabric, a circuit board, a printed label, a bottle cap) with named defects, their
 * pixel masks and boxes, in the MVTec AD layout plus a {@code meta.json} index ({@code adclip synth});
 * {@link com.adclip.synth.SyntheticAnomaly} pastes DRAEM-style anomalies (thresholded Perlin regions filled
 * with a texture, a colour shift or another part of the image) into good images for training without real
 * defects. Everything is deterministic from a seed. The user documentation is {@code docs/synthetic-data.md}.
 */
package com.adclip.synth;
