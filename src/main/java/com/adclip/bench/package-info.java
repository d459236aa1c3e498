/**
 * Benchmarks behind {@code adclip bench}: the vision encoder, predict's whole path (with its stage times),
 * predict's overlapped throughput against the network's own rate ({@code --throughput}), the station's images/s under
 * concurrent clients ({@link com.adclip.bench.ServeBench}, {@code --serve-clients}), tiled
 * prediction ({@link com.adclip.bench.TiledBench}), a precision mode against fp32
 * ({@link com.adclip.bench.AccuracyBench}), training epochs, the reference bank and streaming pixel
 * metrics. Each run returns the one JSON line the command prints; timings are never asserted in tests.
 */
package com.adclip.bench;
