/** Benchmarks behind {@code adclip bench}: training epochs and streaming pixel metrics. */
package com.adclip.bench;
