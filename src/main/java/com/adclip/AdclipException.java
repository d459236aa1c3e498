package com.adclip;

/**
 * An error caused by the user's input or environment (a bad file, a missing model, an offline machine).
 *
 * <p>The CLI prints its message as one line on stderr and exits with code 1; the stack trace is shown only
 * with {@code --verbose}. The message must say what is wrong and, where possible, what to do about it.
 */
public class AdclipException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AdclipException(String message) {
        super(message);
    }

    public AdclipException(String message, Throwable cause) {
        super(message, cause);
    }
}
