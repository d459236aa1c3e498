/**
 * AD-CLIP's public Java API: {@link com.adclip.Detector} (built with {@link com.adclip.Detector#builder()}),
 * its answers ({@link com.adclip.Inspection}) and the verdict rule ({@link com.adclip.Verdict#of}).
 * {@link com.adclip.InspectionPipeline} overlaps decoding of the next batch and handling (writing) of the last
 * with inference, for predict (its expanded inputs, failed ones in their places) and bench.
 * See docs/java-api.md.
 */
package com.adclip;
