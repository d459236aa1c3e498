/**
 * The inspection station: {@link com.adclip.serve.StationServer} (an embedded Javalin HTTP server with the
 * inspection API, health, readiness, Prometheus metrics, a persistent history and the operator page) and
 * {@link com.adclip.serve.FolderWatcher} (a hot folder that sorts images into OK / NG folders with a journal so a
 * restart neither skips nor repeats a file). The server's route table sits in one method of
 * {@code StationServer}; each resource has a handler ({@code InspectHandler}, {@code BundleHandler} for the
 * threshold and reference images, {@code HistoryHandler}, {@code WatchHandler}, {@code StatusHandler},
 * {@code PageHandler}) and answers with records that Jackson serialises; {@link com.adclip.serve.InspectionAnswer}
 * is the inspection's part, shared with fleet workers. Requests decode and preprocess their image on their own
 * thread; the network runs on one worker thread fed by a bounded queue of prepared images, several at once as a
 * batch when allowed ({@link com.adclip.serve.InspectionQueue}); the model itself is behind
 * {@link com.adclip.serve.Inspector}.
 */
package com.adclip.serve;
