package io.strata.marathon.storage;

import io.strata.marathon.deployment.DeploymentPlan;
import io.strata.marathon.model.AppDefinition;
import io.strata.marathon.model.Group;
import io.strata.marathon.model.Instance;
import io.strata.marathon.model.PathId;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Where Marathon's state lives: the root group with its versions, every app version, running deployments,
 * instances and the framework id. Writes return only once stored, so the API can acknowledge after them.
 */
public interface Storage extends AutoCloseable {
    record Snapshot(Group root, List<DeploymentPlan> deployments, List<Instance> instances, String frameworkId) {}

    /** Everything, for a Marathon that has just been elected. The root is empty on a fresh store. */
    Snapshot load();

    /**
     * Stores a new root group (and the app versions it refers to) together with deployments started and finished
     * by the change: all or nothing.
     */
    void commit(Group root, Collection<DeploymentPlan> started, Collection<String> finished);

    void removeDeployment(String id);

    void saveInstances(Collection<Instance> instances);

    void removeInstances(Collection<String> instanceIds);

    /** Versions of an app, newest first. */
    List<Instant> appVersions(PathId id);

    Optional<AppDefinition> appVersion(PathId id, Instant version);

    /** Versions of the root group, newest first. */
    List<Instant> rootVersions();

    Optional<Group> rootVersion(Instant version);

    Optional<String> frameworkId();

    void frameworkId(String id);

    @Override
    default void close() {}
}
