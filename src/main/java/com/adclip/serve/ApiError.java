package com.adclip.serve;

import java.util.Map;

/** An answer other than 200: its status, a reason for the client, and headers such as Retry-After. */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final transient Map<String, String> headers;

    ApiError(int status, String reason) {
        this(status, reason, Map.of());
    }

    ApiError(int status, String reason, Map<String, String> headers) {
        super(reason);
        this.status = status;
        this.headers = headers;
    }

    /** The JSON body of an error answer. */
    record Body(int status, String error) {}
}
