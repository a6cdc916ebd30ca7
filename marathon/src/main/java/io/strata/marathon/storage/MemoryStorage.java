package io.strata.marathon.storage;

import io.strata.marathon.deployment.DeploymentPlan;
import io.strata.marathon.model.AppDefinition;
import io.strata.marathon.model.Group;
import io.strata.marathon.model.Instance;
import io.strata.marathon.model.PathId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Storage in memory: for tests and for the in-process planner harness. Same contract as {@link ZkStorage}. */
public final class MemoryStorage implements Storage {
    private Group root = Group.emptyRoot(Instant.EPOCH);
    private final TreeMap<Instant, Group> roots = new TreeMap<>();
    private final Map<PathId, TreeMap<Instant, AppDefinition>> apps = new HashMap<>();
    private final Map<String, DeploymentPlan> deployments = new LinkedHashMap<>();
    private final Map<String, Instance> instances = new LinkedHashMap<>();
    private String frameworkId;
    /** When set, the next write fails: lets tests check that a failed write changes nothing. */
    public volatile boolean failNextWrite;

    @Override
    public synchronized Snapshot load() {
        return new Snapshot(root, new ArrayList<>(deployments.values()), new ArrayList<>(instances.values()), frameworkId);
    }

    private void maybeFail() {
        if (failNextWrite) {
            failNextWrite = false;
            throw new IllegalStateException("simulated storage failure");
        }
    }

    @Override
    public synchronized void commit(Group newRoot, Collection<DeploymentPlan> started, Collection<String> finished) {
        maybeFail();
        for (AppDefinition a : newRoot.transitiveApps().values()) apps.computeIfAbsent(a.id(), k -> new TreeMap<>()).put(a.version(), a);
        root = newRoot;
        roots.put(newRoot.version(), newRoot);
        for (DeploymentPlan p : started) deployments.put(p.id(), p);
        for (String id : finished) deployments.remove(id);
    }

    @Override
    public synchronized void removeDeployment(String id) {
        deployments.remove(id);
    }

    @Override
    public synchronized void saveInstances(Collection<Instance> list) {
        maybeFail();
        for (Instance i : list) instances.put(i.instanceId(), i);
    }

    @Override
    public synchronized void removeInstances(Collection<String> ids) {
        for (String id : ids) instances.remove(id);
    }

    @Override
    public synchronized List<Instant> appVersions(PathId id) {
        TreeMap<Instant, AppDefinition> vs = apps.get(id);
        return vs == null ? List.of() : new ArrayList<>(vs.descendingKeySet());
    }

    @Override
    public synchronized Optional<AppDefinition> appVersion(PathId id, Instant version) {
        TreeMap<Instant, AppDefinition> vs = apps.get(id);
        return vs == null ? Optional.empty() : Optional.ofNullable(vs.get(version));
    }

    @Override
    public synchronized List<Instant> rootVersions() {
        return new ArrayList<>(roots.descendingKeySet());
    }

    @Override
    public synchronized Optional<Group> rootVersion(Instant version) {
        return Optional.ofNullable(roots.get(version));
    }

    @Override
    public synchronized Optional<String> frameworkId() {
        return Optional.ofNullable(frameworkId);
    }

    @Override
    public synchronized void frameworkId(String id) {
        frameworkId = id;
    }
}
