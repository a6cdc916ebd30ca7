package io.strata.common.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.strata.common.json.Json;
import io.strata.common.json.ProtoJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.KillPolicy;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskGroupInfo;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskStatus;

/**
 * One message of the agent stream (docs/PROTOCOL.md). The agent opens the stream with SUBSCRIBE and then
 * posts UPDATE and PONG; the master writes SUBSCRIBED, LAUNCH, LAUNCH_GROUP, KILL, ACKNOWLEDGE,
 * SHUTDOWN_FRAMEWORK and PING records onto the stream. Each record is a JSON object whose v1 protobuf
 * fields are in Mesos' JSON form (proto field names); only the fields a type uses are present.
 */
public record AgentMessage(
        Type type,
        AgentInfo agentInfo,          // SUBSCRIBE: what the agent offers (id set when it re-subscribes)
        List<Task> tasks,             // SUBSCRIBE: every task the agent still knows, with its latest state
        List<FrameworkInfo> frameworks, // SUBSCRIBE: the frameworks of those tasks
        AgentID agentId,              // SUBSCRIBED, UPDATE, PONG
        FrameworkInfo frameworkInfo,  // LAUNCH, LAUNCH_GROUP
        TaskInfo task,                // LAUNCH
        ExecutorInfo executor,        // LAUNCH_GROUP
        TaskGroupInfo taskGroup,      // LAUNCH_GROUP
        FrameworkID frameworkId,      // KILL, ACKNOWLEDGE, SHUTDOWN_FRAMEWORK, UPDATE
        TaskID taskId,                // KILL, ACKNOWLEDGE
        KillPolicy killPolicy,        // KILL (optional)
        TaskStatus status,            // UPDATE
        ByteString uuid,              // ACKNOWLEDGE: the status update's uuid
        Double pingIntervalSeconds,   // SUBSCRIBED
        String message) {             // ERROR: why the master refused the agent

    public enum Type {
        SUBSCRIBE, SUBSCRIBED, LAUNCH, LAUNCH_GROUP, KILL, ACKNOWLEDGE, SHUTDOWN_FRAMEWORK, PING, PONG, UPDATE, ERROR
    }

    /** Header carrying the stream id the master assigned; agent calls (UPDATE, PONG) must send it back. */
    public static final String STREAM_ID_HEADER = "Strata-Agent-Stream-Id";
    /** The one endpoint of the protocol on the master. */
    public static final String PATH = "/strata/v1/agent";

    private static AgentMessage of(Type type) {
        return new AgentMessage(type, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public static AgentMessage subscribe(AgentInfo info, List<Task> tasks, List<FrameworkInfo> frameworks) {
        return new AgentMessage(Type.SUBSCRIBE, info, List.copyOf(tasks), List.copyOf(frameworks),
                null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public static AgentMessage subscribed(AgentID agentId, double pingIntervalSeconds) {
        return new AgentMessage(Type.SUBSCRIBED, null, null, null, agentId, null, null, null, null, null, null, null,
                null, null, pingIntervalSeconds, null);
    }

    public static AgentMessage launch(FrameworkInfo framework, TaskInfo task) {
        return new AgentMessage(Type.LAUNCH, null, null, null, null, framework, task, null, null, null, null, null,
                null, null, null, null);
    }

    public static AgentMessage launchGroup(FrameworkInfo framework, ExecutorInfo executor, TaskGroupInfo group) {
        return new AgentMessage(Type.LAUNCH_GROUP, null, null, null, null, framework, null, executor, group, null,
                null, null, null, null, null, null);
    }

    public static AgentMessage kill(FrameworkID frameworkId, TaskID taskId, KillPolicy killPolicy) {
        return new AgentMessage(Type.KILL, null, null, null, null, null, null, null, null, frameworkId, taskId,
                killPolicy, null, null, null, null);
    }

    public static AgentMessage acknowledge(FrameworkID frameworkId, TaskID taskId, ByteString uuid) {
        return new AgentMessage(Type.ACKNOWLEDGE, null, null, null, null, null, null, null, null, frameworkId, taskId,
                null, null, uuid, null, null);
    }

    public static AgentMessage shutdownFramework(FrameworkID frameworkId) {
        return new AgentMessage(Type.SHUTDOWN_FRAMEWORK, null, null, null, null, null, null, null, null, frameworkId,
                null, null, null, null, null, null);
    }

    public static AgentMessage ping() {
        return of(Type.PING);
    }

    public static AgentMessage pong(AgentID agentId) {
        return new AgentMessage(Type.PONG, null, null, null, agentId, null, null, null, null, null, null, null, null,
                null, null, null);
    }

    public static AgentMessage update(AgentID agentId, FrameworkID frameworkId, TaskStatus status) {
        return new AgentMessage(Type.UPDATE, null, null, null, agentId, null, null, null, null, frameworkId, null,
                null, status, null, null, null);
    }

    public static AgentMessage error(String message) {
        return new AgentMessage(Type.ERROR, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, message);
    }

    // ---- codec ----

    public byte[] toJsonBytes() {
        return toJson().getBytes(StandardCharsets.UTF_8);
    }

    public String toJson() {
        ObjectNode o = Json.object();
        o.put("type", type.name());
        put(o, "agent_info", agentInfo);
        if (tasks != null) o.set("tasks", array(tasks));
        if (frameworks != null) o.set("frameworks", array(frameworks));
        put(o, "agent_id", agentId);
        put(o, "framework_info", frameworkInfo);
        put(o, "task", task);
        put(o, "executor", executor);
        put(o, "task_group", taskGroup);
        put(o, "framework_id", frameworkId);
        put(o, "task_id", taskId);
        put(o, "kill_policy", killPolicy);
        put(o, "status", status);
        if (uuid != null) o.put("uuid", Base64.getEncoder().encodeToString(uuid.toByteArray()));
        if (pingIntervalSeconds != null) o.put("ping_interval_seconds", pingIntervalSeconds);
        if (message != null) o.put("message", message);
        return o.toString();
    }

    /** Parses one record; IllegalArgumentException with a readable reason when it is not a valid message. */
    public static AgentMessage fromJson(byte[] bytes) {
        JsonNode o = Json.read(bytes);
        if (!o.isObject() || !o.hasNonNull("type")) throw new IllegalArgumentException("agent message without a type");
        Type type;
        try {
            type = Type.valueOf(o.get("type").asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown agent message type '" + o.get("type").asText() + "'");
        }
        ByteString uuid = o.hasNonNull("uuid") ? ByteString.copyFrom(Base64.getDecoder().decode(o.get("uuid").asText())) : null;
        return new AgentMessage(type,
                get(o, "agent_info", AgentInfo::newBuilder),
                list(o, "tasks", Task::newBuilder),
                list(o, "frameworks", FrameworkInfo::newBuilder),
                get(o, "agent_id", AgentID::newBuilder),
                get(o, "framework_info", FrameworkInfo::newBuilder),
                get(o, "task", TaskInfo::newBuilder),
                get(o, "executor", ExecutorInfo::newBuilder),
                get(o, "task_group", TaskGroupInfo::newBuilder),
                get(o, "framework_id", FrameworkID::newBuilder),
                get(o, "task_id", TaskID::newBuilder),
                get(o, "kill_policy", KillPolicy::newBuilder),
                get(o, "status", TaskStatus::newBuilder),
                uuid,
                o.hasNonNull("ping_interval_seconds") ? o.get("ping_interval_seconds").asDouble() : null,
                o.hasNonNull("message") ? o.get("message").asText() : null);
    }

    private static void put(ObjectNode o, String field, Message m) {
        if (m != null) o.set(field, ProtoJson.tree(m));
    }

    private static ArrayNode array(List<? extends Message> messages) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (Message m : messages) a.add(ProtoJson.tree(m));
        return a;
    }

    @SuppressWarnings("unchecked")
    private static <M extends Message> M get(JsonNode o, String field, Supplier<? extends Message.Builder> builder) {
        if (!o.hasNonNull(field)) return null;
        return (M) ProtoJson.parse(o.get(field), builder.get()).build();
    }

    @SuppressWarnings("unchecked")
    private static <M extends Message> List<M> list(JsonNode o, String field, Supplier<? extends Message.Builder> builder) {
        if (!o.hasNonNull(field)) return null;
        List<M> out = new ArrayList<>();
        for (JsonNode n : o.get(field)) out.add((M) ProtoJson.parse(n, builder.get()).build());
        return List.copyOf(out);
    }
}
