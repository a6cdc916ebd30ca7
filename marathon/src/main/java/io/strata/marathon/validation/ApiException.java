package io.strata.marathon.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;

/** A request Marathon refuses: the HTTP status and the JSON body Marathon answers with. */
public final class ApiException extends RuntimeException {
    private final int status;
    private final transient JsonNode body;

    public ApiException(int status, JsonNode body) {
        super(body.path("message").asText(body.toString()), null, false, false);
        this.status = status;
        this.body = body;
    }

    public static ApiException message(int status, String message) {
        ObjectNode o = Json.object();
        o.put("message", message);
        return new ApiException(status, o);
    }

    public static ApiException notFound(String message) {
        return message(404, message);
    }

    public static ApiException appNotFound(Object id) {
        return notFound("App '" + id + "' does not exist");
    }

    public static ApiException badRequest(String message) {
        return message(400, message);
    }

    public static ApiException conflict(String message) {
        return message(409, message);
    }

    public int status() {
        return status;
    }

    public JsonNode body() {
        return body;
    }
}
