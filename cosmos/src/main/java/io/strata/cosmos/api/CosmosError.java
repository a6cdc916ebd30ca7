package io.strata.cosmos.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;

/**
 * A failure the API reports as Cosmos does: {@code {"type": ..., "message": ..., "data": {...}}} with the
 * error media type and Cosmos' status for that type (400 unless the type says otherwise).
 */
public final class CosmosError extends RuntimeException {
    private final String type;
    private final int status;
    private final ObjectNode data;

    public CosmosError(String type, int status, String message, ObjectNode data) {
        super(message);
        this.type = type;
        this.status = status;
        this.data = data;
    }

    public String type() {
        return type;
    }

    public int status() {
        return status;
    }

    public ObjectNode data() {
        return data;
    }

    public ObjectNode body() {
        ObjectNode o = Json.object();
        o.put("type", type);
        o.put("message", getMessage());
        if (data != null) o.set("data", data);
        return o;
    }

    private static ObjectNode data(Object... kv) {
        ObjectNode o = Json.object();
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            if (v instanceof JsonNode n) o.set((String) kv[i], n);
            else if (v instanceof Integer n) o.put((String) kv[i], n);
            else if (v != null) o.put((String) kv[i], v.toString());
        }
        return o;
    }

    // The errors, named and worded as Cosmos names them.

    public static CosmosError packageNotFound(String name) {
        return new CosmosError("PackageNotFound", 400, "Package [" + name + "] not found", data("packageName", name));
    }

    public static CosmosError versionNotFound(String name, String version) {
        return new CosmosError("VersionNotFound", 400, "Version [" + version + "] of package [" + name + "] not found",
                data("packageName", name, "packageVersion", version));
    }

    public static CosmosError packageAlreadyInstalled() {
        return new CosmosError("PackageAlreadyInstalled", 409, "Package is already installed", null);
    }

    public static CosmosError packageNotInstalled(String name) {
        return new CosmosError("PackageNotInstalled", 400, "Package [" + name + "] is not installed", data("packageName", name));
    }

    public static CosmosError uninstallNonExistentApp(String name, String appId) {
        return new CosmosError("UninstallNonExistentAppForPackage", 400,
                "Package [" + name + "] with id [" + appId + "] is not installed", data("packageName", name, "appId", appId));
    }

    public static CosmosError ambiguousAppId(String name, java.util.List<String> appIds) {
        var ids = Json.MAPPER.createArrayNode();
        appIds.forEach(ids::add);
        return new CosmosError("AmbiguousAppId", 400,
                "Multiple apps named [" + name + "] are installed: [" + String.join(", ", appIds) + "]",
                data("packageName", name, "appIds", ids));
    }

    public static CosmosError jsonSchemaMismatch(JsonNode errors) {
        return new CosmosError("JsonSchemaMismatch", 400, "Options JSON failed validation", data("errors", errors));
    }

    public static CosmosError optionsNotAllowed() {
        return new CosmosError("OptionsNotAllowed", 400, "No schema available to validate the provided options", null);
    }

    public static CosmosError templateMustBeJsonObject() {
        return new CosmosError("MarathonTemplateMustBeJsonObject", 400, "Rendered Marathon JSON must be a JSON object", null);
    }

    public static CosmosError jsonParsingError(String underlyingType, String reason, String input) {
        return new CosmosError("JsonParsingError", 400, "Unable to parse the string as a JSON value",
                data("underlyingType", underlyingType, "parsingErrorMessage", reason, "parsingInput", input));
    }

    public static CosmosError repositoryAlreadyPresent(String name, String uri) {
        ObjectNode d = data("name", name, "uri", uri);
        String msg = name != null && uri != null
                ? "Repository name [" + name + "] and URI [" + uri + "] are both already present in the list"
                : name != null ? "Repository name [" + name + "] is already present in the list"
                : "Repository URI [" + uri + "] is already present in the list";
        return new CosmosError("RepositoryAlreadyPresent", 400, msg, d);
    }

    public static CosmosError repositoryNotPresent(String name, String uri) {
        ObjectNode d = data("name", name, "uri", uri);
        String msg = name != null && uri != null
                ? "Neither repository name [" + name + "] nor URI [" + uri + "] are present in the list"
                : name != null ? "Repository name [" + name + "] is not present in the list"
                : "Repository URI [" + uri + "] is not present in the list";
        return new CosmosError("RepositoryNotPresent", 400, msg, d);
    }

    public static CosmosError repoNameOrUriMissing() {
        return new CosmosError("RepoNameOrUriMissing", 400, "Must specify either the name or URI of the repository", null);
    }

    public static CosmosError repositoryAddIndexOutOfBounds(int attempted, int max) {
        String suggestion = max == 0 ? "can be at most 0" : "must be between 0 and " + max + " inclusive.";
        return new CosmosError("RepositoryAddIndexOutOfBounds", 400,
                "Index (" + attempted + ") is out of range. Index value " + suggestion, data("attempted", attempted, "max", max));
    }

    public static CosmosError unsupportedRepositoryUri(String uri, String allowed) {
        return new CosmosError("UnsupportedRepositoryUri", 400,
                "Repository URI [" + uri + "] uses an unsupported scheme. Only " + allowed + " are supported", data("uri", uri));
    }

    private static ObjectNode repo(String name, String uri) {
        return data("name", name, "uri", uri);
    }

    public static CosmosError repositoryUriSyntax(String name, String uri, String cause) {
        return new CosmosError("RepositoryUriSyntax", 400,
                "URI for repository [" + name + "] has invalid syntax: " + uri, data("repository", repo(name, uri), "cause", cause));
    }

    public static CosmosError repositoryUriConnection(String name, String uri, String cause) {
        return new CosmosError("RepositoryUriConnection", 400,
                "Could not access data at URI for repository [" + name + "]: " + uri, data("repository", repo(name, uri), "cause", cause));
    }

    public static CosmosError universeClientHttpError(String name, String uri, int clientStatus, int status) {
        return new CosmosError("UniverseClientHttpError", status,
                "Unexpected upstream http error while fetching repository '" + name + "' at " + uri + ": GET " + clientStatus,
                data("packageRepository", repo(name, uri), "method", "GET", "clientStatus", clientStatus, "status", status));
    }

    public static CosmosError unsupportedRepositoryContentType(String name, String uri, String actual) {
        var supported = Json.MAPPER.createArrayNode();
        for (int v : new int[] {5, 4, 3}) supported.add(MediaTypes.universeRepo(v).toString());
        supported.add(MediaTypes.ZIP.toString());
        return new CosmosError("UnsupportedContentType", 400,
                "Unsupported Content-Type: " + actual + " Accept: " + supported,
                data("supported", supported, "actual", actual, "repository", repo(name, uri)));
    }

    /** A repository whose content is not a Universe repository (bad JSON, missing fields, a broken zip). */
    public static CosmosError repositoryMalformed(String name, String uri, String cause) {
        return new CosmosError("IndexNotFound", 400,
                "Repository [" + name + "] at " + uri + " is not a valid Universe repository: " + cause,
                data("repository", repo(name, uri), "cause", cause));
    }

    public static CosmosError marathonBadResponse(String message, JsonNode details) {
        ObjectNode d = null;
        if (details != null && !details.isMissingNode() && !details.isNull()) d = data("errors", details);
        return new CosmosError("MarathonBadResponse", 400, message, d);
    }

    public static CosmosError marathonBadGateway(int marathonStatus) {
        return new CosmosError("MarathonBadGateway", 502, "Received response status code " + marathonStatus + " from Marathon",
                data("marathonStatus", marathonStatus));
    }

    public static CosmosError marathonGenericError(int marathonStatus) {
        return new CosmosError("MarathonGenericError", 500, "Received response status code " + marathonStatus + " from Marathon",
                data("marathonStatus", marathonStatus));
    }

    public static CosmosError serviceUnavailable(String service) {
        return new CosmosError("ServiceUnavailable", 503,
                "Unable to complete request due to service [" + service + "] unavailability", data("serviceName", service));
    }

    public static CosmosError marathonAppDeleteError(String appId) {
        return new CosmosError("MarathonAppDeleteError", 400, "Error while deleting marathon app '" + appId + "'", data("appId", appId));
    }

    /** Finch's header and body errors, which Cosmos answers with these lower-case types and 400. */
    public static CosmosError notValid(String item, String rule) {
        return new CosmosError("not_valid", 400, "Item " + item + " deemed invalid by rule: " + rule, null);
    }

    public static CosmosError notPresent(String item) {
        return new CosmosError("not_present", 400, "Item " + item + " not present but required", null);
    }

    public static CosmosError jsonParse(String reason) {
        return new CosmosError("json_error", 400, "Json parsing failure '" + reason + "'", data("type", "parse", "reason", reason));
    }

    public static CosmosError jsonDecode(String reason, String path) {
        return new CosmosError("json_error", 400, "Json decoding failure '" + reason + "' at: " + path,
                data("type", "decode", "reason", reason, "path", path));
    }
}
