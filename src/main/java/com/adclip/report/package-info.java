/**
 * What {@code adclip test} writes for people and tools: {@code metrics.json} / {@code metrics.csv}, the
 * printed table, {@code report.md} and the self-contained {@code report.html} (JFreeChart plots and gallery
 * pictures embedded as {@code data:} URIs). The numbers come from {@link com.adclip.eval}; this package only
 * lays them out.
 */
package com.adclip.report;
