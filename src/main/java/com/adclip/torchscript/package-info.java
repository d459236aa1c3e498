/**
 * Writes TorchScript archives (the zip that {@code torch.jit.save} writes and libtorch's {@code torch::jit::load}
 * reads): TorchScript source, a pickled module object with its tensors, and the raw tensor storages. Our own
 * graphs (the fast vision tower, exported detectors) are built this way, so that libtorch compiles and runs them
 * as one graph while Java only ever hands it float32 tensors. Storages are float32, float64, bfloat16 (rounded
 * while writing) or int8; a float32 libtorch buffer is streamed in chunks, without a copy on the Java heap.
 */
package com.adclip.torchscript;
