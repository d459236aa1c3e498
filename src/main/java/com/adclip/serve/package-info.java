/**
 * The inspection station: {@link com.adclip.serve.StationServer} (an embedded Javalin HTTP server with the
 * inspection API, health, readiness, Prometheus metrics, a persistent history and the operator page) and
 * {@link com.adclip.serve.FolderWatcher} (a hot folder that sorts images into OK / NG folders with a journal so a
 * restart neither skips nor repeats a file). Inference runs on one worker thread fed by a bounded queue
 * ({@link com.adclip.serve.InspectionQueue}); the model itself is behind {@link com.adclip.serve.Inspector}.
 */
package com.adclip.serve;
