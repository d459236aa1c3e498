package com.adclip;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for work handed to another thread, with its failure rethrown as the task threw it. */
public final class Futures {
    private Futures() {}

    /**
     * The task's result; its unchecked exception or error is rethrown as it was thrown, a checked one wrapped.
     *
     * @param doing what the wait is for, in the message when the waiting thread is interrupted
     */
    public static <T> T await(Future<T> future, String doing) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdclipException("interrupted while " + doing, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new AdclipException(String.valueOf(e.getCause().getMessage()), e.getCause());
        }
    }
}
