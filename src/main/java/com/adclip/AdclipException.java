package com.adclip;

/**
 * An error caused by the user's input or environment (a bad file, a missing model, an offline machine).
 *
 * <p>The CLI prints its message as one line on stderr and exits with code 1; the stack trace is shown only
 * with {@code --verbose}. The message must say what is wrong and, where possible, what to do about it.
 */
public class AdclipException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Exit code for a failure. */
    public static final int FAILURE = 1;
    /** Exit code for bad usage: wrong options, or a model/checkpoint that cannot be used as given. */
    public static final int USAGE = 2;

    private final int exitCode;

    public AdclipException(String message) {
        this(message, null, FAILURE);
    }

    public AdclipException(String message, Throwable cause) {
        this(message, cause, FAILURE);
    }

    private AdclipException(String message, Throwable cause, int exitCode) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** The same message as a usage error (exit code 2). */
    public static AdclipException usage(String message, Throwable cause) {
        return new AdclipException(message, cause, USAGE);
    }

    public int exitCode() {
        return exitCode;
    }
}
