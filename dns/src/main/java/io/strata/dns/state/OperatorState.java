package io.strata.dns.state;

import io.strata.dns.records.AgentRef;
import io.strata.dns.records.FrameworkRef;
import java.util.ArrayList;
import java.util.List;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.master.Protos.Response;

/** Reads the operator API's v1 messages (GET_STATE, and the agents and frameworks of events). */
public final class OperatorState {
    private OperatorState() {}

    public static Snapshot snapshot(Response.GetState state) {
        List<AgentRef> agents = new ArrayList<>();
        for (Response.GetAgents.Agent a : state.getGetAgents().getAgentsList()) agents.add(agent(a));
        List<FrameworkRef> frameworks = new ArrayList<>();
        for (Response.GetFrameworks.Framework f : state.getGetFrameworks().getFrameworksList()) frameworks.add(framework(f.getFrameworkInfo()));
        List<Task> tasks = new ArrayList<>(state.getGetTasks().getTasksList());
        return new Snapshot(agents, frameworks, tasks, null);
    }

    public static AgentRef agent(Response.GetAgents.Agent agent) {
        AgentInfo info = agent.getAgentInfo();
        return AgentRef.of(info.getId().getValue(), agent.hasPid() ? agent.getPid() : null, info.getHostname(), info.getPort());
    }

    public static FrameworkRef framework(FrameworkInfo info) {
        return FrameworkRef.of(info.getId().getValue(), info.getName(), null, info.getHostname());
    }
}
