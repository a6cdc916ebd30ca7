package io.strata.cli.packages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.cli.Cli;
import io.strata.cli.CliException;
import io.strata.cli.http.Http;
import io.strata.cli.http.HttpErrors;
import io.strata.cli.output.Jsons;
import java.util.Locale;
import java.util.Map;

/**
 * Cosmos, the cluster's package manager, as the DC/OS CLI calls it: every call is a {@code POST /package/<rpc>}
 * whose body and answer are typed by versioned media types ({@code Content-Type:
 * application/vnd.dcos.package.install-request+json;charset=utf-8;version=v1}, {@code Accept:
 * ...install-response+json;charset=utf-8;version=v2}). Where the CLI knows several versions of an answer
 * (describe: v3, then v2) it asks for the newest first and falls back when Cosmos refuses the {@code Accept}
 * header. Cosmos's errors ({@code {"type", "message", "data"}}) become the one line the DC/OS CLI prints.
 */
public final class CosmosClient {
    static final String ERROR_TYPE = "application/vnd.dcos.package.error+json";
    private static final String PREFIX = "application/vnd.dcos.package.";

    private final Http http;
    private final String base;

    /** A successful answer: its JSON and the version of the media type it came in. */
    public record Answer(JsonNode json, int version) {}

    public CosmosClient(Http http, String baseUrl) {
        this.http = http;
        this.base = trim(baseUrl);
    }

    /** Cosmos at {@code package.cosmos_url}, else behind the cluster's gateway ({@code core.dcos_url}). */
    public static CosmosClient of(Cli cli) {
        String u = cli.config().string("package.cosmos_url");
        return new CosmosClient(cli.http(), u != null && !u.isBlank() ? u : cli.dcosUrl());
    }

    public String baseUrl() {
        return base;
    }

    /** {@code application/vnd.dcos.package.<name>+json;charset=utf-8;version=v<n>}; {@code name} like {@code repository.add-request}. */
    public static String mediaType(String name, int version) {
        return PREFIX + name + "+json;charset=utf-8;version=v" + version;
    }

    // the RPCs

    /** {@code /package/describe}: {@code {"package": {...}}} (v3) or the package itself (v2). */
    public Answer describe(String name, String version) {
        ObjectNode body = Jsons.object().put("packageName", name);
        if (version != null) body.put("packageVersion", version);
        return call("describe", body, 3, 2);
    }

    /** The package definition in a describe answer, whichever version it came in. */
    public static JsonNode packageOf(Answer describe) {
        JsonNode p = describe.json().get("package");
        return p != null && p.isObject() ? p : describe.json();
    }

    public JsonNode listVersions(String name) {
        return call("list-versions", Jsons.object().put("packageName", name).put("includePackageVersions", true), 1).json();
    }

    /** {@code /package/render}: the app Cosmos would give Marathon ({@code marathonJson}). */
    public JsonNode render(String name, String version, JsonNode options, String appId) {
        return call("render", request(name, version, options, appId), 1).json().path("marathonJson");
    }

    /** {@code /package/install} (answer v2: {@code packageName, packageVersion, appId, postInstallNotes, cli}). */
    public JsonNode install(String name, String version, JsonNode options, String appId) {
        return call("install", request(name, version, options, appId), 2).json();
    }

    /** {@code /package/uninstall}: {@code {"results": [{packageName, appId, packageVersion, postUninstallNotes}]}}. */
    public JsonNode uninstall(String name, String appId, boolean all) {
        ObjectNode body = Jsons.object().put("packageName", name);
        if (appId != null) body.put("appId", appId);
        if (all) body.put("all", true);
        return call("uninstall", body, 1).json();
    }

    /** {@code /package/list}: {@code {"packages": [{appId, packageInformation: {packageDefinition}}]}}. */
    public JsonNode list(String name, String appId) {
        ObjectNode body = Jsons.object();
        if (name != null) body.put("packageName", name);
        if (appId != null) body.put("appId", appId);
        return call("list", body, 1).json();
    }

    public JsonNode search(String query) {
        return call("search", Jsons.object().put("query", query == null ? "" : query), 1).json();
    }

    public JsonNode repositories() {
        return call("repository/list", Jsons.object(), 1).json();
    }

    public JsonNode addRepository(String name, String uri, Integer index) {
        ObjectNode body = Jsons.object().put("name", name).put("uri", uri);
        if (index != null) body.put("index", index);
        return call("repository/add", body, 1).json();
    }

    public JsonNode deleteRepository(String name) {
        return call("repository/delete", Jsons.object().put("name", name), 1).json();
    }

    private static ObjectNode request(String name, String version, JsonNode options, String appId) {
        ObjectNode body = Jsons.object().put("packageName", name);
        if (version != null) body.put("packageVersion", version);
        if (options != null) body.set("options", options);
        if (appId != null) body.put("appId", appId);
        return body;
    }

    // the protocol

    /**
     * POSTs to {@code /package/<rpc>} asking for the answer's media type in each of {@code versions} in turn: a
     * Cosmos that does not know a version refuses the {@code Accept} header (400 naming it, or 406), and the next
     * one is tried.
     */
    public Answer call(String rpc, JsonNode body, int... versions) {
        String url = base + "/package/" + rpc;
        String type = rpc.replace('/', '.');
        String text = Jsons.compact(body);
        for (int i = 0; i < versions.length; i++) {
            String accept = mediaType(type + "-response", versions[i]);
            Http.Reply r = http.exchange("POST", url,
                    Map.of("Content-Type", mediaType(type + "-request", 1), "Accept", accept), text, http.timeout());
            boolean ok = r.status() / 100 == 2 && !isError(r.contentType());
            if (!ok) {
                if (i + 1 < versions.length && refusedAccept(r)) continue;
                JsonNode error = cosmosError(r);
                throw new Failure(failure(url, r, error), r.status(), error == null ? null : error.get("type").asText());
            }
            int version = answerVersion(r.contentType(), type + "-response", accept, versions[i]);
            return new Answer(parse(url, r), version);
        }
        throw new IllegalArgumentException("no versions");
    }

    /** A call Cosmos (or whatever answered in its place) refused: the status and Cosmos's error type, if any. */
    public static final class Failure extends CliException {
        private final int status;
        private final String type;

        Failure(String message, int status, String type) {
            super(message);
            this.status = status;
            this.type = type;
        }

        public int status() {
            return status;
        }

        /** Cosmos's error {@code type} ({@code PackageNotFound}, ...), or null when the answer was not Cosmos's. */
        public String type() {
            return type;
        }
    }

    /** Cosmos's error body ({@code {"type", "message", ...}}), or null when the answer was not one. */
    private static JsonNode cosmosError(Http.Reply r) {
        try {
            JsonNode json = r.body().isBlank() ? null : Jsons.MAPPER.readTree(r.body());
            return json != null && json.isObject() && json.path("type").isTextual() && json.path("message").isTextual() ? json : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static boolean refusedAccept(Http.Reply r) {
        return r.status() == 406 || r.status() == 400 && r.body().contains("'Accept'");
    }

    private static JsonNode parse(String url, Http.Reply r) {
        if (r.body().isBlank()) return Jsons.object();
        try {
            return Jsons.MAPPER.readTree(r.body());
        } catch (Exception e) {
            throw new CliException("POST " + url + " did not answer JSON (" + r.contentType() + "); is "
                    + "core.dcos_url (or package.cosmos_url) the cluster? Check with: dcos config show");
        }
    }

    /**
     * The version of the answer's media type. An answer in another Cosmos type than asked for is refused, as the
     * DC/OS CLI does; a plain JSON answer is taken as the version asked for.
     */
    static int answerVersion(String contentType, String expectedName, String accept, int asked) {
        if (contentType == null || contentType.isBlank()) return asked;
        String base = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (base.equals("application/json")) return asked;
        if (base.equals(PREFIX + expectedName + "+json")) {
            String v = param(contentType, "version");
            if (v == null) return asked;
            try {
                return Integer.parseInt(v.startsWith("v") ? v.substring(1) : v);
            } catch (NumberFormatException e) {
                return asked;
            }
        }
        throw new CliException("Server returned incorrect response type, expected " + accept + " but got " + contentType
                + "; is core.dcos_url (or package.cosmos_url) the cluster's gateway? Check with: dcos config show");
    }

    static String param(String mediaType, String name) {
        for (String part : mediaType.split(";")) {
            String p = part.strip();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).strip().equalsIgnoreCase(name)) {
                String v = p.substring(eq + 1).strip();
                return v.startsWith("\"") && v.endsWith("\"") && v.length() >= 2 ? v.substring(1, v.length() - 1) : v;
            }
        }
        return null;
    }

    private static boolean isError(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(ERROR_TYPE);
    }

    /** What to tell the user about a failed call: Cosmos's own error when it sent one. */
    private static String failure(String url, Http.Reply r, JsonNode error) {
        if (error != null) return CosmosErrors.message(error);
        if (r.status() == 404) {
            return "No package manager (Cosmos) answers at " + url + " (HTTP 404); is core.dcos_url the cluster's gateway? "
                    + "Check with: dcos config show (package.cosmos_url points the CLI at Cosmos itself)";
        }
        return HttpErrors.message("POST", url, r.status(), r.body());
    }

    private static String trim(String u) {
        String s = u.strip();
        while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        return s;
    }
}
