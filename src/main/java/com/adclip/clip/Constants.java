package com.adclip.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Constant tensors that may enter an autograd graph.
 *
 * <p>DJL's scalar overloads ({@code x.mul(2)}, {@code x.div(t)}, ...) wrap the number in a 0-d tensor whose data
 * is a JVM direct buffer that libtorch borrows ({@code from_blob}), and close it at once. Autograd keeps that
 * tensor for the backward pass, but nothing keeps the buffer alive: after a garbage collection backward reads
 * freed memory (a random NaN, or a silently different model). The same holds for any tensor made from Java data
 * ({@code manager.create(float[])}) that a graph keeps after its Java handle is gone.
 *
 * <p>The tensors made here own their memory on the libtorch side ({@code torch::full}, {@code clone}); autograd
 * holds a reference to them, so they stay valid until backward whatever happens to their Java handle or manager.
 * Never use the {@code Number} overloads on a path that can be differentiated; a test scans the bytecode.
 */
public final class Constants {
    private Constants() {}

    /** A 0-d float32 tensor holding {@code value}, in libtorch-owned memory, attached to {@code manager}. */
    public static NDArray scalar(NDManager manager, float value) {
        return manager.full(new Shape(), value);
    }

    /** {@link #scalar(NDManager, float)} in the manager of {@code like}. */
    public static NDArray scalar(NDArray like, float value) {
        return scalar(like.getManager(), value);
    }

    /**
     * A libtorch-owned copy of {@code fromJava} (an array created from Java data, which only borrows its JVM
     * buffer), in the same manager; {@code fromJava} is closed.
     */
    public static NDArray owned(NDArray fromJava) {
        NDArray copy = fromJava.duplicate();
        fromJava.close();
        return copy;
    }
}
