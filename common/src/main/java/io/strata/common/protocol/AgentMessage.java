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
 * SHUTDOWN_FRAMEWORK and PING records onto the stream. Two encodings (docs/PROTOCOL.md): a JSON object whose
 * v1 protobuf fields are in Mesos' JSON form (proto field names), or the protobuf binary form of the
 * {@code AgentMessage} message documented there (what Strata's agent uses: {@link Codec#PROTOBUF}). Only the
 * fields a type uses are present.
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

    /** The two encodings of a message, chosen by HTTP content type. */
    public enum Codec {
        JSON("application/json"),
        PROTOBUF("application/x-protobuf");

        private final String mediaType;

        Codec(String mediaType) {
            this.mediaType = mediaType;
        }

        public String mediaType() {
            return mediaType;
        }

        public byte[] encode(AgentMessage m) {
            return this == PROTOBUF ? m.toProtobufBytes() : m.toJsonBytes();
        }

        /** IllegalArgumentException with a readable reason when the bytes are not a valid message. */
        public AgentMessage decode(byte[] bytes) {
            return this == PROTOBUF ? fromProtobuf(bytes) : fromJson(bytes);
        }

        /** The codec a Content-Type (or Accept) header names: protobuf for application/x-protobuf, else JSON. */
        public static Codec forMediaType(String header) {
            return header != null && header.toLowerCase(java.util.Locale.ROOT).contains(PROTOBUF.mediaType) ? PROTOBUF : JSON;
        }
    }

    /**
     * Content type of a call that carries several messages: RecordIO records, each one message in the encoding
     * named by {@link #MESSAGE_CONTENT_TYPE_HEADER} (as Mesos' streaming responses).
     */
    public static final String RECORDIO_MEDIA_TYPE = "application/recordio";
    public static final String MESSAGE_CONTENT_TYPE_HEADER = "Message-Content-Type";

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

    // ---- codec: protobuf binary ----

    // Field numbers of the AgentMessage protobuf message (docs/PROTOCOL.md); the type is an enum numbered as
    // Type's constants, starting at 1.
    private static final int F_TYPE = 1, F_AGENT_INFO = 2, F_TASKS = 3, F_FRAMEWORKS = 4, F_AGENT_ID = 5,
            F_FRAMEWORK_INFO = 6, F_TASK = 7, F_EXECUTOR = 8, F_TASK_GROUP = 9, F_FRAMEWORK_ID = 10, F_TASK_ID = 11,
            F_KILL_POLICY = 12, F_STATUS = 13, F_UUID = 14, F_PING_INTERVAL_SECONDS = 15, F_MESSAGE = 16;
    private static final Type[] TYPES = Type.values();

    public byte[] toProtobufBytes() {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(256);
            com.google.protobuf.CodedOutputStream out = com.google.protobuf.CodedOutputStream.newInstance(bytes, 4096);
            out.writeEnum(F_TYPE, type.ordinal() + 1);
            writeMessage(out, F_AGENT_INFO, agentInfo);
            if (tasks != null) for (Task t : tasks) out.writeMessage(F_TASKS, t);
            if (frameworks != null) for (FrameworkInfo f : frameworks) out.writeMessage(F_FRAMEWORKS, f);
            writeMessage(out, F_AGENT_ID, agentId);
            writeMessage(out, F_FRAMEWORK_INFO, frameworkInfo);
            writeMessage(out, F_TASK, task);
            writeMessage(out, F_EXECUTOR, executor);
            writeMessage(out, F_TASK_GROUP, taskGroup);
            writeMessage(out, F_FRAMEWORK_ID, frameworkId);
            writeMessage(out, F_TASK_ID, taskId);
            writeMessage(out, F_KILL_POLICY, killPolicy);
            writeMessage(out, F_STATUS, status);
            if (uuid != null) out.writeBytes(F_UUID, uuid);
            if (pingIntervalSeconds != null) out.writeDouble(F_PING_INTERVAL_SECONDS, pingIntervalSeconds);
            if (message != null) out.writeString(F_MESSAGE, message);
            out.flush();
            return bytes.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // not from a ByteArrayOutputStream
        }
    }

    private static void writeMessage(com.google.protobuf.CodedOutputStream out, int field, Message m) throws java.io.IOException {
        if (m != null) out.writeMessage(field, m);
    }

    /** Parses one binary record; IllegalArgumentException with a readable reason when it is not a valid message. */
    public static AgentMessage fromProtobuf(byte[] bytes) {
        com.google.protobuf.CodedInputStream in = com.google.protobuf.CodedInputStream.newInstance(bytes);
        Type type = null;
        AgentInfo agentInfo = null;
        List<Task> tasks = null;
        List<FrameworkInfo> frameworks = null;
        AgentID agentId = null;
        FrameworkInfo frameworkInfo = null;
        TaskInfo task = null;
        ExecutorInfo executor = null;
        TaskGroupInfo taskGroup = null;
        FrameworkID frameworkId = null;
        TaskID taskId = null;
        KillPolicy killPolicy = null;
        TaskStatus status = null;
        ByteString uuid = null;
        Double ping = null;
        String message = null;
        try {
            int tag;
            while ((tag = in.readTag()) != 0) {
                switch (com.google.protobuf.WireFormat.getTagFieldNumber(tag)) {
                    case F_TYPE -> {
                        int n = in.readEnum();
                        if (n < 1 || n > TYPES.length) throw new IllegalArgumentException("unknown agent message type " + n);
                        type = TYPES[n - 1];
                    }
                    case F_AGENT_INFO -> agentInfo = AgentInfo.parseFrom(in.readBytes());
                    case F_TASKS -> {
                        if (tasks == null) tasks = new ArrayList<>();
                        tasks.add(Task.parseFrom(in.readBytes()));
                    }
                    case F_FRAMEWORKS -> {
                        if (frameworks == null) frameworks = new ArrayList<>();
                        frameworks.add(FrameworkInfo.parseFrom(in.readBytes()));
                    }
                    case F_AGENT_ID -> agentId = AgentID.parseFrom(in.readBytes());
                    case F_FRAMEWORK_INFO -> frameworkInfo = FrameworkInfo.parseFrom(in.readBytes());
                    case F_TASK -> task = TaskInfo.parseFrom(in.readBytes());
                    case F_EXECUTOR -> executor = ExecutorInfo.parseFrom(in.readBytes());
                    case F_TASK_GROUP -> taskGroup = TaskGroupInfo.parseFrom(in.readBytes());
                    case F_FRAMEWORK_ID -> frameworkId = FrameworkID.parseFrom(in.readBytes());
                    case F_TASK_ID -> taskId = TaskID.parseFrom(in.readBytes());
                    case F_KILL_POLICY -> killPolicy = KillPolicy.parseFrom(in.readBytes());
                    case F_STATUS -> status = TaskStatus.parseFrom(in.readBytes());
                    case F_UUID -> uuid = in.readBytes();
                    case F_PING_INTERVAL_SECONDS -> ping = in.readDouble();
                    case F_MESSAGE -> message = in.readStringRequireUtf8();
                    default -> {
                        if (!in.skipField(tag)) throw new IllegalArgumentException("malformed agent message");
                    }
                }
            }
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("malformed agent message: " + e.getMessage(), e);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("malformed agent message: " + e, e);
        }
        if (type == null) throw new IllegalArgumentException("agent message without a type");
        if (type == Type.SUBSCRIBE) { // an empty repeated field is absent on the wire; SUBSCRIBE always has both lists
            if (tasks == null) tasks = List.of();
            if (frameworks == null) frameworks = List.of();
        }
        return new AgentMessage(type, agentInfo, tasks == null ? null : List.copyOf(tasks),
                frameworks == null ? null : List.copyOf(frameworks), agentId, frameworkInfo, task, executor, taskGroup,
                frameworkId, taskId, killPolicy, status, uuid, ping, message);
    }

    /** Frames several messages as one RecordIO body (a batched call, {@link #RECORDIO_MEDIA_TYPE}). */
    public static byte[] frameAll(List<AgentMessage> messages, Codec codec) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(messages.size() * 160);
        for (AgentMessage m : messages) out.writeBytes(io.strata.common.recordio.RecordIO.frame(codec.encode(m)));
        return out.toByteArray();
    }

    /** Whether a call with this Content-Type is a batch ({@link #RECORDIO_MEDIA_TYPE}) rather than one message. */
    public static boolean isBatch(String contentType) {
        return contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).startsWith(RECORDIO_MEDIA_TYPE);
    }

    /**
     * The messages of one call's body: the records of a batch (each in the encoding {@code messageContentType}
     * names) or the one message (in the encoding {@code contentType} names). IllegalArgumentException when the
     * body is malformed.
     */
    public static List<AgentMessage> parseCall(byte[] body, String contentType, String messageContentType) {
        return isBatch(contentType) ? parseAll(body, Codec.forMediaType(messageContentType))
                : List.of(Codec.forMediaType(contentType).decode(body));
    }

    /** The messages of a RecordIO body; IllegalArgumentException when it is malformed. */
    public static List<AgentMessage> parseAll(byte[] body, Codec codec) {
        io.strata.common.recordio.RecordIO.Reader reader =
                new io.strata.common.recordio.RecordIO.Reader(new java.io.ByteArrayInputStream(body));
        List<AgentMessage> out = new ArrayList<>();
        try {
            byte[] record;
            while ((record = reader.next()) != null) out.add(codec.decode(record));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return out;
    }

    // ---- codec: JSON ----

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
