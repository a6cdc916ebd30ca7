package io.strata.dns.support;

import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.ContainerStatus;
import org.apache.mesos.v1.Protos.DiscoveryInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Labels;
import org.apache.mesos.v1.Protos.NetworkInfo;
import org.apache.mesos.v1.Protos.Port;
import org.apache.mesos.v1.Protos.Ports;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;

/** v1 Task messages as a master reports them, for tests. */
public final class Tasks {
    private Tasks() {}

    public static Task.Builder task(String frameworkId, String agentId, String id, String name, TaskState state) {
        return Task.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setName(name)
                .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
                .setAgentId(AgentID.newBuilder().setValue(agentId)).setState(state);
    }

    public static Task.Builder withPorts(Task.Builder t, long... beginEnd) {
        Value.Ranges.Builder r = Value.Ranges.newBuilder();
        for (int i = 0; i < beginEnd.length; i += 2) r.addRange(Value.Range.newBuilder().setBegin(beginEnd[i]).setEnd(beginEnd[i + 1]));
        return t.addResources(Resource.newBuilder().setName("ports").setType(Value.Type.RANGES).setRanges(r));
    }

    public static Task.Builder running(Task.Builder t, double timestamp, String... netinfoIps) {
        NetworkInfo.Builder ni = NetworkInfo.newBuilder();
        for (String ip : netinfoIps) ni.addIpAddresses(NetworkInfo.IPAddress.newBuilder().setIpAddress(ip));
        TaskStatus.Builder s = TaskStatus.newBuilder().setTaskId(t.getTaskId()).setState(TaskState.TASK_RUNNING).setTimestamp(timestamp);
        if (netinfoIps.length > 0) s.setContainerStatus(ContainerStatus.newBuilder().addNetworkInfos(ni));
        return t.setState(TaskState.TASK_RUNNING).addStatuses(s);
    }

    public static Task.Builder statusLabel(Task.Builder t, String key, String value) {
        TaskStatus s = t.getStatuses(t.getStatusesCount() - 1);
        Labels.Builder l = s.getLabels().toBuilder().addLabels(Label.newBuilder().setKey(key).setValue(value));
        return t.setStatuses(t.getStatusesCount() - 1, s.toBuilder().setLabels(l));
    }

    /** A DiscoveryInfo as Marathon writes it: the app id as a host name, named ports with their protocol. */
    public static Task.Builder discovery(Task.Builder t, String name, Object... numberNameProtocol) {
        Ports.Builder ports = Ports.newBuilder();
        for (int i = 0; i < numberNameProtocol.length; i += 3) {
            Port.Builder p = Port.newBuilder().setNumber((Integer) numberNameProtocol[i]);
            if (numberNameProtocol[i + 1] != null) p.setName((String) numberNameProtocol[i + 1]);
            if (numberNameProtocol[i + 2] != null) p.setProtocol((String) numberNameProtocol[i + 2]);
            ports.addPorts(p);
        }
        return t.setDiscovery(DiscoveryInfo.newBuilder().setVisibility(DiscoveryInfo.Visibility.FRAMEWORK).setName(name).setPorts(ports));
    }
}
