package io.strata.dns.state;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.common.json.ProtoJson;
import io.strata.dns.records.AgentRef;
import io.strata.dns.records.FrameworkRef;
import io.strata.dns.records.Pid;
import io.strata.dns.records.HostPort;
import java.util.ArrayList;
import java.util.List;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.ContainerStatus;
import org.apache.mesos.v1.Protos.DiscoveryInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Labels;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the master's {@code /master/state} JSON (Mesos 1.x field names) into a {@link Snapshot}, reading the
 * fields Mesos-DNS reads: agents' {@code pid}, frameworks' {@code name}/{@code pid}/{@code hostname}, and for each
 * task its state, statuses (labels and {@code container_status.network_infos}), {@code resources.ports} and
 * {@code discovery}. A field that cannot be read is skipped, not fatal.
 */
public final class StateJsonReader {
    private static final Logger LOG = LoggerFactory.getLogger(StateJsonReader.class);

    private StateJsonReader() {}

    public static Snapshot read(JsonNode state) {
        List<AgentRef> agents = new ArrayList<>();
        for (JsonNode s : state.path("slaves")) {
            String id = s.path("id").asText("");
            if (id.isEmpty()) continue;
            agents.add(AgentRef.of(id, s.path("pid").asText(null), s.path("hostname").asText(""), s.path("port").asInt(0)));
        }
        List<FrameworkRef> frameworks = new ArrayList<>();
        List<Task> tasks = new ArrayList<>();
        for (JsonNode f : state.path("frameworks")) {
            String id = f.path("id").asText("");
            if (id.isEmpty()) continue;
            frameworks.add(FrameworkRef.of(id, f.path("name").asText(""), f.path("pid").asText(null), f.path("hostname").asText("")));
            for (JsonNode t : f.path("tasks")) {
                Task task = task(t, id);
                if (task != null) tasks.add(task);
            }
        }
        Pid leader = Pid.parse(state.path("leader").asText(null));
        return new Snapshot(agents, frameworks, tasks, leader == null ? null : new HostPort(leader.host(), leader.port()));
    }

    static Task task(JsonNode t, String frameworkId) {
        String id = t.path("id").asText("");
        if (id.isEmpty()) return null;
        Task.Builder b = Task.newBuilder()
                .setTaskId(TaskID.newBuilder().setValue(id))
                .setName(t.path("name").asText(""))
                .setFrameworkId(FrameworkID.newBuilder().setValue(t.path("framework_id").asText(frameworkId)))
                .setAgentId(AgentID.newBuilder().setValue(t.has("slave_id") ? t.path("slave_id").asText("") : t.path("agent_id").asText("")));
        TaskState state = state(t.path("state").asText(""));
        if (state == null) return null;
        b.setState(state);
        for (JsonNode s : t.path("statuses")) {
            TaskState ss = state(s.path("state").asText(""));
            if (ss == null) continue;
            TaskStatus.Builder status = TaskStatus.newBuilder().setTaskId(b.getTaskId()).setState(ss)
                    .setTimestamp(s.path("timestamp").asDouble(0));
            if (s.path("labels").isArray()) {
                Labels.Builder labels = Labels.newBuilder();
                for (JsonNode l : s.path("labels")) {
                    labels.addLabels(Label.newBuilder().setKey(l.path("key").asText("")).setValue(l.path("value").asText("")));
                }
                status.setLabels(labels);
            }
            if (s.path("container_status").isObject()) {
                try {
                    status.setContainerStatus(ProtoJson.parse(s.path("container_status"), ContainerStatus.newBuilder()));
                } catch (IllegalArgumentException e) {
                    LOG.debug("msg=\"unreadable container_status\" task={} error=\"{}\"", id, e.getMessage());
                }
            }
            b.addStatuses(status);
        }
        String ports = t.path("resources").path("ports").asText("");
        Value.Ranges ranges = ranges(ports);
        if (ranges != null && ranges.getRangeCount() > 0) {
            b.addResources(Resource.newBuilder().setName("ports").setType(Value.Type.RANGES).setRanges(ranges));
        }
        if (t.path("discovery").isObject()) {
            try {
                b.setDiscovery(ProtoJson.parse(t.path("discovery"), DiscoveryInfo.newBuilder()));
            } catch (IllegalArgumentException e) {
                LOG.debug("msg=\"unreadable discovery\" task={} error=\"{}\"", id, e.getMessage());
            }
        }
        return b.build();
    }

    private static TaskState state(String name) {
        try {
            return TaskState.valueOf(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code "[31000-31000, 31005-31010]"} as Mesos prints a ranges value; null when it is not one. */
    static Value.Ranges ranges(String text) {
        String s = text.trim();
        if (s.length() < 2 || s.charAt(0) != '[' || s.charAt(s.length() - 1) != ']') return null;
        Value.Ranges.Builder b = Value.Ranges.newBuilder();
        String body = s.substring(1, s.length() - 1).trim();
        if (body.isEmpty()) return b.build();
        for (String part : body.split(",")) {
            String[] be = part.trim().split("-");
            try {
                long begin = Long.parseLong(be[0].trim());
                long end = be.length > 1 ? Long.parseLong(be[1].trim()) : begin;
                if (begin <= end) b.addRange(Value.Range.newBuilder().setBegin(begin).setEnd(end));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return b.build();
    }
}
