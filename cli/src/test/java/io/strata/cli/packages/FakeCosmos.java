package io.strata.cli.packages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.strata.cli.FakeServer;
import io.strata.cli.output.Jsons;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A small Cosmos on 127.0.0.1 for the CLI's tests: packages in memory, installs and repositories that change
 * what later calls answer, and Cosmos's strictness about media types (a request with the wrong
 * {@code Content-Type} or an {@code Accept} it cannot serve is refused with 400, as Cosmos refuses it), so the
 * tests check the CLI's side of the real protocol. Every request is recorded with its headers.
 */
final class FakeCosmos implements AutoCloseable {
    record Request(String path, String contentType, String accept, JsonNode body) {}

    private static final String ERROR = "application/vnd.dcos.package.error+json;charset=utf-8;version=v1";

    private final HttpServer server;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    /** Package definitions by name, then version. */
    final Map<String, Map<String, ObjectNode>> packages = new LinkedHashMap<>();
    final List<ObjectNode> repositories = new ArrayList<>();
    /** Installed apps: appId → package definition. */
    final Map<String, ObjectNode> installed = new LinkedHashMap<>();
    /** The describe-response versions this Cosmos serves (a DC/OS 1.9 Cosmos served only v2). */
    Set<Integer> describeVersions = Set.of(2, 3);
    /** What a path answers instead of Cosmos, e.g. a gateway that has no Cosmos behind it. */
    final Map<String, String[]> overrides = new LinkedHashMap<>();

    FakeCosmos() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Adds a package (packaging version 4.0) with a marathon.json template and a config schema with one property. */
    ObjectNode add(String name, String version, int release, String description) {
        ObjectNode p = Jsons.object().put("packagingVersion", "4.0").put("name", name).put("version", version)
                .put("releaseVersion", release).put("maintainer", "test@example.com").put("description", description)
                .put("selected", false).put("framework", false);
        p.putArray("tags").add("test");
        String template = "{\"id\": \"{{service.name}}\", \"cmd\": \"sleep 1000\", \"cpus\": 0.1, \"mem\": 32}\n";
        p.putObject("marathon").put("v2AppMustacheTemplate", Base64.getEncoder().encodeToString(template.getBytes(StandardCharsets.UTF_8)));
        ObjectNode config = p.putObject("config").put("type", "object");
        ObjectNode service = config.putObject("properties").putObject("service").put("type", "object");
        service.putObject("properties").putObject("name").put("type", "string").put("default", name);
        service.put("additionalProperties", false);
        config.put("additionalProperties", false);
        packages.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(version, p);
        return p;
    }

    List<Request> requests(String rpc) {
        return requests.stream().filter(r -> r.path().equals("/package/" + rpc)).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String contentType = ex.getRequestHeaders().getFirst("Content-Type");
            String accept = ex.getRequestHeaders().getFirst("Accept");
            String text = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            JsonNode body;
            try {
                body = text.isBlank() ? Jsons.object() : Jsons.MAPPER.readTree(text);
            } catch (IOException e) {
                body = Jsons.object();
            }
            requests.add(new Request(path, contentType, accept, body));
            String[] override = overrides.get(path);
            if (override != null) {
                send(ex, Integer.parseInt(override[0]), override[1], override[2]);
                return;
            }
            if (!path.startsWith("/package/") || !ex.getRequestMethod().equals("POST")) {
                send(ex, 404, "text/plain", "Not Found");
                return;
            }
            String rpc = path.substring("/package/".length());
            String type = rpc.replace('/', '.');
            List<Integer> versions = versions(rpc);
            if (versions.isEmpty()) {
                send(ex, 404, "text/plain", "Not Found");
                return;
            }
            String expectedContentType = CosmosClient.mediaType(type + "-request", 1);
            if (!expectedContentType.equals(contentType)) {
                error(ex, 400, "not_valid", "Item header 'Content-Type' deemed invalid by rule: should match one of " + expectedContentType, null);
                return;
            }
            Integer version = null;
            for (int v : versions) {
                if (CosmosClient.mediaType(type + "-response", v).equals(accept)) version = v;
            }
            if (version == null) {
                error(ex, 400, "not_valid", "Item header 'Accept' deemed invalid by rule: Media type was [" + accept + "]", null);
                return;
            }
            try {
                JsonNode answer = answer(rpc, body, version);
                send(ex, 200, CosmosClient.mediaType(type + "-response", version), Jsons.compact(answer));
            } catch (CosmosError e) {
                error(ex, e.status, e.type, e.getMessage(), e.data);
            }
        }
    }

    private List<Integer> versions(String rpc) {
        return switch (rpc) {
            case "describe" -> new ArrayList<>(describeVersions);
            case "install" -> List.of(1, 2);
            case "list", "list-versions", "render", "search", "uninstall", "repository/list", "repository/add",
                 "repository/delete" -> List.of(1);
            default -> List.of();
        };
    }

    static final class CosmosError extends RuntimeException {
        final int status;
        final String type;
        final JsonNode data;

        CosmosError(int status, String type, String message, JsonNode data) {
            super(message);
            this.status = status;
            this.type = type;
            this.data = data;
        }
    }

    private ObjectNode find(JsonNode body) {
        String name = body.path("packageName").asText();
        Map<String, ObjectNode> versions = packages.get(name);
        if (versions == null) throw new CosmosError(400, "PackageNotFound", "Package [" + name + "] not found", null);
        if (body.hasNonNull("packageVersion")) {
            ObjectNode p = versions.get(body.get("packageVersion").asText());
            if (p == null) {
                throw new CosmosError(400, "VersionNotFound", "Version [" + body.get("packageVersion").asText() + "] of package ["
                        + name + "] not found", null);
            }
            return p;
        }
        ObjectNode newest = null;
        for (ObjectNode p : versions.values()) {
            if (newest == null || p.path("releaseVersion").asInt() > newest.path("releaseVersion").asInt()) newest = p;
        }
        return newest;
    }

    private JsonNode answer(String rpc, JsonNode body, int version) {
        switch (rpc) {
            case "describe": {
                ObjectNode p = find(body);
                return version == 3 ? Jsons.object().set("package", p) : p;
            }
            case "list-versions": {
                find(body);
                ObjectNode results = Jsons.object();
                packages.get(body.path("packageName").asText()).forEach((v, p) -> results.put(v, p.path("releaseVersion").asText()));
                return Jsons.object().set("results", results);
            }
            case "render":
                return Jsons.object().set("marathonJson", render(find(body), body));
            case "install": {
                ObjectNode p = find(body);
                ObjectNode app = render(p, body);
                String appId = app.path("id").asText();
                if (installed.containsKey(appId)) {
                    throw new CosmosError(409, "PackageAlreadyInstalled", "Package is already installed", null);
                }
                installed.put(appId, p);
                ObjectNode r = Jsons.object().put("packageName", p.path("name").asText()).put("packageVersion", p.path("version").asText());
                if (version >= 2) {
                    r.put("appId", appId);
                    if (p.hasNonNull("postInstallNotes")) r.put("postInstallNotes", p.get("postInstallNotes").asText());
                } else {
                    r.put("appId", appId);
                }
                return r;
            }
            case "uninstall": {
                String name = body.path("packageName").asText();
                String appId = body.hasNonNull("appId") ? body.get("appId").asText() : null;
                List<String> matching = new ArrayList<>();
                installed.forEach((id, p) -> {
                    if (p.path("name").asText().equals(name) && (appId == null || appId.equals(id))) matching.add(id);
                });
                if (matching.isEmpty()) {
                    throw new CosmosError(400, "UninstallNonExistentAppForPackage", "Package [" + name + "] with id [" + appId
                            + "] is not installed", null);
                }
                if (matching.size() > 1 && !body.path("all").asBoolean(false)) {
                    throw new CosmosError(400, "AmbiguousAppId", "Multiple apps named [" + name + "] are installed: ["
                            + String.join(", ", matching) + "]", null);
                }
                ArrayNode results = Jsons.array();
                for (String id : matching) {
                    ObjectNode p = installed.remove(id);
                    ObjectNode r = results.addObject().put("packageName", name).put("appId", id).put("packageVersion", p.path("version").asText());
                    if (p.hasNonNull("postUninstallNotes")) r.put("postUninstallNotes", p.get("postUninstallNotes").asText());
                }
                return Jsons.object().set("results", results);
            }
            case "list": {
                ArrayNode out = Jsons.array();
                installed.forEach((id, p) -> {
                    if (body.hasNonNull("packageName") && !body.get("packageName").asText().equals(p.path("name").asText())) return;
                    if (body.hasNonNull("appId") && !body.get("appId").asText().equals(id)) return;
                    ObjectNode definition = p.deepCopy();
                    definition.remove(List.of("marathon", "config", "releaseVersion"));
                    ObjectNode i = out.addObject().put("appId", id);
                    i.putObject("packageInformation").set("packageDefinition", definition);
                });
                return Jsons.object().set("packages", out);
            }
            case "search": {
                String q = body.path("query").asText("").toLowerCase();
                ArrayNode out = Jsons.array();
                packages.forEach((name, versions) -> {
                    ObjectNode newest = find(Jsons.object().put("packageName", name));
                    if (!q.isEmpty() && !name.contains(q) && !newest.path("description").asText().toLowerCase().contains(q)) return;
                    ObjectNode r = out.addObject().put("name", name).put("currentVersion", newest.path("version").asText());
                    ObjectNode vs = r.putObject("versions");
                    versions.forEach((v, p) -> vs.put(v, p.path("releaseVersion").asText()));
                    r.put("description", newest.path("description").asText()).put("framework", newest.path("framework").asBoolean())
                            .set("tags", newest.path("tags"));
                    r.put("selected", newest.path("selected").asBoolean());
                });
                return Jsons.object().set("packages", out);
            }
            case "repository/list":
                return repositoryList();
            case "repository/add": {
                String name = body.path("name").asText();
                String uri = body.path("uri").asText();
                for (ObjectNode r : repositories) {
                    if (r.path("name").asText().equals(name) || r.path("uri").asText().equals(uri)) {
                        throw new CosmosError(409, "RepositoryAlreadyPresent", "Repository name [" + name + "] and URI [" + uri
                                + "] are both already present in the list", null);
                    }
                }
                int index = body.hasNonNull("index") ? body.get("index").asInt() : repositories.size();
                if (index < 0 || index > repositories.size()) {
                    throw new CosmosError(400, "RepositoryAddIndexOutOfBounds", "Index [" + index + "] is out of range. Index value must be "
                            + "between 0 and " + repositories.size() + " inclusive", null);
                }
                repositories.add(index, Jsons.object().put("name", name).put("uri", uri));
                return repositoryList();
            }
            case "repository/delete": {
                String name = body.path("name").asText();
                for (Iterator<ObjectNode> it = repositories.iterator(); it.hasNext(); ) {
                    if (it.next().path("name").asText().equals(name)) {
                        it.remove();
                        return repositoryList();
                    }
                }
                throw new CosmosError(400, "RepositoryNotPresent", "Neither repository name [" + name + "] nor URI [None] are present in the list", null);
            }
            default:
                throw new IllegalStateException(rpc);
        }
    }

    private JsonNode repositoryList() {
        ArrayNode a = Jsons.array();
        repositories.forEach(a::add);
        return Jsons.object().set("repositories", a);
    }

    /** The template's only variable is service.name; options may set nothing else (the schema says so). */
    private ObjectNode render(ObjectNode p, JsonNode body) {
        JsonNode options = body.path("options");
        List<String> unwanted = new ArrayList<>();
        options.fieldNames().forEachRemaining(f -> {
            if (!f.equals("service")) unwanted.add(f);
        });
        if (!unwanted.isEmpty()) {
            ObjectNode data = Jsons.object();
            ObjectNode e = data.putArray("errors").addObject();
            ArrayNode u = e.putArray("unwanted");
            unwanted.forEach(u::add);
            e.putObject("instance").put("pointer", "");
            throw new CosmosError(400, "JsonSchemaMismatch", "Options JSON failed validation", data);
        }
        String name = options.path("service").path("name").asText(p.path("name").asText());
        String id = body.hasNonNull("appId") ? body.get("appId").asText() : "/" + name;
        ObjectNode app = Jsons.object().put("id", id).put("cmd", "sleep 1000").put("cpus", 0.1).put("mem", 32);
        app.putObject("labels").put("DCOS_PACKAGE_NAME", p.path("name").asText()).put("DCOS_PACKAGE_VERSION", p.path("version").asText());
        return app;
    }

    private void error(HttpExchange ex, int status, String type, String message, JsonNode data) throws IOException {
        ObjectNode e = Jsons.object().put("type", type).put("message", message);
        if (data != null) e.set("data", data);
        send(ex, status, ERROR, Jsons.compact(e));
    }

    private static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        FakeServer.respond(ex, status, contentType, body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
