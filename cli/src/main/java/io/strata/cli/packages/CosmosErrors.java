package io.strata.cli.packages;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Cosmos's error body ({@code {"type": "PackageNotFound", "message": "Package [x] not found", "data": {...}}})
 * as the DC/OS CLI shows it: the message, plus what to do next for the errors a user can fix.
 */
final class CosmosErrors {
    private CosmosErrors() {}

    static String message(JsonNode error) {
        String type = error.path("type").asText("");
        String message = error.path("message").asText("");
        JsonNode data = error.path("data");
        return switch (type) {
            case "PackageNotFound" -> message + ". Find the correct package name using 'dcos package search'";
            case "AmbiguousAppId" -> message + ".\nPlease use --app-id to specify the ID of the app to uninstall, "
                    + "or use --all to uninstall all apps.";
            case "MultipleFrameworkIds" -> message + ". Manually shut them down using 'dcos service shutdown'";
            case "NotImplemented" -> "DC/OS has not been configured to support this operation";
            case "JsonSchemaMismatch" -> schemaMismatch(message, data);
            case "MarathonBadResponse" -> marathon(message, data);
            case "multiple_errors" -> multiple(message, data);
            default -> message;
        };
    }

    /** The options did not fit the package's config.json schema: each violation, then how to fix it. */
    private static String schemaMismatch(String message, JsonNode data) {
        List<String> lines = new ArrayList<>();
        lines.add(message);
        for (JsonNode e : data.path("errors")) {
            if (!e.path("unwanted").isMissingNode() && !e.path("unwanted").isEmpty()) lines.add("Unexpected properties: " + e.get("unwanted"));
            if (e.hasNonNull("found")) lines.add("Found: " + text(e.get("found")));
            if (e.hasNonNull("minimum")) lines.add("Required minimum: " + text(e.get("minimum")));
            if (e.path("expected").isArray() && !e.path("expected").isEmpty()) lines.add("Expected: " + join(e.get("expected"), ","));
            if (e.path("missing").isArray() && !e.path("missing").isEmpty()) lines.add("Required parameter missing: " + join(e.get("missing"), ","));
            String pointer = e.path("instance").path("pointer").asText("");
            if (!pointer.isEmpty()) lines.add("Path: " + pointer.replaceFirst("^/+", "").replace('/', '.'));
        }
        lines.add("");
        lines.add("Please create a JSON file with the appropriate options, and pass the /path/to/file as an --options argument.");
        return String.join("\n", lines);
    }

    /** Marathon refused the app Cosmos rendered: Marathon's own reasons. */
    private static String marathon(String message, JsonNode data) {
        List<String> lines = new ArrayList<>();
        lines.add(message);
        for (JsonNode e : data.path("errors")) {
            if (e.path("error").isTextual()) lines.add(e.get("error").asText());
            else for (JsonNode x : e.path("errors")) lines.add(x.asText());
        }
        return String.join("\n", lines);
    }

    /** Cosmos's request validation (bad headers or body): each problem. */
    private static String multiple(String message, JsonNode data) {
        List<String> parts = new ArrayList<>();
        for (JsonNode e : data.path("errors")) {
            if (e.path("message").isTextual()) parts.add(e.get("message").asText());
        }
        return parts.isEmpty() ? message : message + ": " + String.join("; ", parts);
    }

    private static String join(JsonNode array, String sep) {
        List<String> out = new ArrayList<>();
        array.forEach(x -> out.add(x.asText()));
        return String.join(sep, out);
    }

    private static String text(JsonNode n) {
        return n.isTextual() ? n.asText() : n.toString();
    }
}
