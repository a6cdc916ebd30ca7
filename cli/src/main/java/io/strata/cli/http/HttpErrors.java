package io.strata.cli.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.cli.output.Jsons;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an error answer from Marathon, the master or the gateway into the one line the user sees. Marathon and
 * the gateway answer {@code {"message": ...}} (Marathon's 422 adds {@code details}); the master answers text.
 */
public final class HttpErrors {
    private HttpErrors() {}

    public static String message(String method, String url, int status, String body) {
        JsonNode json = null;
        if (body != null && !body.isBlank()) {
            try {
                json = Jsons.MAPPER.readTree(body);
            } catch (Exception e) {
                json = null;
            }
        }
        String jsonMessage = json == null ? null : json.path("message").asText(null);
        boolean deploymentConflict = jsonMessage == null || jsonMessage.contains("locked") || jsonMessage.contains("deployment");
        if (status == 409 && deploymentConflict) {
            String what = url.contains("/v2/groups") ? "group" : url.contains("/v2/pods") ? "pod" : "app";
            return "Changes blocked: deployment already in progress for " + what
                    + ". Wait for it (dcos marathon deployment list), or override it with --force";
        }
        if (status == 401 || status == 403) {
            return "The cluster refused " + method + " " + path(url) + " (HTTP " + status + "); log in or set a token with: "
                    + "dcos config set core.dcos_acs_token <token>";
        }
        String message = json == null ? null : text(json);
        if (message != null) return message;
        String snippet = body == null ? "" : body.strip();
        if (snippet.length() > 200) snippet = snippet.substring(0, 200) + "...";
        if (status == 404) {
            return "Not found: " + method + " " + url + (snippet.isEmpty() ? "" : " (" + snippet + ")")
                    + "; is core.dcos_url the cluster's gateway? Check with: dcos config show";
        }
        return "HTTP " + status + " from " + method + " " + url + (snippet.isEmpty() ? "" : ": " + snippet.replace('\n', ' '));
    }

    /** The message in a JSON error body, with Marathon's validation details on the same line. */
    static String text(JsonNode json) {
        if (json.isTextual()) return json.asText();
        if (!json.isObject()) return null;
        String message = json.path("message").asText(null);
        List<String> details = new ArrayList<>();
        for (JsonNode d : json.path("details")) {
            String path = d.path("path").asText("");
            List<String> errors = new ArrayList<>();
            for (JsonNode e : d.path("errors")) errors.add(e.asText());
            details.add((path.isEmpty() ? "" : path + ": ") + String.join(", ", errors));
        }
        for (JsonNode e : json.path("errors")) {
            details.add(e.isObject() ? e.path("error").asText(e.toString()) : e.asText());
        }
        if (message == null && details.isEmpty()) return null;
        if (message == null) message = "Invalid request";
        return details.isEmpty() ? message : message + ": " + String.join("; ", details);
    }

    private static String path(String url) {
        int scheme = url.indexOf("://");
        int slash = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
        return slash < 0 ? "/" : url.substring(slash);
    }
}
