/**
 * A fleet of inspection workers on Apache Kafka ({@code docs/fleet.md}). {@link com.adclip.fleet.FleetWorker}
 * consumes {@link com.adclip.fleet.InspectionRequest}s (a claim check: a file path or an http(s) URL, or the image
 * inline), inspects them through a {@link com.adclip.serve.Inspector}, writes the shared
 * {@link com.adclip.serve.History} and produces one result per request, committing offsets only after both.
 * Poison messages get an error result and go to a dead-letter topic. {@link com.adclip.fleet.PollSizing} derives
 * the consumer's poll limits from the measured seconds per image; {@link com.adclip.fleet.WorkerMetrics} serves
 * Prometheus metrics; {@link com.adclip.fleet.BundleSource} fetches and checks the bundle every worker loads.
 */
package com.adclip.fleet;
