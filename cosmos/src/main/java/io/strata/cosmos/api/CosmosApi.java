package io.strata.cosmos.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.strata.common.json.Json;
import io.strata.cosmos.marathon.MarathonClient;
import io.strata.cosmos.mesos.MesosClient;
import io.strata.cosmos.render.AppRenderer;
import io.strata.cosmos.render.PackageLabels;
import io.strata.cosmos.repository.PackageCollection;
import io.strata.cosmos.repository.PackageCollection.Located;
import io.strata.cosmos.repository.PackageRepository;
import io.strata.cosmos.repository.PackageSearch;
import io.strata.cosmos.repository.RepositoryList;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cosmos HTTP API: {@code /package/*} and {@code /capabilities}, with Cosmos' versioned media types. Every
 * {@code /package/} call is a POST whose Content-Type names the request type and whose Accept names a response
 * type this endpoint produces; errors are {@code application/vnd.dcos.package.error+json;...;version=v1}.
 */
public final class CosmosApi {
    private static final Logger LOG = LoggerFactory.getLogger(CosmosApi.class);

    private final PackageCollection packages;
    private final MarathonClient marathon;
    private final MesosClient mesos;

    private final MeterRegistry metrics;

    /**
     * {@code mesos} may be null: uninstall then leaves the package's framework registered. Every call is counted in
     * {@code cosmos_requests_total{rpc, outcome}}, the outcome being {@code ok} or the error's type.
     */
    public CosmosApi(PackageCollection packages, MarathonClient marathon, MesosClient mesos, MeterRegistry metrics) {
        this.packages = packages;
        this.marathon = marathon;
        this.mesos = mesos;
        this.metrics = metrics;
    }

    private void count(String rpc, String outcome) {
        metrics.counter("cosmos_requests_total", "rpc", rpc, "outcome", outcome).increment();
    }

    /** An endpoint: its request type, the response types it can answer with (preferred first), and the handler. */
    private interface Handler {
        ObjectNode handle(ObjectNode request, MediaType responseType);
    }

    public void register(Javalin app) {
        post(app, "describe", List.of(MediaTypes.pkg("describe-response", 3), MediaTypes.pkg("describe-response", 2)), this::describe);
        post(app, "install", List.of(MediaTypes.pkg("install-response", 2), MediaTypes.pkg("install-response", 1)), this::install);
        post(app, "list", List.of(MediaTypes.pkg("list-response", 1)), (r, t) -> list(r));
        post(app, "list-versions", List.of(MediaTypes.pkg("list-versions-response", 1)), (r, t) -> listVersions(r));
        post(app, "render", List.of(MediaTypes.pkg("render-response", 1)), (r, t) -> render(r));
        post(app, "search", List.of(MediaTypes.pkg("search-response", 1)), (r, t) -> search(r));
        post(app, "uninstall", List.of(MediaTypes.pkg("uninstall-response", 1)), (r, t) -> uninstall(r));
        post(app, "repository.list", List.of(MediaTypes.pkg("repository.list-response", 1)), (r, t) -> repositoryList());
        post(app, "repository.add", List.of(MediaTypes.pkg("repository.add-response", 1)), (r, t) -> repositoryAdd(r));
        post(app, "repository.delete", List.of(MediaTypes.pkg("repository.delete-response", 1)), (r, t) -> repositoryDelete(r));
        app.get("/capabilities", ctx -> {
            try {
                MediaType type = negotiate(ctx, List.of(MediaTypes.CAPABILITIES));
                ObjectNode o = Json.object();
                ArrayNode caps = o.putArray("capabilities");
                for (String c : new String[] {"PACKAGE_MANAGEMENT", "SUPPORT_CLUSTER_REPORT", "METRONOME", "LOGGING", "LOGGING_V2"}) {
                    caps.addObject().put("name", c);
                }
                respond(ctx, 200, type, o);
            } catch (CosmosError e) {
                error(ctx, e);
            }
        });
    }

    private void post(Javalin app, String name, List<MediaType> produces, Handler handler) {
        String path = "/package/" + name.replace('.', '/');
        MediaType requestType = MediaTypes.pkg(name + "-request", 1);
        app.post(path, ctx -> {
            try {
                MediaType responseType = negotiate(ctx, produces);
                String ct = ctx.header("Content-Type");
                if (ct == null) throw CosmosError.notPresent("header 'Content-Type'");
                MediaType actual = MediaType.parse(ct).orElseThrow(() -> CosmosError.notValid("header 'Content-Type'",
                        "match one of " + requestType));
                if (!requestType.accepts(actual)) throw CosmosError.notValid("header 'Content-Type'", "match one of " + requestType);
                ObjectNode body = body(ctx);
                ObjectNode answer = handler.handle(body, responseType);
                respond(ctx, 200, responseType, answer);
                count(name, "ok");
            } catch (CosmosError e) {
                count(name, e.type());
                error(ctx, e);
            }
        });
    }

    private static MediaType negotiate(Context ctx, List<MediaType> produces) {
        String accept = ctx.header("Accept");
        if (accept == null) throw CosmosError.notPresent("header 'Accept'");
        List<MediaType> accepted = MediaType.parseList(accept);
        return MediaType.negotiate(accepted, produces).orElseThrow(() -> CosmosError.notValid("header 'Accept'",
                "Media type was [" + accept + "] but should be one of ["
                        + String.join(", ", produces.stream().map(MediaType::toString).toList()) + "]"));
    }

    private static ObjectNode body(Context ctx) {
        byte[] bytes = ctx.bodyAsBytes();
        String text = new String(bytes, StandardCharsets.UTF_8);
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(text.isBlank() ? "" : text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw CosmosError.jsonParse(e.getOriginalMessage());
        }
        if (n == null || n.isMissingNode()) throw CosmosError.jsonParse("exhausted input");
        if (!(n instanceof ObjectNode o)) throw CosmosError.jsonDecode("Attempt to decode value on failed cursor", "");
        return o;
    }

    private static void respond(Context ctx, int status, MediaType type, ObjectNode body) {
        ctx.status(status).contentType(type.toString()).result(body.toString().getBytes(StandardCharsets.UTF_8));
    }

    public static void error(Context ctx, CosmosError e) {
        if (e.status() >= 500) LOG.warn("msg=\"request failed\" path={} type={} error=\"{}\"", ctx.path(), e.type(), e.getMessage());
        ctx.status(e.status()).contentType(MediaTypes.ERROR.toString()).result(e.body().toString().getBytes(StandardCharsets.UTF_8));
    }

    // request fields, decoded as circe would, with its error wording

    private static String requiredString(ObjectNode req, String field) {
        JsonNode n = req.get(field);
        if (n == null || n.isNull()) throw CosmosError.jsonDecode("Attempt to decode value on failed cursor", "." + field);
        if (!n.isTextual()) throw CosmosError.jsonDecode("String", "." + field);
        return n.asText();
    }

    private static String optionalString(ObjectNode req, String field) {
        JsonNode n = req.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw CosmosError.jsonDecode("String", "." + field);
        return n.asText();
    }

    private static ObjectNode optionalObject(ObjectNode req, String field) {
        JsonNode n = req.get(field);
        if (n == null || n.isNull()) return null;
        if (!(n instanceof ObjectNode o)) throw CosmosError.jsonDecode("JsonObject", "." + field);
        return o;
    }

    private static Boolean optionalBoolean(ObjectNode req, String field) {
        JsonNode n = req.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isBoolean()) throw CosmosError.jsonDecode("Boolean", "." + field);
        return n.asBoolean();
    }

    private static Integer optionalInt(ObjectNode req, String field) {
        JsonNode n = req.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.canConvertToInt() || !n.isIntegralNumber()) throw CosmosError.jsonDecode("Int", "." + field);
        return n.asInt();
    }

    // the endpoints

    ObjectNode describe(ObjectNode req, MediaType type) {
        Located l = packages.find(requiredString(req, "packageName"), optionalString(req, "packageVersion"));
        if (type.parameters().get("version").equals("v3")) {
            ObjectNode o = Json.object();
            o.set("package", l.pkg().definition());
            return o;
        }
        ObjectNode flat = l.pkg().definition();
        flat.remove("releaseVersion");
        return flat;
    }

    ObjectNode render(ObjectNode req) {
        String name = requiredString(req, "packageName");
        Located l = packages.find(name, optionalString(req, "packageVersion"));
        ObjectNode options = optionalObject(req, "options");
        String appId = optionalString(req, "appId");
        ObjectNode app = AppRenderer.render(l.pkg(), l.repo().uri(), options, appId)
                .orElseThrow(() -> templateNotFound(l));
        ObjectNode o = Json.object();
        o.set("marathonJson", app);
        return o;
    }

    private static CosmosError templateNotFound(Located l) {
        ObjectNode d = Json.object();
        d.put("packageName", l.pkg().name());
        d.put("packageVersion", l.pkg().version());
        return new CosmosError("ServiceMarathonTemplateNotFound", 400, "Package: [" + l.pkg().name() + "] version: ["
                + l.pkg().version() + "] does not have a Marathon template defined and can not be rendered", d);
    }

    ObjectNode install(ObjectNode req, MediaType type) {
        String name = requiredString(req, "packageName");
        String version = optionalString(req, "packageVersion");
        ObjectNode options = optionalObject(req, "options");
        String appId = optionalString(req, "appId");
        Located l = packages.find(name, version);
        Optional<ObjectNode> app = AppRenderer.render(l.pkg(), l.repo().uri(), options, appId);
        ObjectNode o = Json.object();
        o.put("packageName", l.pkg().name());
        o.put("packageVersion", l.pkg().version());
        if (app.isPresent()) {
            ObjectNode created = marathon.createApp(app.get());
            String id = created.path("id").asText(app.get().path("id").asText());
            o.put("appId", id);
            LOG.info("msg=\"package installed\" package={} version={} appId={} repository=\"{}\"", l.pkg().name(),
                    l.pkg().version(), id, l.repo().name());
        } else if (type.parameters().get("version").equals("v1")) {
            // the v1 answer has no room for a package without an app
            throw templateNotFound(l);
        }
        if (type.parameters().get("version").equals("v2")) {
            l.pkg().postInstallNotes().ifPresent(n -> o.put("postInstallNotes", n));
            JsonNode cli = l.pkg().json().path("resource").get("cli");
            if (cli != null) o.set("cli", cli);
        }
        return o;
    }

    ObjectNode list(ObjectNode req) {
        String name = optionalString(req, "packageName");
        String appId = optionalString(req, "appId");
        String wantedId = appId == null ? null : AppRenderer.normalizeAppId(appId);
        record Row(String name, String appId, ObjectNode json) {}
        List<Row> rows = new ArrayList<>();
        for (ObjectNode app : marathon.listApps()) {
            Map<String, String> labels = labels(app);
            String pkgName = labels.get(PackageLabels.NAME);
            if (pkgName == null) continue;
            if (name != null && !name.equals(pkgName)) continue;
            String id = app.path("id").asText();
            if (wantedId != null && !wantedId.equals(id)) continue;
            Optional<ObjectNode> def = PackageLabels.readDefinition(labels);
            if (def.isEmpty()) continue;
            ObjectNode row = Json.object();
            row.put("appId", id);
            ObjectNode info = row.putObject("packageInformation");
            info.set("packageDefinition", packageDetails(def.get()));
            JsonNode resource = def.get().get("resource");
            if (resource != null && resource.isObject()) info.set("resourceDefinition", resource);
            rows.add(new Row(pkgName, id, row));
        }
        rows.sort(Comparator.comparing(Row::name).thenComparing(Row::appId));
        ObjectNode o = Json.object();
        ArrayNode arr = o.putArray("packages");
        rows.forEach(r -> arr.add(r.json()));
        return o;
    }

    /** The metadata fields of an installed package's definition, as {@code list} reports them. */
    private static ObjectNode packageDetails(ObjectNode def) {
        ObjectNode d = Json.object();
        for (String f : new String[] {"packagingVersion", "name", "version", "maintainer", "description", "tags", "selected",
                "scm", "website", "framework", "preInstallNotes", "postInstallNotes", "postUninstallNotes", "licenses"}) {
            JsonNode v = def.get(f);
            if (v != null && !v.isNull()) d.set(f, v);
        }
        if (!d.has("tags")) d.putArray("tags");
        return d;
    }

    private static Map<String, String> labels(ObjectNode app) {
        Map<String, String> out = new LinkedHashMap<>();
        app.path("labels").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    ObjectNode listVersions(ObjectNode req) {
        String name = requiredString(req, "packageName");
        JsonNode include = req.get("includePackageVersions");
        if (include == null || include.isNull()) throw CosmosError.jsonDecode("Attempt to decode value on failed cursor", ".includePackageVersions");
        if (!include.isBoolean()) throw CosmosError.jsonDecode("Boolean", ".includePackageVersions");
        ObjectNode o = Json.object();
        ObjectNode results = o.putObject("results");
        PackageCollection.versions(packages.all(), name).forEach((v, r) -> results.put(v, r.toString()));
        return o;
    }

    ObjectNode search(ObjectNode req) {
        String query = optionalString(req, "query");
        ObjectNode o = Json.object();
        ArrayNode arr = o.putArray("packages");
        PackageSearch.search(packages.all(), query).forEach(arr::add);
        return o;
    }

    ObjectNode uninstall(ObjectNode req) {
        String name = requiredString(req, "packageName");
        String appId = optionalString(req, "appId");
        Boolean all = optionalBoolean(req, "all");
        List<ObjectNode> apps;
        if (appId != null) {
            String id = AppRenderer.normalizeAppId(appId);
            apps = marathon.getApp(id).map(List::of).orElseThrow(() -> CosmosError.uninstallNonExistentApp(name, id));
        } else {
            apps = marathon.listApps();
        }
        List<ObjectNode> matching = apps.stream().filter(a -> name.equals(labels(a).get(PackageLabels.NAME))).toList();
        if (matching.isEmpty()) throw CosmosError.packageNotInstalled(name);
        if (matching.size() > 1 && !Boolean.TRUE.equals(all)) {
            throw CosmosError.ambiguousAppId(name, matching.stream().map(a -> a.path("id").asText()).sorted().toList());
        }
        ObjectNode o = Json.object();
        ArrayNode results = o.putArray("results");
        for (ObjectNode app : matching) {
            String id = app.path("id").asText();
            marathon.deleteApp(id);
            Map<String, String> labels = labels(app);
            tearDownFramework(name, labels.get(PackageLabels.VERSION), labels.get(PackageLabels.FRAMEWORK_NAME));
            ObjectNode r = results.addObject();
            r.put("packageName", name);
            r.put("appId", id);
            String version = labels.get(PackageLabels.VERSION);
            if (version != null) r.put("packageVersion", version);
            PackageLabels.readDefinition(labels).map(d -> d.get("postUninstallNotes")).filter(JsonNode::isTextual)
                    .ifPresent(n -> r.put("postUninstallNotes", n.asText()));
            LOG.info("msg=\"package uninstalled\" package={} appId={}", name, id);
        }
        return o;
    }

    /**
     * As Cosmos does after deleting the app: the framework registered under the package's
     * {@code DCOS_PACKAGE_FRAMEWORK_NAME} is torn down (its tasks killed), if there is exactly one.
     */
    private void tearDownFramework(String pkg, String version, String frameworkName) {
        if (mesos == null || frameworkName == null || frameworkName.isEmpty()) return;
        try {
            List<String> ids = mesos.frameworkIds(frameworkName);
            if (ids.size() > 1) {
                ObjectNode d = Json.object();
                d.put("packageName", pkg);
                if (version != null) d.put("packageVersion", version);
                d.put("frameworkName", frameworkName);
                ArrayNode arr = d.putArray("ids");
                ids.forEach(arr::add);
                throw new CosmosError("MultipleFrameworkIds", 400, "Uninstalled package [" + pkg + "]"
                        + (version == null ? "" : " version [" + version + "]") + "\nUnable to shutdown [" + pkg
                        + "] service framework with name [" + frameworkName
                        + "] because there are multiple framework ids matching this name: [" + String.join(", ", ids) + "]", d);
            }
            for (String id : ids) {
                mesos.teardown(id);
                LOG.info("msg=\"framework torn down\" package={} framework={} frameworkId={}", pkg, frameworkName, id);
            }
        } catch (java.io.IOException e) {
            LOG.warn("msg=\"framework teardown failed\" package={} framework={} error=\"{}\"", pkg, frameworkName, e.getMessage());
            ObjectNode d = Json.object();
            d.put("packageName", pkg);
            throw new CosmosError("IncompleteUninstall", 503,
                    "Incomplete uninstall of package [" + pkg + "] due to Mesos unavailability", d);
        }
    }

    ObjectNode repositoryList() {
        ObjectNode o = Json.object();
        ArrayNode arr = o.putArray("repositories");
        for (PackageRepository r : packages.store().list()) {
            ObjectNode e = arr.addObject().put("name", r.name()).put("uri", r.uri());
            // not in Cosmos' answer: why a repository's packages are missing, when its last load failed
            packages.lastLoad(r).filter(l -> l.error() != null).ifPresent(l -> e.set("error", l.error().body()));
        }
        return o;
    }

    ObjectNode repositoryAdd(ObjectNode req) {
        String name = requiredString(req, "name");
        String uri = requiredString(req, "uri");
        Integer index = optionalInt(req, "index");
        PackageRepository repo = new PackageRepository(name, uri);
        if (name.isBlank()) throw CosmosError.jsonDecode("String", ".name");
        packages.fetcher().check(repo);
        // a name or URI already listed, or a bad index, is refused before anything is fetched (and again below)
        RepositoryList.add(packages.store().list(), repo, index);
        // as Cosmos does, refuse a repository that cannot be read now, before it is in the list
        try {
            packages.fetcher().fetch(repo);
        } catch (CosmosError e) {
            if (e.type().equals("UniverseClientHttpError")) {
                throw new CosmosError(e.type(), 400, e.getMessage(), e.data());
            }
            throw e;
        }
        List<PackageRepository> next = packages.store().update(current -> RepositoryList.add(current, repo, index));
        packages.invalidate();
        LOG.info("msg=\"repository added\" name=\"{}\" uri={} index={}", name, uri, index == null ? next.size() - 1 : index);
        return repositories(next);
    }

    ObjectNode repositoryDelete(ObjectNode req) {
        String name = optionalString(req, "name");
        String uri = optionalString(req, "uri");
        List<PackageRepository> next = packages.store().update(current -> RepositoryList.delete(current, name, uri));
        packages.invalidate();
        LOG.info("msg=\"repository deleted\" name=\"{}\" uri={}", name, uri);
        return repositories(next);
    }

    private static ObjectNode repositories(List<PackageRepository> list) {
        ObjectNode o = Json.object();
        ArrayNode arr = o.putArray("repositories");
        list.forEach(r -> arr.addObject().put("name", r.name()).put("uri", r.uri()));
        return o;
    }
}
