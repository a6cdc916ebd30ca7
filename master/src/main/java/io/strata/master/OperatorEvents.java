package io.strata.master;

import io.strata.common.resources.Resources;
import io.strata.master.stream.EventStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Role;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.master.Protos.Event;
import org.apache.mesos.v1.master.Protos.Response;

/**
 * The operator API's view of the master (v1 {@code master.Response} messages), and the fan-out of operator
 * events to SUBSCRIBE streams. Runs on the master loop.
 */
public final class OperatorEvents {
    private final Master master;
    private final List<EventStream<Event>> subscribers = new ArrayList<>();

    OperatorEvents(Master master) {
        this.master = master;
    }

    public void subscribe(EventStream<Event> stream) {
        subscribers.add(stream);
        stream.send(Event.newBuilder().setType(Event.Type.SUBSCRIBED)
                .setSubscribed(Event.Subscribed.newBuilder().setGetState(getState())
                        .setHeartbeatIntervalSeconds(master.config.heartbeatInterval().toMillis() / 1000.0))
                .build());
    }

    public void unsubscribe(EventStream<Event> stream) {
        subscribers.remove(stream);
    }

    private void publish(Event event) {
        if (subscribers.isEmpty()) return;
        subscribers.removeIf(EventStream::isClosed);
        for (EventStream<Event> s : subscribers) s.send(event);
    }

    void closeAll() {
        for (EventStream<Event> s : subscribers) s.close();
        subscribers.clear();
    }

    void taskAdded(Task task) {
        if (subscribers.isEmpty()) return;
        publish(Event.newBuilder().setType(Event.Type.TASK_ADDED).setTaskAdded(Event.TaskAdded.newBuilder().setTask(task)).build());
    }

    void taskUpdated(Task task, TaskStatus status) {
        if (subscribers.isEmpty()) return;
        publish(Event.newBuilder().setType(Event.Type.TASK_UPDATED).setTaskUpdated(Event.TaskUpdated.newBuilder()
                .setFrameworkId(task.getFrameworkId()).setStatus(status).setState(task.getState())).build());
    }

    void agentAdded(AgentEntry agent) {
        if (subscribers.isEmpty()) return;
        publish(Event.newBuilder().setType(Event.Type.AGENT_ADDED).setAgentAdded(Event.AgentAdded.newBuilder().setAgent(agent(agent))).build());
    }

    void agentRemoved(String agentId) {
        if (subscribers.isEmpty()) return;
        publish(Event.newBuilder().setType(Event.Type.AGENT_REMOVED)
                .setAgentRemoved(Event.AgentRemoved.newBuilder().setAgentId(AgentID.newBuilder().setValue(agentId))).build());
    }

    void frameworkAdded(FrameworkEntry fw) {
        if (subscribers.isEmpty()) return;
        publish(Event.newBuilder().setType(Event.Type.FRAMEWORK_ADDED)
                .setFrameworkAdded(Event.FrameworkAdded.newBuilder().setFramework(framework(fw))).build());
    }

    void frameworkUpdated(FrameworkEntry fw) {
        if (subscribers.isEmpty()) return;
        publish(Event.newBuilder().setType(Event.Type.FRAMEWORK_UPDATED)
                .setFrameworkUpdated(Event.FrameworkUpdated.newBuilder().setFramework(framework(fw))).build());
    }

    void frameworkRemoved(FrameworkEntry fw) {
        if (subscribers.isEmpty()) return;
        publish(Event.newBuilder().setType(Event.Type.FRAMEWORK_REMOVED)
                .setFrameworkRemoved(Event.FrameworkRemoved.newBuilder().setFrameworkInfo(fw.info)).build());
    }

    // ------------------------------------------------------------------ views

    Response.GetAgents.Agent agent(AgentEntry a) {
        Response.GetAgents.Agent.Builder b = Response.GetAgents.Agent.newBuilder()
                .setAgentInfo(a.info)
                .setActive(a.connected())
                .setDeactivated(false)
                .setVersion(MasterServer.MESOS_VERSION)
                .setPid(a.pid())
                .setRegisteredTime(Master.timeInfo(a.registeredTime))
                .addAllTotalResources(a.total.toList())
                .addAllAllocatedResources(a.used.toList())
                .addAllOfferedResources(a.offered.toList());
        if (a.reregisteredTime != null) b.setReregisteredTime(Master.timeInfo(a.reregisteredTime));
        return b.build();
    }

    Response.GetFrameworks.Framework framework(FrameworkEntry f) {
        Response.GetFrameworks.Framework.Builder b = Response.GetFrameworks.Framework.newBuilder()
                .setFrameworkInfo(f.info)
                .setActive(f.active)
                .setConnected(f.connected())
                .setRecovered(f.recovered)
                .setRegisteredTime(Master.timeInfo(f.registeredTime))
                .addAllAllocatedResources(f.used.toList())
                .addAllOfferedResources(f.offered.toList());
        for (OfferEntry o : f.offers.values()) b.addOffers(o.offer());
        if (f.reregisteredTime != null) b.setReregisteredTime(Master.timeInfo(f.reregisteredTime));
        if (f.unregisteredTime != null) b.setUnregisteredTime(Master.timeInfo(f.unregisteredTime));
        return b.build();
    }

    public Response.GetAgents getAgents() {
        Response.GetAgents.Builder b = Response.GetAgents.newBuilder();
        for (AgentEntry a : master.agents.values()) b.addAgents(agent(a));
        for (var info : master.recoveredAgents.values()) b.addRecoveredAgents(info);
        return b.build();
    }

    public Response.GetFrameworks getFrameworks() {
        Response.GetFrameworks.Builder b = Response.GetFrameworks.newBuilder();
        for (FrameworkEntry f : master.frameworks.values()) b.addFrameworks(framework(f));
        for (FrameworkEntry f : master.completedFrameworks.values()) b.addCompletedFrameworks(framework(f));
        return b.build();
    }

    public Response.GetTasks getTasks() {
        Response.GetTasks.Builder b = Response.GetTasks.newBuilder();
        for (FrameworkEntry f : master.frameworks.values()) {
            for (TaskEntry t : f.tasks.values()) b.addTasks(t.task);
            b.addAllUnreachableTasks(f.unreachableTasks.values());
            b.addAllCompletedTasks(f.completedTasks);
        }
        for (FrameworkEntry f : master.completedFrameworks.values()) b.addAllCompletedTasks(f.completedTasks);
        return b.build();
    }

    public Response.GetExecutors getExecutors() {
        Response.GetExecutors.Builder b = Response.GetExecutors.newBuilder();
        for (AgentEntry a : master.agents.values()) {
            Map<String, Boolean> seen = new LinkedHashMap<>();
            for (TaskEntry t : a.tasks.values()) {
                if (t.info != null && t.info.hasExecutor() && seen.putIfAbsent(t.info.getExecutor().getExecutorId().getValue(), true) == null) {
                    b.addExecutors(Response.GetExecutors.Executor.newBuilder()
                            .setAgentId(AgentID.newBuilder().setValue(a.id)).setExecutorInfo(t.info.getExecutor()));
                }
            }
        }
        return b.build();
    }

    public Response.GetState getState() {
        return Response.GetState.newBuilder().setGetTasks(getTasks()).setGetExecutors(getExecutors())
                .setGetFrameworks(getFrameworks()).setGetAgents(getAgents()).build();
    }

    public Response.GetRoles getRoles() {
        Map<String, Role.Builder> roles = new TreeMap<>();
        Map<String, Double> weights = master.config.weights() == null ? Map.of() : master.config.weights();
        for (Map.Entry<String, Double> w : weights.entrySet()) {
            roles.computeIfAbsent(w.getKey(), k -> Role.newBuilder().setName(k).setWeight(w.getValue()));
        }
        for (FrameworkEntry f : master.frameworks.values()) {
            for (String role : f.roles()) {
                Role.Builder r = roles.computeIfAbsent(role, k -> Role.newBuilder().setName(k).setWeight(weights.getOrDefault(k, 1.0)));
                r.addFrameworks(FrameworkID.newBuilder().setValue(f.id));
            }
        }
        for (FrameworkEntry f : master.frameworks.values()) {
            List<String> fr = f.roles();
            Resources allocated = f.used.plus(f.offered);
            // Resources of a multi-role framework are shown under its first role: we do not split by role.
            if (!fr.isEmpty() && roles.containsKey(fr.get(0))) roles.get(fr.get(0)).addAllResources(allocated.toList());
        }
        Response.GetRoles.Builder b = Response.GetRoles.newBuilder();
        for (Role.Builder r : roles.values()) b.addRoles(r);
        return b.build();
    }

    public Response.GetMaster getMaster() {
        Response.GetMaster.Builder b = Response.GetMaster.newBuilder().setMasterInfo(master.masterInfo)
                .setStartTime(Master.seconds(master.startTime));
        if (master.electedTime != null) b.setElectedTime(Master.seconds(master.electedTime));
        return b.build();
    }
}
