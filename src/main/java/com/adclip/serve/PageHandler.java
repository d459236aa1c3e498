package com.adclip.serve;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** The operator page and the OpenAPI description, served from the class path ({@code station/}). */
final class PageHandler {
    /** Request path to resource name. */
    static final Map<String, String> FILES = Map.of("/", "index.html", "/station.js", "station.js",
            "/station.css", "station.css", "/openapi.json", "openapi.json");

    private PageHandler() {}

    static void serve(Context ctx, String name) throws IOException {
        try (InputStream in = StationServer.class.getResourceAsStream("station/" + name)) {
            if (in == null) {
                ctx.status(404);
                return;
            }
            ctx.header("Cache-Control", "no-cache").header("X-Content-Type-Options", "nosniff")
                    .contentType(type(name)).result(in.readAllBytes());
        }
    }

    private static String type(String name) {
        return name.endsWith(".html") ? "text/html; charset=utf-8"
                : name.endsWith(".js") ? "text/javascript; charset=utf-8"
                : name.endsWith(".css") ? "text/css; charset=utf-8" : "application/json";
    }
}
