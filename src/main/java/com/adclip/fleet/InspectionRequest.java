package com.adclip.fleet;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One inspection request on the input topic, keyed by its id. The image is a claim check ({@code image}: a file
 * path on storage the workers share, or an http(s) URL) or, for small images, the bytes inline
 * ({@code image_base64}), up to the topic's message size limit.
 *
 * @param id unique per request; the result carries it and a redelivery is recognised by it
 * @param image a path or URL, or null when inline
 * @param imageBase64 the image file's bytes in base64, or null
 * @param name a display name for the history (default: the path's or URL's last part)
 * @param threshold an image threshold for this request, or null for the worker's
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InspectionRequest(
        @JsonProperty("id") String id,
        @JsonProperty("image") String image,
        @JsonProperty("image_base64") String imageBase64,
        @JsonProperty("name") String name,
        @JsonProperty("threshold") Double threshold) {
    static final int MAX_ID_LENGTH = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    public InspectionRequest {
        if (id == null || id.isBlank() || id.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException("a request needs an id of 1 to " + MAX_ID_LENGTH + " characters");
        }
        if ((image == null) == (imageBase64 == null)) {
            throw new IllegalArgumentException("request " + id + " needs exactly one of image (a path or URL) and "
                    + "image_base64");
        }
        if (threshold != null && !(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("request " + id + ": threshold must be in [0, 1]");
        }
    }

    /** A claim check: the image stays where it is (a shared path or an http(s) URL). */
    public static InspectionRequest of(String id, String image) {
        return new InspectionRequest(id, image, null, null, null);
    }

    /** The image bytes inline (check the size against the topic with {@link RequestPublisher}). */
    public static InspectionRequest inline(String id, String name, byte[] bytes) {
        return new InspectionRequest(id, null, Base64.getEncoder().encodeToString(bytes), name, null);
    }

    /** This request with its own image threshold. */
    public InspectionRequest withThreshold(double t) {
        return new InspectionRequest(id, image, imageBase64, name, t);
    }

    /** The name shown in the history. */
    String displayName() {
        if (name != null && !name.isBlank()) {
            return name;
        }
        if (image == null) {
            return "inline";
        }
        String last = image.replace('\\', '/');
        last = last.substring(last.lastIndexOf('/') + 1);
        return last.isBlank() ? image : last;
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a request from a message value; anything unusable is a {@link PoisonException}. */
    static InspectionRequest parse(byte[] value) {
        if (value == null || value.length == 0) {
            throw new PoisonException("empty message: send a JSON request such as {\"id\": \"...\", \"image\": "
                    + "\"/shared/line1/0001.png\"}");
        }
        try {
            InspectionRequest request = JSON.readValue(value, InspectionRequest.class);
            if (request == null) {
                throw new PoisonException("the message is JSON null, not a request");
            }
            return request;
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new PoisonException("invalid request: " + cause.getMessage(), e);
        } catch (IOException e) {
            String start = new String(value, 0, Math.min(60, value.length), StandardCharsets.UTF_8);
            throw new PoisonException("not a JSON request (" + e.getClass().getSimpleName() + ") starting with '"
                    + start.replaceAll("\\p{Cntrl}", "?") + "'", e);
        }
    }
}
