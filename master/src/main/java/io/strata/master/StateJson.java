package io.strata.master;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import io.strata.common.json.ProtoJson;
import io.strata.common.resources.Resources;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;

/**
 * The master's legacy JSON endpoints ({@code /master/state}, {@code /master/state-summary}, {@code /master/slaves},
 * {@code /master/frameworks}, {@code /master/tasks}, {@code /metrics/snapshot}) with Mesos 1.x field names, which
 * Mesos-DNS, marathon-lb, the DC/OS UI and CLI read. Runs on the master loop.
 */
public final class StateJson {
    private final Master m;

    public StateJson(Master master) {
        this.m = master;
    }

    public ObjectNode state() {
        ObjectNode o = header();
        ArrayNode slaves = o.putArray("slaves");
        for (AgentEntry a : m.agents.values()) slaves.add(agent(a, true));
        ArrayNode recovered = o.putArray("recovered_slaves");
        for (var info : m.recoveredAgents.values()) recovered.add(ProtoJson.tree(info));
        ArrayNode frameworks = o.putArray("frameworks");
        for (FrameworkEntry f : m.frameworks.values()) frameworks.add(framework(f, true));
        ArrayNode completed = o.putArray("completed_frameworks");
        for (FrameworkEntry f : m.completedFrameworks.values()) completed.add(framework(f, true));
        o.putArray("orphan_tasks");
        o.putArray("unregistered_frameworks");
        return o;
    }

    public ObjectNode header() {
        ObjectNode o = Json.object();
        o.put("version", MasterServer.MESOS_VERSION);
        o.put("git_tag", MasterServer.MESOS_VERSION);
        o.put("build_date", MasterServer.BUILD_DATE);
        o.put("build_time", MasterServer.BUILD_TIME);
        o.put("build_user", "strata");
        o.put("start_time", Master.seconds(m.startTime));
        if (m.electedTime != null) o.put("elected_time", Master.seconds(m.electedTime));
        o.put("id", m.masterInfo.getId());
        o.put("pid", m.masterInfo.getPid());
        o.put("hostname", m.masterInfo.getHostname());
        o.put("activated_slaves", m.agents.values().stream().filter(AgentEntry::connected).count());
        o.put("deactivated_slaves", m.agents.values().stream().filter(a -> !a.connected()).count());
        o.put("unreachable_slaves", m.unreachableAgents.size());
        o.put("cluster", m.config.cluster());
        o.put("leader", m.masterInfo.getPid());
        o.set("leader_info", ProtoJson.tree(m.masterInfo));
        o.set("flags", flags());
        return o;
    }

    public ObjectNode flags() {
        ObjectNode f = Json.object();
        for (Map.Entry<String, String> e : flagMap().entrySet()) f.put(e.getKey(), e.getValue());
        return f;
    }

    public Map<String, String> flagMap() {
        MasterConfig c = m.config;
        Map<String, String> f = new LinkedHashMap<>();
        f.put("agent_ping_timeout", mesosDuration(c.agentPingTimeout()));
        f.put("allocation_interval", "1secs");
        f.put("authenticate_agents", "false");
        f.put("authenticate_frameworks", "false");
        f.put("authenticate_http_frameworks", "false");
        f.put("cluster", c.cluster());
        f.put("hostname", c.advertisedHost());
        f.put("ip", c.bindHost());
        f.put("max_agent_ping_timeouts", Integer.toString(c.maxAgentPingTimeouts()));
        if (c.offerTimeout() != null) f.put("offer_timeout", mesosDuration(c.offerTimeout()));
        f.put("port", Integer.toString(c.port()));
        f.put("quorum", "1");
        f.put("registry", "zookeeper");
        f.put("weights", c.weights() == null ? "" : String.join(",",
                c.weights().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
        f.put("work_dir", c.workDir() == null ? "" : c.workDir().toString());
        f.put("zk", c.zk() == null ? "" : c.zk());
        return f;
    }

    /** A duration as Mesos prints one: the largest unit that is at least one, e.g. "15secs", "100ms", "2mins". */
    static String mesosDuration(java.time.Duration d) {
        long nanos = d.toNanos();
        String[] units = {"weeks", "days", "hrs", "mins", "secs", "ms", "us", "ns"};
        long[] sizes = {7L * 86_400_000_000_000L, 86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L,
                1_000_000_000L, 1_000_000L, 1_000L, 1L};
        for (int i = 0; i < units.length; i++) {
            if (Math.abs(nanos) >= sizes[i] || i == units.length - 1) {
                java.math.BigDecimal v = java.math.BigDecimal.valueOf(nanos)
                        .divide(java.math.BigDecimal.valueOf(sizes[i]), 6, java.math.RoundingMode.HALF_UP).stripTrailingZeros();
                return v.toPlainString() + units[i];
            }
        }
        return nanos + "ns";
    }

    public ObjectNode summary() {
        ObjectNode o = Json.object();
        o.put("hostname", m.masterInfo.getHostname());
        o.put("cluster", m.config.cluster());
        ArrayNode slaves = o.putArray("slaves");
        for (AgentEntry a : m.agents.values()) {
            ObjectNode s = agent(a, false);
            Map<TaskState, Integer> counts = new EnumMap<>(TaskState.class);
            Set<String> fids = new LinkedHashSet<>();
            for (TaskEntry t : a.tasks.values()) {
                counts.merge(t.task.getState(), 1, Integer::sum);
                fids.add(t.frameworkId);
            }
            putCounts(s, counts);
            ArrayNode ids = s.putArray("framework_ids");
            fids.forEach(ids::add);
            slaves.add(s);
        }
        ArrayNode frameworks = o.putArray("frameworks");
        for (FrameworkEntry f : m.frameworks.values()) {
            ObjectNode fj = framework(f, false);
            Map<TaskState, Integer> counts = new EnumMap<>(TaskState.class);
            Set<String> aids = new LinkedHashSet<>();
            for (TaskEntry t : f.tasks.values()) {
                counts.merge(t.task.getState(), 1, Integer::sum);
                aids.add(t.agentId);
            }
            for (Task t : f.completedTasks) counts.merge(t.getState(), 1, Integer::sum);
            putCounts(fj, counts);
            ArrayNode ids = fj.putArray("slave_ids");
            aids.forEach(ids::add);
            frameworks.add(fj);
        }
        return o;
    }

    private static void putCounts(ObjectNode o, Map<TaskState, Integer> counts) {
        for (TaskState s : new TaskState[] {TaskState.TASK_STAGING, TaskState.TASK_STARTING, TaskState.TASK_RUNNING,
                TaskState.TASK_KILLING, TaskState.TASK_FINISHED, TaskState.TASK_KILLED, TaskState.TASK_FAILED,
                TaskState.TASK_LOST, TaskState.TASK_ERROR, TaskState.TASK_UNREACHABLE}) {
            o.put(s.name(), counts.getOrDefault(s, 0));
        }
    }

    public ObjectNode slaves() {
        ObjectNode o = Json.object();
        ArrayNode a = o.putArray("slaves");
        for (AgentEntry e : m.agents.values()) a.add(agent(e, true));
        ArrayNode r = o.putArray("recovered_slaves");
        for (var info : m.recoveredAgents.values()) r.add(ProtoJson.tree(info));
        return o;
    }

    public ObjectNode frameworks() {
        ObjectNode o = Json.object();
        ArrayNode a = o.putArray("frameworks");
        for (FrameworkEntry f : m.frameworks.values()) a.add(framework(f, true));
        ArrayNode c = o.putArray("completed_frameworks");
        for (FrameworkEntry f : m.completedFrameworks.values()) c.add(framework(f, true));
        o.putArray("unregistered_frameworks");
        return o;
    }

    public ObjectNode tasks(int limit, int offset, boolean descending, String frameworkFilter, String taskFilter) {
        ArrayNode all = Json.MAPPER.createArrayNode();
        for (FrameworkEntry f : m.frameworks.values()) {
            if (frameworkFilter != null && !frameworkFilter.equals(f.id)) continue;
            for (TaskEntry t : f.tasks.values()) if (taskFilter == null || taskFilter.equals(t.taskId())) all.add(task(t.task));
            for (Task t : f.unreachableTasks.values()) if (taskFilter == null || taskFilter.equals(t.getTaskId().getValue())) all.add(task(t));
            for (Task t : f.completedTasks) if (taskFilter == null || taskFilter.equals(t.getTaskId().getValue())) all.add(task(t));
        }
        java.util.List<JsonNode> list = new java.util.ArrayList<>();
        all.forEach(list::add);
        list.sort((x, y) -> Double.compare(startTime(x), startTime(y)) * (descending ? -1 : 1));
        ObjectNode o = Json.object();
        ArrayNode out = o.putArray("tasks");
        for (int i = Math.max(0, offset); i < list.size() && out.size() < limit; i++) out.add(list.get(i));
        return o;
    }

    private static double startTime(JsonNode task) {
        JsonNode statuses = task.get("statuses");
        return statuses != null && statuses.size() > 0 ? statuses.get(0).path("timestamp").asDouble() : 0;
    }

    ObjectNode agent(AgentEntry a, boolean full) {
        ObjectNode s = Json.object();
        s.put("id", a.id);
        s.put("pid", a.pid());
        s.put("hostname", a.info.getHostname());
        s.put("port", a.info.getPort());
        if (a.info.hasDomain()) s.set("domain", ProtoJson.tree(a.info.getDomain()));
        s.put("registered_time", Master.seconds(a.registeredTime));
        if (a.reregisteredTime != null) s.put("reregistered_time", Master.seconds(a.reregisteredTime));
        s.set("resources", resources(a.total));
        s.set("used_resources", resources(a.used));
        s.set("offered_resources", resources(a.offered));
        ObjectNode reserved = s.putObject("reserved_resources");
        for (String role : a.total.reservationRoles()) reserved.set(role, resources(a.total.reservedFor(role)));
        s.set("unreserved_resources", resources(a.total.unreserved()));
        s.set("attributes", attributes(a.info.getAttributesList()));
        s.put("active", a.connected());
        s.put("deactivated", false);
        s.put("version", MasterServer.MESOS_VERSION);
        ArrayNode caps = s.putArray("capabilities");
        for (String c : new String[] {"MULTI_ROLE", "HIERARCHICAL_ROLE", "RESERVATION_REFINEMENT", "TASK_NO_EXECUTOR"}) caps.add(c);
        if (full) {
            ObjectNode reservedFull = s.putObject("reserved_resources_full");
            for (String role : a.total.reservationRoles()) reservedFull.set(role, resourceList(a.total.reservedFor(role)));
            s.set("unreserved_resources_full", resourceList(a.total.unreserved()));
            s.set("used_resources_full", resourceList(a.used));
            s.set("offered_resources_full", resourceList(a.offered));
        }
        return s;
    }

    ObjectNode framework(FrameworkEntry f, boolean full) {
        ObjectNode o = Json.object();
        var info = f.info;
        o.put("id", f.id);
        o.put("name", info.getName());
        o.set("used_resources", resources(f.used));
        o.set("offered_resources", resources(f.offered));
        ArrayNode caps = o.putArray("capabilities");
        info.getCapabilitiesList().forEach(c -> caps.add(c.getType().name()));
        o.put("hostname", info.getHostname());
        o.put("webui_url", info.getWebuiUrl());
        o.put("active", f.active);
        o.put("connected", f.connected());
        o.put("recovered", f.recovered);
        if (!full) return o;
        o.put("user", info.getUser());
        o.put("failover_timeout", info.getFailoverTimeout());
        o.put("checkpoint", info.getCheckpoint());
        o.put("registered_time", Master.seconds(f.registeredTime));
        o.put("unregistered_time", f.unregisteredTime == null ? 0 : Master.seconds(f.unregisteredTime));
        if (f.reregisteredTime != null) o.put("reregistered_time", Master.seconds(f.reregisteredTime));
        if (info.hasPrincipal()) o.put("principal", info.getPrincipal());
        java.util.List<String> roles = f.roles();
        if (f.hasCapability(org.apache.mesos.v1.Protos.FrameworkInfo.Capability.Type.MULTI_ROLE)) {
            ArrayNode r = o.putArray("roles");
            roles.forEach(r::add);
        } else {
            o.put("role", roles.get(0));
        }
        o.set("resources", resources(f.used.plus(f.offered)));
        ArrayNode tasks = o.putArray("tasks");
        for (TaskEntry t : f.tasks.values()) tasks.add(task(t.task));
        ArrayNode unreachable = o.putArray("unreachable_tasks");
        for (Task t : f.unreachableTasks.values()) unreachable.add(task(t));
        ArrayNode completed = o.putArray("completed_tasks");
        for (Task t : f.completedTasks) completed.add(task(t));
        ArrayNode offers = o.putArray("offers");
        for (OfferEntry e : f.offers.values()) offers.add(offer(e));
        o.putArray("executors");
        if (info.hasLabels()) o.set("labels", labels(info.getLabels().getLabelsList()));
        return o;
    }

    ObjectNode offer(OfferEntry e) {
        Offer offer = e.offer();
        ObjectNode o = Json.object();
        o.put("id", e.id());
        o.put("framework_id", e.frameworkId());
        o.put("slave_id", e.agentId());
        o.set("resources", resources(e.resources()));
        o.putObject("allocation_info").put("role", e.role());
        o.put("hostname", offer.getHostname());
        return o;
    }

    static ObjectNode task(Task t) {
        ObjectNode o = Json.object();
        o.put("id", t.getTaskId().getValue());
        o.put("name", t.getName());
        o.put("framework_id", t.getFrameworkId().getValue());
        o.put("executor_id", t.hasExecutorId() ? t.getExecutorId().getValue() : "");
        o.put("slave_id", t.getAgentId().getValue());
        o.put("state", t.getState().name());
        Resources res = Resources.of(t.getResourcesList());
        o.set("resources", resources(res));
        for (Resource r : t.getResourcesList()) {
            if (r.hasAllocationInfo()) {
                o.put("role", r.getAllocationInfo().getRole());
                break;
            }
        }
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
        if (s.hasContainerStatus()) o.set("container_status", ProtoJson.tree(s.getContainerStatus()));
        if (s.hasHealthy()) o.put("healthy", s.getHealthy());
        if (s.hasMessage()) o.put("message", s.getMessage());
        return o;
    }

    static ObjectNode resources(Resources r) {
        ObjectNode o = Json.object();
        for (Map.Entry<String, Object> e : r.toStateJson().entrySet()) o.set(e.getKey(), Json.MAPPER.valueToTree(e.getValue()));
        return o;
    }

    static ArrayNode resourceList(Resources r) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (Resource res : r.toList()) a.add(ProtoJson.tree(res));
        return a;
    }

    static ArrayNode labels(java.util.List<Label> labels) {
        return io.strata.common.json.MesosJson.labels(labels);
    }

    static ObjectNode attributes(java.util.List<Attribute> attributes) {
        return io.strata.common.json.MesosJson.attributes(attributes);
    }

    public ObjectNode metrics(boolean elected) {
        ObjectNode o = Json.object();
        o.put("master/elected", elected ? 1 : 0);
        o.put("master/uptime_secs", java.time.Duration.between(m.startTime, m.now()).toMillis() / 1000.0);
        long active = m.agents.values().stream().filter(AgentEntry::connected).count();
        o.put("master/slaves_active", active);
        o.put("master/slaves_connected", active);
        o.put("master/slaves_disconnected", m.agents.size() - active);
        o.put("master/slaves_inactive", 0);
        o.put("master/slaves_unreachable", m.unreachableAgents.size());
        o.put("master/slave_registrations", m.agentRegistrations);
        o.put("master/slave_reregistrations", m.agentReregistrations);
        o.put("master/slave_removals", m.agentRemovals);
        long fwActive = m.frameworks.values().stream().filter(f -> f.active).count();
        long fwConnected = m.frameworks.values().stream().filter(FrameworkEntry::connected).count();
        o.put("master/frameworks_active", fwActive);
        o.put("master/frameworks_inactive", m.frameworks.size() - fwActive);
        o.put("master/frameworks_connected", fwConnected);
        o.put("master/frameworks_disconnected", m.frameworks.size() - fwConnected);
        o.put("master/outstanding_offers", m.offers.size());
        Map<TaskState, Long> live = new EnumMap<>(TaskState.class);
        for (FrameworkEntry f : m.frameworks.values()) {
            for (TaskEntry t : f.tasks.values()) live.merge(t.task.getState(), 1L, Long::sum);
            live.merge(TaskState.TASK_UNREACHABLE, (long) f.unreachableTasks.size(), Long::sum);
        }
        for (TaskState s : new TaskState[] {TaskState.TASK_STAGING, TaskState.TASK_STARTING, TaskState.TASK_RUNNING,
                TaskState.TASK_KILLING, TaskState.TASK_UNREACHABLE}) {
            o.put("master/" + s.name().toLowerCase(java.util.Locale.ROOT).replace("task_", "tasks_"), live.getOrDefault(s, 0L));
        }
        for (TaskState s : new TaskState[] {TaskState.TASK_FINISHED, TaskState.TASK_FAILED, TaskState.TASK_KILLED,
                TaskState.TASK_LOST, TaskState.TASK_ERROR, TaskState.TASK_DROPPED, TaskState.TASK_GONE}) {
            o.put("master/" + s.name().toLowerCase(java.util.Locale.ROOT).replace("task_", "tasks_"), m.terminalCounts.getOrDefault(s, 0L));
        }
        Resources total = Resources.empty();
        Resources used = Resources.empty();
        for (AgentEntry a : m.agents.values()) {
            total = total.plus(a.total);
            used = used.plus(a.used);
        }
        for (String r : new String[] {"cpus", "mem", "disk", "gpus"}) {
            double t = total.scalar(r);
            double u = used.scalar(r);
            o.put("master/" + r + "_total", t);
            o.put("master/" + r + "_used", u);
            o.put("master/" + r + "_percent", t == 0 ? 0 : u / t);
        }
        o.put("master/invalid_scheduler_calls", m.invalidSchedulerCalls);
        return o;
    }
}
