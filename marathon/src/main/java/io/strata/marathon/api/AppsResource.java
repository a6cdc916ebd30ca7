package io.strata.marathon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.strata.common.json.Json;
import io.strata.marathon.Marathon;
import io.strata.marathon.codec.AppCodec;
import io.strata.marathon.codec.AppWriter;
import io.strata.marathon.codec.Renderer;
import io.strata.marathon.codec.Renderer.Embed;
import io.strata.marathon.deployment.DeploymentPlan;
import io.strata.marathon.model.AppDefinition;
import io.strata.marathon.model.Group;
import io.strata.marathon.model.Instance;
import io.strata.marathon.model.PathId;
import io.strata.marathon.model.Timestamps;
import io.strata.marathon.validation.ApiException;
import io.strata.marathon.validation.AppValidator;
import io.strata.marathon.validation.Violations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code /v2/apps}: list, create, show, update (PUT/PATCH), delete, restart, tasks and versions of apps. */
final class AppsResource {
    private static final Pattern TASK = Pattern.compile("^(.+)/tasks/([^/]+)$");
    private static final Pattern VERSION = Pattern.compile("^(.+)/versions/([^/]+)$");
    /** Fields of an AppInfo that clients send back with a GET-modify-PUT; never part of the definition. */
    private static final Set<String> READ_ONLY = Set.of("id", "version", "versionInfo", "tasksStaged", "tasksRunning",
            "tasksHealthy", "tasksUnhealthy", "deployments", "tasks", "lastTaskFailure", "readinessCheckResults", "tasksStats");

    private final Supplier<Marathon> marathon;

    AppsResource(Supplier<Marathon> marathon) {
        this.marathon = marathon;
    }

    void register(Javalin app) {
        app.get("/v2/apps", this::list);
        app.get("/v2/apps/", this::list);
        app.post("/v2/apps", this::create);
        app.put("/v2/apps", ctx -> updateMany(ctx, Http.flag(ctx, "partialUpdate", true)));
        app.patch("/v2/apps", ctx -> updateMany(ctx, true));
        app.get("/v2/apps/<rest>", this::get);
        app.put("/v2/apps/<rest>", ctx -> update(ctx, rest(ctx), Http.flag(ctx, "partialUpdate", true), true));
        app.patch("/v2/apps/<rest>", ctx -> update(ctx, rest(ctx), true, false));
        app.delete("/v2/apps/<rest>", this::delete);
        app.post("/v2/apps/<rest>", this::post);
    }

    private static String rest(Context ctx) {
        String r = ctx.pathParam("rest");
        while (r.endsWith("/")) r = r.substring(0, r.length() - 1);
        return r;
    }

    // ---------------------------------------------------------------- reads

    private void list(Context ctx) {
        Marathon m = marathon.get();
        Embed embed = Embed.parse(Http.multi(ctx, "embed"), true, true, false, false);
        Predicate<AppDefinition> filter = filter(ctx.queryParam("cmd"), ctx.queryParam("id"), ctx.queryParam("label"));
        ArrayNode apps = Json.MAPPER.createArrayNode();
        for (AppDefinition a : m.root().transitiveApps().values()) if (filter.test(a)) apps.add(Renderer.appInfo(m, a, embed));
        ObjectNode o = Json.object();
        o.set("apps", apps);
        Http.json(ctx, o);
    }

    static Predicate<AppDefinition> filter(String cmd, String id, String label) {
        Predicate<AppDefinition> p = a -> true;
        if (cmd != null && !cmd.isEmpty()) p = p.and(a -> a.cmd() != null && a.cmd().toLowerCase().contains(cmd.toLowerCase()));
        if (id != null && !id.isEmpty()) p = p.and(a -> a.id().toString().toLowerCase().contains(id.toLowerCase()));
        if (label != null && !label.isEmpty()) {
            Predicate<Map<String, String>> l = LabelSelector.parse(label);
            p = p.and(a -> l.test(a.labels()));
        }
        return p;
    }

    private void get(Context ctx) {
        Marathon m = marathon.get();
        String rest = rest(ctx);
        Matcher t = TASK.matcher(rest);
        Matcher v = VERSION.matcher(rest);
        if (rest.endsWith("/tasks")) {
            PathId id = PathId.of(rest.substring(0, rest.length() - "/tasks".length()));
            AppDefinition app = m.app(id).orElseThrow(() -> ApiException.appNotFound(id));
            if (Http.wantsText(ctx)) {
                ctx.contentType("text/plain").result(Renderer.tasksText(m, Set.of(id)));
                return;
            }
            ArrayNode tasks = Json.MAPPER.createArrayNode();
            for (Instance i : m.instancesOf(id)) if (!i.isScheduled()) tasks.add(Renderer.task(m, app, i));
            ObjectNode o = Json.object();
            o.set("tasks", tasks);
            Http.json(ctx, o);
        } else if (rest.endsWith("/versions")) {
            PathId id = PathId.of(rest.substring(0, rest.length() - "/versions".length()));
            m.app(id).orElseThrow(() -> ApiException.appNotFound(id));
            ObjectNode o = Json.object();
            ArrayNode vs = o.putArray("versions");
            for (Instant i : m.storage().appVersions(id)) vs.add(Timestamps.format(i));
            Http.json(ctx, o);
        } else if (v.matches()) {
            PathId id = PathId.of(v.group(1));
            Instant version = parseVersion(v.group(2));
            AppDefinition app = m.storage().appVersion(id, version)
                    .orElseThrow(() -> ApiException.notFound("App '" + id + "' does not exist in version " + v.group(2)));
            Http.json(ctx, AppWriter.write(app));
        } else if (t.matches()) {
            throw ApiException.message(405, "HTTP 405 Method Not Allowed");
        } else if (rest.endsWith("*")) {
            String g = rest.substring(0, rest.length() - 1);
            PathId gid = PathId.of(g);
            Group group = m.root().group(gid).orElseThrow(() -> ApiException.notFound("Group '" + gid + "' does not exist"));
            Embed embed = Embed.parse(Http.multi(ctx, "embed"), true, true, true, true);
            ArrayNode apps = Json.MAPPER.createArrayNode();
            for (AppDefinition a : group.transitiveApps().values()) apps.add(Renderer.appInfo(m, a, embed));
            ObjectNode o = Json.object();
            o.set("*", apps);
            Http.json(ctx, o);
        } else {
            PathId id = PathId.of(rest);
            AppDefinition app = m.app(id).orElseThrow(() -> ApiException.appNotFound(id));
            Embed embed = Embed.parse(Http.multi(ctx, "embed"), true, true, true, true);
            ObjectNode o = Json.object();
            o.set("app", Renderer.appInfo(m, app, embed));
            Http.json(ctx, o);
        }
    }

    static Instant parseVersion(String s) {
        try {
            return Timestamps.parse(s);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("Invalid version format: " + s);
        }
    }

    // ---------------------------------------------------------------- writes

    private void create(Context ctx) {
        Marathon m = marathon.get();
        JsonNode body = Http.body(ctx);
        boolean force = Http.flag(ctx, "force", false);
        AppDefinition app = AppCodec.readRequest(body, PathId.ROOT, null, m.config().role());
        validate(m, app, "");
        DeploymentPlan plan = m.deploy((root, version) -> {
            if (root.app(app.id()).isPresent()) throw ApiException.conflict("An app with id [" + app.id() + "] already exists.");
            return root.putApp(app.id(), app, version);
        }, force);
        AppDefinition created = m.root().app(app.id()).orElse(app);
        ObjectNode info = AppWriter.write(created);
        info.put("tasksStaged", 0).put("tasksRunning", 0).put("tasksHealthy", 0).put("tasksUnhealthy", 0);
        info.putArray("deployments").addObject().put("id", plan.id());
        postEvent(m, ctx, created);
        ctx.header("Location", "/v2/apps" + app.id());
        ctx.header(Http.DEPLOYMENT_HEADER, plan.id());
        Http.json(ctx, 201, info);
    }

    static void validate(Marathon m, AppDefinition app, String path) {
        Violations v = new Violations();
        AppValidator.validate(app, path, m.validRoles(app.id()), v);
        v.throwIfAny(Violations.NOT_VALID);
    }

    static void postEvent(Marathon m, Context ctx, AppDefinition app) {
        ObjectNode e = m.events().event("api_post_event");
        e.put("clientIp", ctx.ip());
        e.put("uri", ctx.path());
        e.set("appDefinition", AppWriter.write(app));
        m.events().publish(e);
    }

    /**
     * PUT (create or update) and PATCH. A partial update changes only the fields given; a body with just
     * {@code version} rolls the app back to that stored version.
     */
    private void update(Context ctx, String rest, boolean partial, boolean allowCreate) {
        Marathon m = marathon.get();
        PathId id = PathId.of(rest);
        JsonNode body = Http.body(ctx);
        boolean force = Http.flag(ctx, "force", false);
        if (!body.isObject()) {
            Violations v = new Violations();
            v.add("/", "error.expected.jsobject");
            v.throwIfAny(Violations.INVALID_JSON);
        }
        Optional<AppDefinition> existing = m.app(id);
        if (existing.isEmpty() && !allowCreate) throw ApiException.appNotFound(id);
        AppDefinition app = desired(m, id, body, existing, partial);
        DeploymentPlan plan = m.deploy((root, version) -> root.putApp(id, app, version), force);
        m.app(id).ifPresent(a -> postEvent(m, ctx, a));
        if (existing.isEmpty()) ctx.header("Location", "/v2/apps" + id);
        Http.deployment(ctx, existing.isEmpty() ? 201 : 200, plan);
    }

    /** The app a PUT/PATCH body asks for, validated, without version information (the deploy assigns it). */
    static AppDefinition desired(Marathon m, PathId id, JsonNode body, Optional<AppDefinition> existing, boolean partial) {
        if (body.has("version") && !body.get("version").isNull()) {
            for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("id") && !f.equals("version")) {
                    Violations v = new Violations();
                    v.add("/", "The 'version' field may only be combined with the 'id' field.");
                    v.throwIfAny(Violations.NOT_VALID);
                }
            }
            if (!body.get("version").isTextual()) {
                Violations v = new Violations();
                v.add("/version", "error.expected.jsstring");
                v.throwIfAny(Violations.INVALID_JSON);
            }
            Instant version = parseVersion(body.get("version").asText());
            AppDefinition old = m.storage().appVersion(id, version)
                    .orElseThrow(() -> ApiException.notFound("App '" + id + "' does not exist in version " + body.get("version").asText()));
            return old.withVersionInfo(null);
        }
        JsonNode definition = body;
        if (existing.isPresent() && partial) definition = merge(AppWriter.write(existing.get()), (ObjectNode) body);
        AppDefinition app = AppCodec.readRequest(definition, id.parent(), id, m.config().role());
        if (existing.isPresent() && partial && !body.has("role")) app = app.toBuilder().role(existing.get().role()).build();
        validate(m, app, "");
        return app.withVersionInfo(null);
    }

    /**
     * Marathon's AppUpdate semantics on JSON: each top-level field given replaces the stored one. Fields that
     * stand in for each other (deprecated and canonical) are dropped from the stored side when the update sets one.
     */
    static ObjectNode merge(ObjectNode stored, ObjectNode update) {
        ObjectNode out = stored.deepCopy();
        for (String ro : READ_ONLY) out.remove(ro);
        for (Iterator<Map.Entry<String, JsonNode>> it = update.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (READ_ONLY.contains(e.getKey())) continue;
            if (e.getValue().isNull()) out.remove(e.getKey());
            else out.set(e.getKey(), e.getValue());
        }
        if (update.has("ports") && !update.has("portDefinitions")) out.remove("portDefinitions");
        if (update.has("uris") && !update.has("fetch")) out.remove("fetch");
        if (update.has("ipAddress") && !update.has("networks")) out.remove("networks");
        JsonNode dockerNet = update.path("container").path("docker").path("network");
        if (!dockerNet.isMissingNode() && !dockerNet.isNull() && !update.has("networks")) out.remove("networks");
        if ((update.has("networks") || update.has("container") || update.has("ipAddress")) && !update.has("portDefinitions")
                && !update.has("ports")) {
            boolean nonHost = false;
            for (JsonNode n : out.path("networks")) if (!"host".equals(n.path("mode").asText("container"))) nonHost = true;
            if (!dockerNet.isMissingNode() && !"HOST".equalsIgnoreCase(dockerNet.asText())) nonHost = true;
            if (update.has("ipAddress")) nonHost = true;
            if (nonHost) out.remove("portDefinitions");
        }
        if (update.has("cmd") && !update.has("args")) out.remove("args");
        if (update.has("args") && !update.has("cmd")) out.remove("cmd");
        return out;
    }

    /** PUT/PATCH /v2/apps with an array of apps: one deployment for all. */
    private void updateMany(Context ctx, boolean partial) {
        Marathon m = marathon.get();
        JsonNode body = Http.body(ctx);
        boolean force = Http.flag(ctx, "force", false);
        if (!body.isArray()) {
            Violations v = new Violations();
            v.add("/", "error.expected.jsarray");
            v.throwIfAny(Violations.INVALID_JSON);
        }
        List<AppDefinition> apps = new ArrayList<>();
        Violations all = new Violations();
        for (int i = 0; i < body.size(); i++) {
            JsonNode item = body.get(i);
            if (!item.isObject() || !item.path("id").isTextual()) {
                throw ApiException.message(422, "App Update must have app id set");
            }
            PathId id = PathId.of(item.get("id").asText());
            try {
                apps.add(desired(m, id, item, m.app(id), partial));
            } catch (ApiException e) {
                if (e.status() != 422 || !e.body().has("details") || !e.body().get("details").isArray()) throw e;
                for (JsonNode d : e.body().get("details")) {
                    for (JsonNode err : d.get("errors")) all.add("(" + i + ")" + (d.get("path").asText().equals("/") ? "" : d.get("path").asText()), err.asText());
                }
                if (e.body().get("message").asText().equals(Violations.INVALID_JSON)) all.throwIfAny(Violations.INVALID_JSON);
            }
        }
        all.throwIfAny(Violations.NOT_VALID);
        DeploymentPlan plan = m.deploy((root, version) -> {
            Group g = root;
            for (AppDefinition a : apps) g = g.putApp(a.id(), a, version);
            return g;
        }, force);
        for (AppDefinition a : apps) m.app(a.id()).ifPresent(x -> postEvent(m, ctx, x));
        Http.deployment(ctx, 200, plan);
    }

    private void delete(Context ctx) {
        Marathon m = marathon.get();
        String rest = rest(ctx);
        boolean force = Http.flag(ctx, "force", false);
        Matcher t = TASK.matcher(rest);
        if (rest.endsWith("/tasks")) {
            PathId id = PathId.of(rest.substring(0, rest.length() - "/tasks".length()));
            AppDefinition app = m.app(id).orElseThrow(() -> ApiException.appNotFound(id));
            String host = ctx.queryParam("host");
            List<Instance> victims = m.instancesOf(id).stream().filter(i -> host == null || host.equals(i.host())).toList();
            killAndAnswer(ctx, m, app, victims, force, false);
        } else if (t.matches()) {
            PathId id = PathId.of(t.group(1));
            AppDefinition app = m.app(id).orElseThrow(() -> ApiException.appNotFound(id));
            String taskId = t.group(2);
            Instance victim = m.instanceByTaskId(taskId).or(() -> m.instance(taskId))
                    .filter(i -> i.appId().equals(id))
                    .orElseThrow(() -> ApiException.notFound("Task '" + taskId + "' does not exist"));
            killAndAnswer(ctx, m, app, List.of(victim), force, true);
        } else if (rest.endsWith("/restart")) {
            post(ctx);
        } else {
            PathId id = PathId.of(rest);
            m.app(id).orElseThrow(() -> ApiException.appNotFound(id));
            DeploymentPlan plan = m.deploy((root, version) -> {
                if (root.app(id).isEmpty()) throw ApiException.appNotFound(id);
                return root.putApp(id, null, version);
            }, force);
            Http.deployment(ctx, 200, plan);
        }
    }

    private void killAndAnswer(Context ctx, Marathon m, AppDefinition app, List<Instance> victims, boolean force, boolean single) {
        boolean scale = Http.flag(ctx, "scale", false);
        boolean wipe = Http.flag(ctx, "wipe", false);
        if (scale && wipe) throw ApiException.badRequest("You cannot use scale and wipe at the same time.");
        Optional<DeploymentPlan> plan = m.killInstances(victims, scale, wipe, force);
        if (plan.isPresent()) {
            Http.deployment(ctx, 200, plan.get());
            return;
        }
        ObjectNode o = Json.object();
        if (single) {
            o.set("task", Renderer.task(m, app, victims.get(0)));
        } else {
            ArrayNode a = o.putArray("tasks");
            for (Instance i : victims) if (!i.isScheduled()) a.add(Renderer.task(m, app, i));
        }
        Http.json(ctx, o);
    }

    private void post(Context ctx) {
        Marathon m = marathon.get();
        String rest = rest(ctx);
        if (!rest.endsWith("/restart")) throw ApiException.message(405, "HTTP 405 Method Not Allowed");
        PathId id = PathId.of(rest.substring(0, rest.length() - "/restart".length()));
        m.app(id).orElseThrow(() -> ApiException.appNotFound(id));
        DeploymentPlan plan = m.deploy((root, version) -> {
            AppDefinition app = root.app(id).orElseThrow(() -> ApiException.appNotFound(id));
            return root.putApp(id, app.withVersionInfo(app.versionInfo().configChanged(version)), version);
        }, Http.flag(ctx, "force", false));
        Http.deployment(ctx, 200, plan);
    }
}
