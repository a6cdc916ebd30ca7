package io.strata.dns.state;

import io.strata.dns.records.AgentRef;
import io.strata.dns.records.FrameworkRef;
import io.strata.dns.records.HostPort;
import java.util.List;
import org.apache.mesos.v1.Protos.Task;

/**
 * The whole cluster as the master reported it at one moment: from the operator stream's SUBSCRIBED event or
 * from {@code /master/state}.
 *
 * @param leader the leading master's {@code ip:port} when the source says (state.json's {@code leader}), else null
 */
public record Snapshot(List<AgentRef> agents, List<FrameworkRef> frameworks, List<Task> tasks, HostPort leader) {
    public Snapshot {
        agents = List.copyOf(agents);
        frameworks = List.copyOf(frameworks);
        tasks = List.copyOf(tasks);
    }
}
