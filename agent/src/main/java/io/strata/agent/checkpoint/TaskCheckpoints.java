package io.strata.agent.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.strata.agent.cgroups.Cgroup;
import io.strata.agent.containerizer.Container;
import io.strata.agent.containerizer.docker.DockerContainer;
import io.strata.agent.tasks.AgentTask;
import io.strata.common.json.Json;
import io.strata.common.json.ProtoJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;

/** The {@code task.json} checkpoint: a task's launch, its container and its state, as one JSON document. */
public final class TaskCheckpoints {
    private TaskCheckpoints() {}

    public static void write(Layout layout, AgentTask task) throws IOException {
        AtomicFiles.write(layout.taskFile(task.key()), Json.write(toJson(task)));
    }

    /** What {@code task.json} records of a task, copied while the agent's lock is held, rendered later. */
    public record Snapshot(FrameworkID frameworkId, TaskInfo info, ExecutorInfo groupExecutor, ExecutorID executorId,
                           String containerId, String groupContainerId, Path sandbox, Path executorDirectory, double launchedAt,
                           Container container, DockerContainer docker, TaskState state, List<TaskStatus> statuses,
                           boolean killRequested, boolean killedByHealthCheck) {
        /** The file's bytes: the protobufs are printed straight into the document, not parsed back into a tree. */
        public byte[] render() {
            return Json.write(build(this, true)).getBytes(StandardCharsets.UTF_8);
        }
    }

    public static Snapshot snapshot(AgentTask t) {
        return new Snapshot(t.frameworkId(), t.info(), t.groupExecutor(), t.executorId(), t.containerId(), t.groupContainerId(),
                t.sandbox(), t.executorDirectory(), t.launchedAt(), t.container(), t.docker(), t.state(), List.copyOf(t.statuses()),
                t.killRequested(), t.killedByHealthCheck());
    }

    public static ObjectNode toJson(AgentTask t) {
        return toJson(snapshot(t));
    }

    public static ObjectNode toJson(Snapshot t) {
        return build(t, false);
    }

    /** With {@code raw}, protobufs go in as their printed JSON (only good for writing the document out). */
    private static ObjectNode build(Snapshot t, boolean raw) {
        ObjectNode o = Json.object();
        o.put("framework_id", t.frameworkId().getValue());
        putProto(o, "task", t.info(), raw);
        if (t.groupExecutor() != null) putProto(o, "group_executor", t.groupExecutor(), raw);
        o.put("executor_id", t.executorId().getValue());
        o.put("container_id", t.containerId());
        if (t.groupContainerId() != null) o.put("group_container_id", t.groupContainerId());
        o.put("sandbox", t.sandbox().toString());
        o.put("executor_directory", t.executorDirectory().toString());
        o.put("launched_at", t.launchedAt());
        Container c = t.container();
        if (c != null) {
            ObjectNode co = o.putObject("container");
            co.put("pid", c.pid());
            if (c.startMillis() != null) co.put("start_millis", c.startMillis());
            co.put("meta_dir", c.metaDir().toString());
            if (c.cgroup() != null) {
                ObjectNode cg = co.putObject("cgroup");
                cg.put("version", c.cgroup().version());
                ArrayNode dirs = cg.putArray("dirs");
                c.cgroup().dirs().forEach(d -> dirs.add(d.toString()));
                if (c.cgroup().memoryDir() != null) cg.put("memory_dir", c.cgroup().memoryDir().toString());
            }
        }
        DockerContainer d = t.docker();
        if (d != null) {
            ObjectNode dn = o.putObject("docker");
            dn.put("id", d.dockerId());
            dn.put("name", d.name());
            if (d.pid() != null) dn.put("pid", d.pid());
            if (d.ipAddress() != null) dn.put("ip_address", d.ipAddress());
            if (d.network() != null) dn.put("network", d.network());
        }
        if (t.state() != null) o.put("state", t.state().name());
        ArrayNode statuses = o.putArray("statuses");
        for (TaskStatus s : t.statuses()) {
            if (raw) statuses.addRawValue(new RawValue(PrintedProtos.print(s)));
            else statuses.add(ProtoJson.tree(s));
        }
        o.put("kill_requested", t.killRequested());
        o.put("killed_by_health_check", t.killedByHealthCheck());
        return o;
    }

    private static void putProto(ObjectNode o, String field, com.google.protobuf.MessageOrBuilder m, boolean raw) {
        if (raw) o.putRawValue(field, new RawValue(PrintedProtos.print(m)));
        else o.set(field, ProtoJson.tree(m));
    }

    /** Reads a task checkpoint; IllegalArgumentException when it is not one. */
    public static AgentTask fromJson(JsonNode o) {
        if (!o.hasNonNull("task") || !o.hasNonNull("framework_id")) throw new IllegalArgumentException("not a task checkpoint");
        TaskInfo info = ProtoJson.parse(o.get("task"), TaskInfo.newBuilder()).build();
        ExecutorInfo group = o.hasNonNull("group_executor") ? ProtoJson.parse(o.get("group_executor"), ExecutorInfo.newBuilder()).build() : null;
        Path sandbox = Path.of(o.get("sandbox").asText());
        AgentTask t = new AgentTask(
                FrameworkID.newBuilder().setValue(o.get("framework_id").asText()).build(),
                info, group,
                ExecutorID.newBuilder().setValue(o.get("executor_id").asText()).build(),
                o.get("container_id").asText(),
                o.hasNonNull("group_container_id") ? o.get("group_container_id").asText() : null,
                sandbox,
                o.hasNonNull("executor_directory") ? Path.of(o.get("executor_directory").asText()) : sandbox,
                o.path("launched_at").asDouble());
        JsonNode co = o.get("container");
        if (co != null && co.isObject()) {
            Cgroup cgroup = null;
            JsonNode cg = co.get("cgroup");
            if (cg != null && cg.isObject()) {
                List<Path> dirs = new ArrayList<>();
                cg.path("dirs").forEach(d -> dirs.add(Path.of(d.asText())));
                cgroup = new Cgroup(cg.path("version").asInt(), dirs, cg.hasNonNull("memory_dir") ? Path.of(cg.get("memory_dir").asText()) : null);
            }
            t.container(new Container(t.containerId(), co.get("pid").asLong(),
                    co.hasNonNull("start_millis") ? co.get("start_millis").asLong() : null,
                    sandbox, Path.of(co.get("meta_dir").asText()), cgroup));
        }
        JsonNode dn = o.get("docker");
        if (dn != null && dn.isObject() && dn.hasNonNull("id")) {
            t.docker(new DockerContainer(dn.get("id").asText(), dn.path("name").asText(""),
                    dn.hasNonNull("pid") ? dn.get("pid").asLong() : null,
                    dn.hasNonNull("ip_address") ? dn.get("ip_address").asText() : null,
                    dn.hasNonNull("network") ? dn.get("network").asText() : null));
        }
        List<TaskStatus> statuses = new ArrayList<>();
        for (JsonNode s : o.path("statuses")) statuses.add(ProtoJson.parse(s, TaskStatus.newBuilder()).build());
        t.restore(o.hasNonNull("state") ? TaskState.valueOf(o.get("state").asText()) : null, statuses);
        t.restoreKill(o.path("kill_requested").asBoolean(), o.path("killed_by_health_check").asBoolean());
        return t;
    }
}
