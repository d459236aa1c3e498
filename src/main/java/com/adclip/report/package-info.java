/**
 * What {@code adclip test} writes for people and tools: {@code metrics.json} / {@code metrics.csv}, the
 * printed table, {@code report.md} and the self-contained {@code report.html} (JFreeChart plots and gallery
 * pictures embedded as {@code data:} URIs). The numbers come from {@link com.adclip.eval}; this package only
 * lays them out, one renderer per format ({@code MetricsJson}, {@code MetricsCsv}, {@code ReportMarkdown},
 * {@code ReportHtml}, {@code PipeTable} for the terminal) over the numbers of one
 * {@link com.adclip.report.EvaluationReport}. {@link com.adclip.report.TestReport} assembles the report of one evaluation pass;
 * {@link com.adclip.report.ResultWriter} writes {@code adclip predict}'s results, maps, overlays and masks.
 * The defect-type section (tables and confusion-matrix pictures) is laid out by {@code TypeSection} and
 * {@code ConfusionMatrixPicture}.
 */
package com.adclip.report;
