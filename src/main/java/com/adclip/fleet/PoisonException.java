package com.adclip.fleet;

/** A message that can never be inspected (bad JSON, a missing or unreadable image): retrying cannot help. */
final class PoisonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PoisonException(String message) {
        super(message);
    }

    PoisonException(String message, Throwable cause) {
        super(message, cause);
    }
}
