package io.strata.agent.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import io.strata.common.json.ProtoJson;
import io.strata.common.resources.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskStatus;

/**
 * The agent's {@code /state} document in the shape Mesos 1.11's agent writes it (src/slave/http.cpp and
 * src/common/http.cpp): resources as name → value maps, attributes as name → value, tasks with their
 * statuses (state, timestamp, container_status, healthy), labels as a list of key/value objects.
 */
public final class StateJson {
    public static final String MESOS_VERSION = "1.11.0";
    /** The Mesos agent capabilities this agent has (multi-role frameworks, role hierarchies, refined reservations). */
    static final List<String> CAPABILITIES = List.of("MULTI_ROLE", "HIERARCHICAL_ROLE", "RESERVATION_REFINEMENT");

    private StateJson() {}

    public static ObjectNode render(AgentState s) {
        ObjectNode o = Json.object();
        o.put("version", MESOS_VERSION);
        o.put("build_date", "");
        o.put("build_time", 0);
        o.put("build_user", "");
        o.put("start_time", s.startTime());
        o.put("id", s.agentId() == null ? "" : s.agentId());
        o.put("pid", "slave(1)@" + s.hostname() + ":" + s.port());
        o.put("hostname", s.hostname());
        ArrayNode caps = o.putArray("capabilities");
        CAPABILITIES.forEach(caps::add);
        Resources total = Resources.of(s.resources());
        o.set("resources", json(total));
        ObjectNode reserved = o.putObject("reserved_resources");
        ObjectNode reservedFull = o.putObject("reserved_resources_full");
        for (String role : total.reservationRoles()) {
            Resources r = total.reservedFor(role);
            reserved.set(role, json(r));
            ArrayNode full = reservedFull.putArray(role);
            r.toList().forEach(x -> full.add(ProtoJson.tree(x)));
        }
        Resources unreserved = total.unreserved();
        o.set("unreserved_resources", json(unreserved));
        ArrayNode unreservedFull = o.putArray("unreserved_resources_full");
        unreserved.toList().forEach(x -> unreservedFull.add(ProtoJson.tree(x)));
        o.putObject("reserved_resources_allocated");
        o.set("unreserved_resources_allocated", resources(List.of()));
        o.putArray("resource_providers");
        o.set("attributes", attributes(s.attributes()));
        if (s.masterHostPort() != null) {
            String host = s.masterHostPort();
            int colon = host.lastIndexOf(':');
            o.put("master_hostname", colon > 0 ? host.substring(0, colon) : host);
        }
        ObjectNode flags = o.putObject("flags");
        s.flags().forEach(flags::put);
        ArrayNode fws = o.putArray("frameworks");
        for (AgentState.FrameworkView f : s.frameworks()) fws.add(framework(f));
        ArrayNode done = o.putArray("completed_frameworks");
        for (AgentState.FrameworkView f : s.completedFrameworks()) done.add(framework(f));
        return o;
    }

    @SuppressWarnings("deprecation") // FrameworkInfo.role: single-role frameworks still use it
    static ObjectNode framework(AgentState.FrameworkView f) {
        FrameworkInfo info = f.info();
        ObjectNode o = Json.object();
        o.put("id", info.getId().getValue());
        o.put("name", info.getName());
        o.put("user", info.getUser());
        o.put("failover_timeout", info.getFailoverTimeout());
        o.put("checkpoint", info.getCheckpoint());
        o.put("hostname", info.getHostname());
        if (info.hasPrincipal()) o.put("principal", info.getPrincipal());
        boolean multiRole = info.getCapabilitiesList().stream()
                .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.MULTI_ROLE);
        if (multiRole) {
            ArrayNode roles = o.putArray("roles");
            info.getRolesList().forEach(roles::add);
        } else {
            o.put("role", info.hasRole() ? info.getRole() : "*");
        }
        ArrayNode ex = o.putArray("executors");
        for (AgentState.ExecutorView e : f.executors()) ex.add(executor(e));
        ArrayNode done = o.putArray("completed_executors");
        for (AgentState.ExecutorView e : f.completedExecutors()) done.add(executor(e));
        return o;
    }

    @SuppressWarnings("deprecation") // ExecutorInfo.source
    static ObjectNode executor(AgentState.ExecutorView e) {
        ExecutorInfo info = e.info();
        ObjectNode o = Json.object();
        o.put("id", info.getExecutorId().getValue());
        o.put("name", info.getName());
        o.put("source", info.getSource());
        o.put("container", e.containerId());
        o.put("directory", e.directory());
        o.set("resources", resources(e.resources()));
        if (info.getResourcesCount() > 0) o.put("role", role(info.getResources(0)));
        if (info.hasLabels()) o.set("labels", labels(info.getLabels().getLabelsList()));
        if (info.hasType()) o.put("type", info.getType().name());
        ArrayNode tasks = o.putArray("tasks");
        e.tasks().forEach(t -> tasks.add(task(t)));
        o.putArray("queued_tasks");
        ArrayNode done = o.putArray("completed_tasks");
        e.completedTasks().forEach(t -> done.add(task(t)));
        return o;
    }

    public static ObjectNode task(Task t) {
        ObjectNode o = Json.object();
        o.put("id", t.getTaskId().getValue());
        o.put("name", t.getName());
        o.put("framework_id", t.getFrameworkId().getValue());
        o.put("executor_id", t.getExecutorId().getValue());
        o.put("slave_id", t.getAgentId().getValue());
        o.put("state", t.getState().name());
        o.set("resources", resources(t.getResourcesList()));
        o.put("role", t.getResourcesCount() > 0 ? role(t.getResources(0)) : "*");
        ArrayNode statuses = o.putArray("statuses");
        for (TaskStatus s : t.getStatusesList()) statuses.add(status(s));
        if (t.hasUser()) o.put("user", t.getUser());
        if (t.hasLabels()) o.set("labels", labels(t.getLabels().getLabelsList()));
        if (t.hasDiscovery()) o.set("discovery", ProtoJson.tree(t.getDiscovery()));
        if (t.hasContainer()) o.set("container", ProtoJson.tree(t.getContainer()));
        if (t.hasHealthCheck()) o.set("health_check", ProtoJson.tree(t.getHealthCheck()));
        return o;
    }

    static ObjectNode status(TaskStatus s) {
        ObjectNode o = Json.object();
        o.put("state", s.getState().name());
        o.put("timestamp", s.getTimestamp());
        if (s.hasLabels()) o.set("labels", labels(s.getLabels().getLabelsList()));
        if (s.hasContainerStatus()) {
            ObjectNode c = o.putObject("container_status");
            var cs = s.getContainerStatus();
            if (cs.hasContainerId()) c.set("container_id", ProtoJson.tree(cs.getContainerId()));
            if (cs.getNetworkInfosCount() > 0) {
                ArrayNode nets = c.putArray("network_infos");
                for (var n : cs.getNetworkInfosList()) {
                    ObjectNode net = (ObjectNode) ProtoJson.tree(n);
                    if (n.hasLabels()) net.set("labels", labels(n.getLabels().getLabelsList()));
                    nets.add(net);
                }
            }
            if (cs.hasCgroupInfo()) c.set("cgroup_info", ProtoJson.tree(cs.getCgroupInfo()));
        }
        if (s.hasHealthy()) o.put("healthy", s.getHealthy());
        return o;
    }

    static ArrayNode labels(List<Label> labels) {
        return io.strata.common.json.MesosJson.labels(labels);
    }

    static ObjectNode attributes(List<Attribute> attributes) {
        return io.strata.common.json.MesosJson.attributes(attributes);
    }

    /** Resources in Mesos' /state form (cpus, mem, disk, gpus, ports as "[a-b]"), by the shared Resources type. */
    static JsonNode resources(List<Resource> resources) {
        try {
            return json(Resources.of(resources));
        } catch (IllegalArgumentException e) {
            return json(Resources.empty()); // never for validated tasks; /state must render regardless
        }
    }

    private static JsonNode json(Resources r) {
        return Json.MAPPER.valueToTree(r.toStateJson());
    }

    /** The role a resource is reserved for (the last reservation in refined form), or null when unreserved. */
    @SuppressWarnings("deprecation")
    static String reservationRole(Resource r) {
        if (r.getReservationsCount() > 0) return r.getReservations(r.getReservationsCount() - 1).getRole();
        if (r.hasRole() && !r.getRole().equals("*")) return r.getRole();
        return null;
    }

    /** The role a task's resource is allocated to (Mesos' "role" of a task), "*" when unknown. */
    static String role(Resource r) {
        if (r.hasAllocationInfo() && r.getAllocationInfo().hasRole()) return r.getAllocationInfo().getRole();
        String reserved = reservationRole(r);
        return reserved == null ? "*" : reserved;
    }

    /** Mesos' /metrics/snapshot: a flat JSON object of numbers. */
    public static ObjectNode metrics(Map<String, Double> counters) {
        ObjectNode o = Json.object();
        counters.forEach(o::put);
        return o;
    }
}
