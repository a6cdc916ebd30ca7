package io.strata.marathon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.strata.common.json.Json;
import io.strata.marathon.Marathon;
import io.strata.marathon.codec.AppReader;
import io.strata.marathon.codec.JsonIn;
import io.strata.marathon.codec.Renderer;
import io.strata.marathon.codec.Renderer.Embed;
import io.strata.marathon.deployment.DeploymentPlan;
import io.strata.marathon.model.AppDefinition;
import io.strata.marathon.model.Group;
import io.strata.marathon.model.PathId;
import io.strata.marathon.model.Timestamps;
import io.strata.marathon.validation.ApiException;
import io.strata.marathon.validation.AppValidator;
import io.strata.marathon.validation.Violations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/** {@code /v2/groups}: the group tree; create, update (replace, scaleBy, version rollback), delete. */
final class GroupsResource {
    private final Supplier<Marathon> marathon;

    GroupsResource(Supplier<Marathon> marathon) {
        this.marathon = marathon;
    }

    /** A parsed group update: null fields were not given. */
    record GroupSpec(PathId id, List<AppDefinition> apps, List<GroupSpec> groups, List<PathId> dependencies, Double scaleBy,
                     Instant version, Boolean enforceRole) {}

    void register(Javalin app) {
        app.get("/v2/groups", ctx -> show(ctx, ""));
        app.get("/v2/groups/<rest>", ctx -> show(ctx, ctx.pathParam("rest")));
        app.post("/v2/groups", ctx -> change(ctx, "", true));
        app.post("/v2/groups/<rest>", ctx -> change(ctx, ctx.pathParam("rest"), true));
        app.put("/v2/groups", ctx -> change(ctx, "", false));
        app.put("/v2/groups/<rest>", ctx -> change(ctx, ctx.pathParam("rest"), false));
        app.patch("/v2/groups/<rest>", ctx -> patch(ctx, ctx.pathParam("rest")));
        app.delete("/v2/groups", ctx -> delete(ctx, ""));
        app.delete("/v2/groups/<rest>", ctx -> delete(ctx, ctx.pathParam("rest")));
    }

    private void show(Context ctx, String rest) {
        Marathon m = marathon.get();
        String r = rest.replaceAll("/+$", "");
        int vi = r.lastIndexOf("/versions/");
        if (r.endsWith("/versions") || r.equals("versions")) {
            PathId id = PathId.of(r.substring(0, r.length() - "versions".length()));
            m.root().group(id).orElseThrow(() -> unknownGroup(id));
            ArrayNode a = Json.MAPPER.createArrayNode();
            Set<Instant> seen = new LinkedHashSet<>();
            for (Instant v : m.storage().rootVersions()) {
                if (id.isRoot()) seen.add(v);
                else m.storage().rootVersion(v).flatMap(g -> g.group(id)).ifPresent(g -> seen.add(g.version()));
            }
            seen.forEach(v -> a.add(Timestamps.format(v)));
            Http.json(ctx, a);
            return;
        }
        Group g;
        if (vi >= 0 || r.startsWith("versions/")) {
            String idPart = vi >= 0 ? r.substring(0, vi) : "";
            String ver = vi >= 0 ? r.substring(vi + "/versions/".length()) : r.substring("versions/".length());
            PathId id = PathId.of(idPart);
            Instant v = AppsResource.parseVersion(ver);
            g = m.storage().rootVersion(v).flatMap(root -> root.group(id))
                    .orElseThrow(() -> ApiException.notFound("Group '" + id + "' does not exist in version " + ver));
        } else {
            PathId id = PathId.of(r);
            g = m.root().group(id).orElseThrow(() -> unknownGroup(id));
        }
        List<String> embed = Http.multi(ctx, "embed");
        boolean groups = embed.isEmpty() || embed.contains("group.groups");
        boolean apps = embed.isEmpty() || embed.stream().anyMatch(e -> e.startsWith("group.apps"));
        Embed appEmbed = apps ? Embed.parse(embed, false, false, false, false) : null;
        Http.json(ctx, Renderer.group(m, g, groups, appEmbed));
    }

    static ApiException unknownGroup(PathId id) {
        return ApiException.notFound("Group '" + id + "' does not exist");
    }

    private void change(Context ctx, String rest, boolean create) {
        Marathon m = marathon.get();
        JsonNode body = Http.body(ctx);
        boolean force = Http.flag(ctx, "force", false);
        PathId pathId = PathId.of(rest.replaceAll("/+$", ""));
        JsonIn in = new JsonIn();
        Violations invalid = new Violations();
        // POST /v2/groups/{id} creates the body's group below {id}; PUT /v2/groups/{id} changes {id} itself
        GroupSpec spec = read(m, body, "", create ? null : pathId, pathId, in, invalid);
        in.errors().throwIfAny(Violations.INVALID_JSON);
        invalid.throwIfAny(Violations.NOT_VALID);
        if (create && spec.id().isRoot() && !pathId.isRoot()) throw ApiException.message(422, "Group id is required");
        Violations v = new Violations();
        validateApps(m, spec, "", v);
        v.throwIfAny(Violations.NOT_VALID);
        boolean existed = m.root().group(spec.id()).isPresent();
        if (create && existed && !spec.id().isRoot()) {
            throw ApiException.conflict("Group " + spec.id() + " is already created. Use PUT to change this group.");
        }
        DeploymentPlan plan = m.deploy((root, version) -> apply(m, root, spec, version), force);
        if (create || !existed) ctx.header("Location", "/v2/groups" + spec.id());
        Http.deployment(ctx, create || !existed ? 201 : 200, plan);
    }

    private void patch(Context ctx, String rest) {
        Marathon m = marathon.get();
        PathId id = PathId.of(rest.replaceAll("/+$", ""));
        JsonNode body = Http.body(ctx);
        m.root().group(id).orElseThrow(() -> unknownGroup(id));
        JsonIn in = new JsonIn();
        Boolean enforce = in.bool(body, "enforceRole", "");
        in.errors().throwIfAny(Violations.INVALID_JSON);
        DeploymentPlan plan = m.deploy((root, version) -> root.updateGroup(id, g -> g.withEnforceRole(enforce == null ? g.enforceRole() : enforce), version), false);
        Http.deployment(ctx, 200, plan);
    }

    private void delete(Context ctx, String rest) {
        Marathon m = marathon.get();
        PathId id = PathId.of(rest.replaceAll("/+$", ""));
        m.root().group(id).orElseThrow(() -> unknownGroup(id));
        DeploymentPlan plan = m.deploy((root, version) -> {
            if (root.group(id).isEmpty()) throw unknownGroup(id);
            return id.isRoot() ? Group.emptyRoot(version) : root.putGroup(id, null, version);
        }, Http.flag(ctx, "force", false));
        Http.deployment(ctx, 200, plan);
    }

    /** Reads a GroupUpdate: ids of the group, its apps and subgroups are relative to {@code base}. */
    static GroupSpec read(Marathon m, JsonNode json, String path, PathId forcedId, PathId base, JsonIn in, Violations invalid) {
        if (!json.isObject()) {
            in.error(path.isEmpty() ? "/" : path, "error.expected.jsobject");
            return new GroupSpec(PathId.ROOT, null, null, null, null, null, null);
        }
        PathId id = forcedId;
        String rawId = in.string(json, "id", path, 1, PathId.RAML_PATTERN);
        if (id == null) {
            if (rawId == null && !JsonIn.has(json, "id")) in.error(path + "/id", "error.path.missing");
            id = rawId == null ? PathId.ROOT : PathId.parse(rawId).canonical(base);
        }
        if (!id.isRoot()) PathId.violations(id).forEach(e -> invalid.add(path + "/id", e));
        final PathId gid = id;
        List<AppDefinition> apps = null;
        JsonNode appsNode = in.array(json, "apps", path);
        if (appsNode != null) {
            apps = new ArrayList<>();
            for (int i = 0; i < appsNode.size(); i++) {
                AppDefinition a = new AppReader(in, invalid, m.config().role()).read(appsNode.get(i), path + "/apps(" + i + ")", gid, null);
                if (a != null) {
                    if (!a.id().parent().equals(gid)) invalid.add(path + "/apps(" + i + ")/id", "Identifier is not child of '" + gid + "'");
                    apps.add(a);
                }
            }
        }
        List<GroupSpec> groups = null;
        JsonNode groupsNode = in.array(json, "groups", path);
        if (groupsNode != null) {
            groups = new ArrayList<>();
            for (int i = 0; i < groupsNode.size(); i++) {
                GroupSpec child = read(m, groupsNode.get(i), path + "/groups(" + i + ")", null, gid, in, invalid);
                if (!child.id().isRoot() && !child.id().parent().equals(gid)) {
                    invalid.add(path + "/groups(" + i + ")/id", "Identifier is not child of '" + gid + "'");
                }
                groups.add(child);
            }
        }
        List<PathId> deps = in.list(json, "dependencies", path, (v, at) -> {
            if (!v.isTextual()) {
                in.error(at, "error.expected.jsstring");
                return null;
            }
            return PathId.parse(v.asText()).canonical(gid);
        });
        Double scaleBy = in.number(json, "scaleBy", path, 0.0, null);
        String version = in.string(json, "version", path);
        Instant v = null;
        if (version != null) {
            try {
                v = Timestamps.parse(version);
            } catch (IllegalArgumentException e) {
                in.error(path + "/version", "error.expected.date.isoformat");
            }
        }
        Boolean enforce = in.bool(json, "enforceRole", path);
        return new GroupSpec(gid, apps, groups, deps, scaleBy, v, enforce);
    }

    private static void validateApps(Marathon m, GroupSpec spec, String path, Violations v) {
        if (spec.apps() != null) {
            for (int i = 0; i < spec.apps().size(); i++) {
                AppDefinition a = spec.apps().get(i);
                AppValidator.validate(a, path + "/apps(" + i + ")", m.validRoles(a.id()), v);
            }
        }
        if (spec.groups() != null) {
            for (int i = 0; i < spec.groups().size(); i++) validateApps(m, spec.groups().get(i), path + "/groups(" + i + ")", v);
        }
    }

    /** Marathon's GroupUpdate: version rollback, or scaleBy, or replacing what the update names. */
    static Group apply(Marathon m, Group root, GroupSpec spec, Instant version) {
        if (spec.version() != null) {
            Group old = m.storage().rootVersion(spec.version()).flatMap(r -> r.group(spec.id()))
                    .or(() -> findGroupVersion(m, spec.id(), spec.version()))
                    .orElseThrow(() -> ApiException.notFound("Group '" + spec.id() + "' does not exist in version " + Timestamps.format(spec.version())));
            Group reverted = unversioned(old);
            return spec.id().isRoot() ? reverted : root.putGroup(spec.id(), reverted, version);
        }
        if (spec.scaleBy() != null) {
            Group g = root.group(spec.id()).orElseThrow(() -> unknownGroup(spec.id()));
            Group out = root;
            for (AppDefinition a : g.transitiveApps().values()) {
                int n = (int) Math.ceil(a.instances() * spec.scaleBy());
                out = out.putApp(a.id(), a.withInstances(n).withVersionInfo(null), version);
            }
            return out;
        }
        Group existing = root.group(spec.id()).orElse(Group.empty(spec.id(), version));
        Group updated = update(existing, spec, version);
        return spec.id().isRoot() ? updated : root.putGroup(spec.id(), updated, version);
    }

    private static Group update(Group existing, GroupSpec spec, Instant version) {
        TreeMap<PathId, AppDefinition> apps = new TreeMap<>(existing.apps());
        if (spec.apps() != null) {
            apps.clear();
            for (AppDefinition a : spec.apps()) {
                AppDefinition before = existing.apps().get(a.id());
                apps.put(a.id(), before != null && before.withVersionInfo(null).equals(a) ? before : a);
            }
        }
        TreeMap<PathId, Group> groups = new TreeMap<>(existing.groups());
        if (spec.groups() != null) {
            groups.clear();
            for (GroupSpec child : spec.groups()) {
                Group before = existing.groups().getOrDefault(child.id(), Group.empty(child.id(), version));
                groups.put(child.id(), update(before, child, version));
            }
        }
        return new Group(spec.id(), apps, groups, spec.dependencies() != null ? spec.dependencies() : existing.dependencies(),
                version, spec.enforceRole() != null ? spec.enforceRole() : existing.enforceRole());
    }

    private static java.util.Optional<Group> findGroupVersion(Marathon m, PathId id, Instant v) {
        for (Instant rv : m.storage().rootVersions()) {
            java.util.Optional<Group> g = m.storage().rootVersion(rv).flatMap(r -> r.group(id)).filter(x -> x.version().equals(v));
            if (g.isPresent()) return g;
        }
        return java.util.Optional.empty();
    }

    /** The group's apps as definitions to deploy again: the deployment gives them new versions. */
    private static Group unversioned(Group g) {
        TreeMap<PathId, AppDefinition> apps = new TreeMap<>();
        g.apps().forEach((k, a) -> apps.put(k, a.withVersionInfo(null)));
        TreeMap<PathId, Group> groups = new TreeMap<>();
        g.groups().forEach((k, c) -> groups.put(k, unversioned(c)));
        return new Group(g.id(), apps, groups, g.dependencies(), g.version(), g.enforceRole());
    }
}
