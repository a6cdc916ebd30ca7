package io.strata.agent.status;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.UUID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;

/** Builds the TaskStatus messages the agent sends: every one carries a fresh uuid and a timestamp. */
public final class StatusUpdates {
    private StatusUpdates() {}

    /** 16 random bytes, the form Mesos uses for status update uuids. */
    public static ByteString newUuid() {
        UUID u = UUID.randomUUID();
        ByteBuffer b = ByteBuffer.allocate(16);
        b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        return ByteString.copyFrom(b.array());
    }

    public static String uuidText(ByteString uuid) {
        if (uuid == null || uuid.size() != 16) return uuid == null ? "none" : java.util.Base64.getEncoder().encodeToString(uuid.toByteArray());
        ByteBuffer b = uuid.asReadOnlyByteBuffer();
        return new UUID(b.getLong(), b.getLong()).toString();
    }

    public static TaskStatus.Builder status(TaskID taskId, TaskState state, TaskStatus.Source source) {
        return TaskStatus.newBuilder()
                .setTaskId(taskId)
                .setState(state)
                .setSource(source)
                .setUuid(newUuid())
                .setTimestamp(System.currentTimeMillis() / 1000.0);
    }
}
