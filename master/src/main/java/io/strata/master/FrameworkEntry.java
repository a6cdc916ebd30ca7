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
    Resources used = Resources.empty();
    Resources offered = Resources.empty();
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
