package com.adclip.serve;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every station route shares: the API key on {@code /api/} calls, 503 while draining, errors as JSON
 * ({@link ApiError.Body}) and per-route metrics.
 */
final class RouteGuard {
    /** The context attribute that carries an error's reason to the request log. */
    static final String ERROR_REASON = "adclip.error";
    private static final Logger LOG = LoggerFactory.getLogger("adclip.serve");
    private static final String API_KEY_HEADER = "X-API-Key";

    /** A route's work; it may throw {@link ApiError} for an answer other than 200. */
    interface Route {
        void handle(Context ctx) throws Exception;
    }

    private final String apiKey;
    private final StationMetrics metrics;
    private final BooleanSupplier draining;

    RouteGuard(String apiKey, StationMetrics metrics, BooleanSupplier draining) {
        this.apiKey = apiKey;
        this.metrics = metrics;
        this.draining = draining;
    }

    /** A route that needs the API key (when the station has one), counted under {@code name}. */
    Handler api(String name, Route route) {
        return guarded(name, true, route);
    }

    /** A route open to anyone (health and readiness probes), counted under {@code name}. */
    Handler open(String name, Route route) {
        return guarded(name, false, route);
    }

    private Handler guarded(String name, boolean needsKey, Route route) {
        return ctx -> {
            long t0 = System.nanoTime();
            try {
                run(ctx, needsKey, route);
            } finally {
                metrics.request(name, ctx.statusCode(), (System.nanoTime() - t0) / 1e9);
            }
        };
    }

    private void run(Context ctx, boolean needsKey, Route route) {
        try {
            if (draining.getAsBoolean()) {
                throw new ApiError(503, "the station is shutting down", Map.of("Connection", "close"));
            }
            if (needsKey) {
                checkKey(ctx);
            }
            route.handle(ctx);
        } catch (ApiError e) {
            e.headers.forEach(ctx::header);
            error(ctx, e.status, e.getMessage());
        } catch (io.javalin.validation.ValidationException e) {
            error(ctx, 400, "invalid query: " + e.getErrors().keySet() + " " + e.getErrors().values());
        } catch (Exception e) {
            LOG.error("{} {}: internal error", ctx.method(), ctx.path(), e);
            error(ctx, 500, "internal error (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static void error(Context ctx, int status, String reason) {
        ctx.attribute(ERROR_REASON, reason);
        ctx.status(status).json(new ApiError.Body(status, reason));
    }

    private void checkKey(Context ctx) {
        if (apiKey == null) {
            return;
        }
        String given = ctx.header(API_KEY_HEADER);
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                apiKey.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiError(401, given == null ? "this station needs an API key in the " + API_KEY_HEADER
                    + " header" : "wrong API key");
        }
    }
}
