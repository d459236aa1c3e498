package com.adclip.serve;

import com.adclip.AdclipException;
import com.adclip.anomaly.Bundle;
import com.adclip.files.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The station's writes into its bundle, both behind the API key: {@code POST /api/v1/threshold} saves the image
 * threshold, {@code POST /api/v1/reference} adds the uploaded image to the reference bank.
 */
final class BundleHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    record ThresholdSaved(double threshold, String bundle, String backup) {}

    record ReferenceAdded(String sha256, int images, String bundle, String backup) {}

    private final StationServer.Config config;
    private final Inspector inspector;
    private final ReferenceStore references;
    private final Uploads uploads;

    /** @param references null when the bundle has no bank (adding answers 409) */
    BundleHandler(StationServer.Config config, Inspector inspector, ReferenceStore references, Uploads uploads) {
        this.config = config;
        this.inspector = inspector;
        this.references = references;
        this.uploads = uploads;
    }

    void saveThreshold(Context ctx) {
        if (config.apiKey() == null) {
            throw new ApiError(403, "saving the threshold needs the station to be started with --api-key");
        }
        if (config.bundle() == null) {
            throw new ApiError(409, "the station was started without a bundle; there is nothing to save into");
        }
        double threshold = threshold(ctx.body());
        Path backup = Bundle.saveImageThreshold(config.bundle(), threshold, inspector.fused(),
                inspector.mapThreshold());
        inspector.setThreshold(threshold);
        ctx.json(new ThresholdSaved(inspector.threshold(), config.bundle().getFileName().toString(),
                backup.getFileName().toString()));
    }

    /** The {@code threshold} of a JSON body, in [0, 1]. */
    private static double threshold(String body) {
        JsonNode tree;
        try {
            tree = JSON.readTree(body);
        } catch (IOException e) {
            throw new ApiError(400, "send JSON such as {\"threshold\": 0.42}");
        }
        JsonNode t = tree == null ? null : tree.get("threshold");
        if (t == null || !t.isNumber() || !(t.asDouble() >= 0 && t.asDouble() <= 1)) {
            throw new ApiError(400, "threshold must be a number in [0, 1]");
        }
        return t.asDouble();
    }

    /** The image in the request (as for inspect) becomes a good reference image of the bundle's bank. */
    void addReference(Context ctx) throws IOException {
        if (config.apiKey() == null) {
            throw new ApiError(403, "adding reference images needs the station to be started with --api-key");
        }
        if (config.bundle() == null || references == null) {
            throw new ApiError(409, "the station's bundle has no reference bank; create one with adclip reference "
                    + "add, then restart the station");
        }
        Uploads.Upload upload = uploads.receive(ctx);
        ImageSniffer.Format format = ImageSniffer.sniff(upload.bytes()).orElseThrow(() -> new ApiError(415,
                "not a supported image (PNG, JPEG, BMP, TIFF, WebP or GIF)"));
        Path file = uploads.write("reference-", format.extension, upload.bytes());
        ReferenceStore.Added added;
        try {
            synchronized (Bundle.class) { // one writer of the bundle at a time (threshold saves too)
                added = references.add(file, upload.name());
            }
        } catch (Inspector.ImageRejectedException e) {
            throw new ApiError(400, e.getMessage().replace(file.toString(), "the upload"));
        } catch (IllegalStateException | AdclipException e) {
            throw new ApiError(409, e.getMessage());
        } finally {
            AtomicFiles.deleteQuietly(file);
        }
        ctx.json(new ReferenceAdded(added.sha256(), added.images(), added.bundle(), added.backup()));
    }
}
