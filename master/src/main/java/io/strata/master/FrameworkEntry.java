package io.strata.master;

import io.strata.common.resources.Resources;
import io.strata.master.stream.EventStream;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.scheduler.Protos.Event;

/** The master's view of one framework. Owned by the master loop. */
final class FrameworkEntry {
    static final int MAX_COMPLETED_TASKS = 1000;
    final String id;
    FrameworkInfo info;
    EventStream<Event> stream; // null while disconnected
    boolean active;
    /** Known from the registry or an agent, but not re-subscribed since this master started leading. */
    boolean recovered;
    final Set<String> suppressedRoles = new HashSet<>();
    final Map<String, OfferEntry> offers = new LinkedHashMap<>();
    final Map<String, TaskEntry> tasks = new LinkedHashMap<>();          // by task id
    final Map<String, Task> unreachableTasks = new LinkedHashMap<>();    // partition-aware tasks on unreachable agents
    final Deque<Task> completedTasks = new ArrayDeque<>();
    /**
     * What the framework holds over all agents, scalars only (cpus, mem, disk, gpus): what DRF and the state
     * endpoints need. Ranges and sets are left out because the same port on two agents is two resources, but
     * one range once added together, which could not be subtracted again.
     */
    Resources used = Resources.empty();
    Resources offered = Resources.empty();

    void addUsed(Resources r) {
        used = used.plus(scalars(r));
    }

    void removeUsed(Resources r) {
        used = used.minus(scalars(r));
    }

    void addOffered(Resources r) {
        offered = offered.plus(scalars(r));
    }

    void removeOffered(Resources r) {
        offered = offered.minus(scalars(r));
    }

    static Resources scalars(Resources r) {
        java.util.List<org.apache.mesos.v1.Protos.Resource> list = new java.util.ArrayList<>();
        for (var res : r.toList()) if (res.getType() == org.apache.mesos.v1.Protos.Value.Type.SCALAR) list.add(res);
        return list.size() == r.toList().size() ? r : Resources.of(list);
    }
    Instant registeredTime;
    Instant reregisteredTime;
    Instant unregisteredTime;
    ScheduledFuture<?> failoverTimer;

    FrameworkEntry(String id, FrameworkInfo info, Instant now) {
        this.id = id;
        this.info = info;
        this.registeredTime = now;
    }

    boolean connected() {
        return stream != null && !stream.isClosed();
    }

    List<String> roles() {
        if (hasCapability(FrameworkInfo.Capability.Type.MULTI_ROLE)) {
            return info.getRolesCount() == 0 ? List.of("*") : new ArrayList<>(info.getRolesList());
        }
        return List.of(info.hasRole() ? info.getRole() : "*");
    }

    boolean hasCapability(FrameworkInfo.Capability.Type type) {
        for (FrameworkInfo.Capability c : info.getCapabilitiesList()) if (c.getType() == type) return true;
        return false;
    }

    boolean partitionAware() {
        return hasCapability(FrameworkInfo.Capability.Type.PARTITION_AWARE);
    }

    void complete(Task task) {
        completedTasks.addLast(task);
        while (completedTasks.size() > MAX_COMPLETED_TASKS) completedTasks.removeFirst();
    }
}
