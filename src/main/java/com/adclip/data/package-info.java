/**
 * Datasets for few-shot training and evaluation: {@link com.adclip.data.DatasetLoader} reads the reference's
 * {@code meta.json} index, the MVTec AD and VisA layouts, or a plain folder of {@code good/} and defect folders
 * with mask PNGs or box/polygon annotations (rasterised exactly, see {@link com.adclip.data.MaskShape}) into a
 * {@link com.adclip.data.Dataset} of {@link com.adclip.data.Sample}s; {@link com.adclip.data.MetaJson} writes
 * the reference's index back, and {@link com.adclip.data.DatasetInspection} lists a dataset's problems. The
 * user documentation of the layouts is {@code docs/datasets.md}. {@link com.adclip.data.InputFiles} expands
 * {@code predict}'s and {@code reference}'s inputs (files, folders, globs) into image files with output names.
 */
package com.adclip.data;
