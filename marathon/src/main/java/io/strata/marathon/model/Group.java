package io.strata.marathon.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A node of Marathon's group tree; the root group ({@code /}) is the whole desired state. Immutable: every change
 * returns a new root in which the groups along the changed path carry the new version.
 *
 * @param apps   apps directly in this group, by id
 * @param groups child groups, by id
 * @param enforceRole Marathon 1.9+: whether apps in this top-level group must use the group's role; null = not set
 */
public record Group(PathId id, SortedMap<PathId, AppDefinition> apps, SortedMap<PathId, Group> groups,
                    List<PathId> dependencies, Instant version, Boolean enforceRole) {

    public Group {
        apps = Collections.unmodifiableSortedMap(new TreeMap<>(apps == null ? Map.of() : apps));
        groups = Collections.unmodifiableSortedMap(new TreeMap<>(groups == null ? Map.of() : groups));
        dependencies = dependencies == null ? List.of() : List.copyOf(dependencies);
    }

    public static Group emptyRoot(Instant version) {
        return new Group(PathId.ROOT, null, null, null, version, null);
    }

    public static Group empty(PathId id, Instant version) {
        return new Group(id, null, null, null, version, id.segments().size() == 1 ? Boolean.FALSE : null);
    }

    public boolean isRoot() {
        return id.isRoot();
    }

    public Optional<Group> group(PathId gid) {
        if (gid.equals(id)) return Optional.of(this);
        if (!gid.isUnder(id)) return Optional.empty();
        PathId next = PathId.absolute(gid.segments().subList(0, id.segments().size() + 1));
        Group child = groups.get(next);
        return child == null ? Optional.empty() : child.group(gid);
    }

    public Optional<AppDefinition> app(PathId appId) {
        if (appId.isRoot()) return Optional.empty();
        return group(appId.parent()).map(g -> g.apps.get(appId));
    }

    /** Every app in this group and below, sorted by id. */
    public SortedMap<PathId, AppDefinition> transitiveApps() {
        SortedMap<PathId, AppDefinition> out = new TreeMap<>();
        collectApps(out);
        return out;
    }

    private void collectApps(Map<PathId, AppDefinition> out) {
        out.putAll(apps);
        for (Group g : groups.values()) g.collectApps(out);
    }

    /** Every group below this one (not this one), sorted by id. */
    public List<Group> transitiveGroups() {
        List<Group> out = new ArrayList<>();
        for (Group g : groups.values()) {
            out.add(g);
            out.addAll(g.transitiveGroups());
        }
        return out;
    }

    /** True when an app or a group has this id. */
    public boolean exists(PathId pid) {
        return app(pid).isPresent() || group(pid).isPresent();
    }

    public Group withVersion(Instant v) {
        return new Group(id, apps, groups, dependencies, v, enforceRole);
    }

    public Group withDependencies(List<PathId> deps) {
        return new Group(id, apps, groups, deps, version, enforceRole);
    }

    public Group withEnforceRole(Boolean enforce) {
        return new Group(id, apps, groups, dependencies, version, enforce);
    }

    /**
     * Puts (or with {@code app == null} removes) an app, creating missing parent groups; groups along the path get
     * {@code version}. Must be called on the root.
     */
    public Group putApp(PathId appId, AppDefinition app, Instant v) {
        PathId parentId = appId.parent();
        return updateGroup(parentId, g -> {
            TreeMap<PathId, AppDefinition> a = new TreeMap<>(g.apps);
            if (app == null) a.remove(appId);
            else a.put(appId, app);
            return new Group(g.id, a, g.groups, g.dependencies, v, g.enforceRole);
        }, v);
    }

    /** Replaces (or with {@code replacement == null} removes) the group with id {@code gid}. Call on the root. */
    public Group putGroup(PathId gid, Group replacement, Instant v) {
        if (gid.isRoot()) return replacement == null ? emptyRoot(v) : replacement;
        return updateGroup(gid.parent(), parent -> {
            TreeMap<PathId, Group> gs = new TreeMap<>(parent.groups);
            if (replacement == null) gs.remove(gid);
            else gs.put(gid, replacement);
            return new Group(parent.id, parent.apps, gs, parent.dependencies, v, parent.enforceRole);
        }, v);
    }

    /** Applies {@code change} to the group {@code gid} (created empty if missing) and re-versions the path to it. */
    public Group updateGroup(PathId gid, java.util.function.UnaryOperator<Group> change, Instant v) {
        if (gid.equals(id)) return change.apply(this);
        PathId next = PathId.absolute(gid.segments().subList(0, id.segments().size() + 1));
        Group child = groups.getOrDefault(next, Group.empty(next, v));
        TreeMap<PathId, Group> gs = new TreeMap<>(groups);
        gs.put(next, child.updateGroup(gid, change, v));
        return new Group(id, apps, gs, dependencies, v, enforceRole);
    }

    /** All ids (apps and groups) that are used twice, e.g. an app and a group both called /a. */
    public Set<PathId> idClashes() {
        Set<PathId> clashes = new LinkedHashSet<>();
        Set<PathId> groupIds = new LinkedHashSet<>();
        for (Group g : transitiveGroups()) groupIds.add(g.id);
        for (PathId a : transitiveApps().keySet()) if (groupIds.contains(a)) clashes.add(a);
        return clashes;
    }

    /** Apps of the whole tree with the dependencies they inherit from their groups resolved to app ids. */
    public Map<PathId, Set<PathId>> appDependencies() {
        Map<PathId, Set<PathId>> out = new TreeMap<>();
        SortedMap<PathId, AppDefinition> all = transitiveApps();
        for (AppDefinition app : all.values()) {
            Set<PathId> deps = new LinkedHashSet<>();
            List<PathId> declared = new ArrayList<>(app.dependencies());
            for (PathId anc : app.id().ancestors()) group(anc).ifPresent(g -> declared.addAll(g.dependencies()));
            for (PathId d : declared) {
                if (all.containsKey(d)) deps.add(d);
                else group(d).ifPresent(g -> deps.addAll(g.transitiveApps().keySet()));
            }
            deps.remove(app.id());
            out.put(app.id(), deps);
        }
        return out;
    }
}
