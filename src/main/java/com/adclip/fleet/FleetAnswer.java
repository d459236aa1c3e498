package com.adclip.fleet;

import com.adclip.serve.InspectionAnswer;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * A worker's result on the results topic: the station's inspection fields ({@link InspectionAnswer}), then the
 * history id, the request and the worker ({@code docs/fleet.md}).
 *
 * @param time when the history stored it (ISO-8601)
 */
record FleetAnswer(@JsonUnwrapped InspectionAnswer inspection, long id, @JsonProperty("request_id") String requestId,
        String name, @JsonProperty("bundle_sha256") String bundleSha256, String worker, String time) {

    /**
     * The result for a message that cannot be inspected (it also goes to the dead-letter topic).
     *
     * @param source topic-partition@offset of the message
     */
    record Error(@JsonProperty("request_id") String requestId, String error, int status, String source,
            @JsonProperty("bundle_sha256") String bundleSha256, String worker) {}
}
