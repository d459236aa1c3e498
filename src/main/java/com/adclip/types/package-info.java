/**
 * Defect types (issue 15; user documentation {@code docs/defect-types.md}): which kind of defect a region or an
 * image shows, as a probability per type name.
 *
 * <ul>
 *   <li>{@link com.adclip.types.TypeVocabulary}: the product's type names (from the training data's defect folders
 *       and {@code --defect-types}), each with the phrases its text prompts use.</li>
 *   <li>{@link com.adclip.types.TypeTexts}: the text path (MultiADS): per type, the frozen CLIP text tower's
 *       embedding of prompt templates, averaged; per patch, {@code Σ_l softmax(⟨f_l(p), t⟩ / 0.01)} over good and
 *       the types.</li>
 *   <li>{@link com.adclip.types.TypePrototypes}: the visual path: patch features inside the labelled defect regions
 *       of the training images, per type, and each patch's cosine distance to the nearest one of every type.</li>
 *   <li>{@link com.adclip.types.TypeFusion}: post-processing: the two paths fused into one
 *       {@link com.adclip.types.TypeDistribution} per region, the "unknown" rule, the area-weighted image
 *       distribution.</li>
 *   <li>{@link com.adclip.types.DefectTypes}: all of it for one bundle, with what the bundle stores
 *       ({@link com.adclip.types.TypesSection} in the manifest, prototypes in {@code types.safetensors}).</li>
 * </ul>
 *
 * <p>This package depends on the CLIP model and its features only; {@code com.adclip.anomaly} calls it.
 */
package com.adclip.types;
