package io.strata.agent.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.strata.agent.checkpoint.AtomicFiles;
import io.strata.agent.tasks.TaskStateMachine;
import io.strata.common.json.Json;
import io.strata.common.json.ProtoJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reliable, ordered delivery of status updates, one stream per task. An update is checkpointed before it is
 * sent; only the oldest unacknowledged update of a task is ever in flight, so the framework sees a task's
 * updates in order. The head is resent every {@code retryInterval} and at once after the agent (re)subscribes,
 * until an acknowledgement with its uuid arrives; then the next one goes out.
 *
 * <p>Thread-safe: one lock guards every stream. {@link Sink#send} must not block (the master stream queues).
 */
public final class StatusUpdateManager {
    private static final Logger LOG = LoggerFactory.getLogger(StatusUpdateManager.class);

    /** Where updates go; called with the lock held, so it only enqueues. */
    @FunctionalInterface
    public interface Sink {
        void send(FrameworkID frameworkId, TaskStatus status);
    }

    /** What an acknowledgement did. */
    public enum AckOutcome { ACKNOWLEDGED, UNKNOWN_TASK, UUID_MISMATCH }

    /**
     * @param outcome    what happened
     * @param status     the acknowledged update (ACKNOWLEDGED only)
     * @param streamDone the acknowledged update was terminal and nothing is left to send: the task may be forgotten
     */
    public record Ack(AckOutcome outcome, TaskStatus status, boolean streamDone) {}

    private static final class Stream {
        final FrameworkID frameworkId;
        final Deque<TaskStatus> pending = new ArrayDeque<>();
        long lastSentNanos;
        boolean sentOnce;

        Stream(FrameworkID frameworkId) {
            this.frameworkId = frameworkId;
        }
    }

    private final Function<TaskKey, Path> checkpointFile;
    private final Sink sink;
    private final Duration retryInterval;
    private final LongSupplier nanoClock;
    private final Map<TaskKey, Stream> streams = new LinkedHashMap<>();

    /**
     * @param checkpointFile where a task's pending updates are kept (null result: memory only, e.g. for a task
     *                       whose id cannot name a file)
     */
    public StatusUpdateManager(Function<TaskKey, Path> checkpointFile, Sink sink, Duration retryInterval, LongSupplier nanoClock) {
        this.checkpointFile = checkpointFile;
        this.sink = sink;
        this.retryInterval = retryInterval;
        this.nanoClock = nanoClock;
    }

    /** Checkpoints the update, then sends it if it is the only one pending for its task. */
    public synchronized void update(FrameworkID frameworkId, TaskStatus status) {
        if (!status.hasUuid() || status.getUuid().isEmpty()) {
            throw new IllegalArgumentException("status update for " + status.getTaskId().getValue() + " without a uuid");
        }
        TaskKey key = TaskKey.of(frameworkId, status.getTaskId());
        Stream stream = streams.computeIfAbsent(key, k -> new Stream(frameworkId));
        stream.pending.addLast(status);
        checkpoint(key, stream);
        if (stream.pending.size() == 1) sendHead(stream);
    }

    /** Drops the head update of the task when the uuid matches it, and sends the next one. */
    public synchronized Ack acknowledge(FrameworkID frameworkId, org.apache.mesos.v1.Protos.TaskID taskId, ByteString uuid) {
        TaskKey key = TaskKey.of(frameworkId, taskId);
        Stream stream = streams.get(key);
        if (stream == null || stream.pending.isEmpty()) return new Ack(AckOutcome.UNKNOWN_TASK, null, false);
        TaskStatus head = stream.pending.peekFirst();
        if (!head.getUuid().equals(uuid)) {
            LOG.warn("msg=\"ignoring acknowledgement that does not match the oldest pending update\" task={} uuid={} expected={}",
                    key, StatusUpdates.uuidText(uuid), StatusUpdates.uuidText(head.getUuid()));
            return new Ack(AckOutcome.UUID_MISMATCH, null, false);
        }
        stream.pending.removeFirst();
        stream.sentOnce = false;
        checkpoint(key, stream);
        boolean done = stream.pending.isEmpty() && TaskStateMachine.isTerminal(head.getState());
        if (stream.pending.isEmpty()) {
            streams.remove(key);
            deleteCheckpoint(key);
        } else {
            sendHead(stream);
        }
        return new Ack(AckOutcome.ACKNOWLEDGED, head, done);
    }

    /** After (re)subscribing: the head of every task goes out at once. */
    public synchronized void resendAll() {
        for (Stream s : streams.values()) {
            if (!s.pending.isEmpty()) sendHead(s);
        }
    }

    /** Called periodically: resends heads that have waited longer than the retry interval. */
    public synchronized void retryDue() {
        long now = nanoClock.getAsLong();
        for (Stream s : streams.values()) {
            if (!s.pending.isEmpty() && s.sentOnce && now - s.lastSentNanos >= retryInterval.toNanos()) {
                LOG.debug("msg=\"resending unacknowledged status update\" task={} state={}",
                        s.pending.peekFirst().getTaskId().getValue(), s.pending.peekFirst().getState());
                sendHead(s);
            }
        }
    }

    public synchronized List<TaskStatus> pending(TaskKey key) {
        Stream s = streams.get(key);
        return s == null ? List.of() : List.copyOf(s.pending);
    }

    public synchronized Optional<TaskStatus> head(TaskKey key) {
        Stream s = streams.get(key);
        return s == null ? Optional.empty() : Optional.ofNullable(s.pending.peekFirst());
    }

    public synchronized int pendingCount() {
        int n = 0;
        for (Stream s : streams.values()) n += s.pending.size();
        return n;
    }

    /** Forgets a task's stream and its checkpoint without sending anything more. */
    public synchronized void forget(TaskKey key) {
        streams.remove(key);
        deleteCheckpoint(key);
    }

    /**
     * Loads a task's checkpointed pending updates (after an agent restart). Nothing is sent until
     * {@link #resendAll} (after subscribing). Returns the loaded updates, oldest first.
     */
    public synchronized List<TaskStatus> recover(TaskKey key, FrameworkID frameworkId) {
        Path file = checkpointFile.apply(key);
        if (file == null || !Files.exists(file)) return List.of();
        List<TaskStatus> loaded = new ArrayList<>();
        try {
            JsonNode root = Json.read(Files.readAllBytes(file));
            for (JsonNode n : root.path("updates")) {
                loaded.add(ProtoJson.parse(n, TaskStatus.newBuilder()).build());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("msg=\"cannot read checkpointed status updates; they are lost\" task={} file={} error=\"{}\"", key, file, e.toString());
            return List.of();
        }
        if (loaded.isEmpty()) return List.of();
        Stream stream = streams.computeIfAbsent(key, k -> new Stream(frameworkId));
        stream.pending.clear();
        stream.pending.addAll(loaded);
        return List.copyOf(loaded);
    }

    private void sendHead(Stream s) {
        s.lastSentNanos = nanoClock.getAsLong();
        s.sentOnce = true;
        try {
            sink.send(s.frameworkId, s.pending.peekFirst());
        } catch (RuntimeException e) {
            LOG.warn("msg=\"cannot hand status update to the master stream; will retry\" error=\"{}\"", e.toString());
        }
    }

    private void checkpoint(TaskKey key, Stream stream) {
        Path file = checkpointFile.apply(key);
        if (file == null) return;
        ObjectNode root = Json.object();
        root.put("framework_id", stream.frameworkId.getValue());
        ArrayNode updates = root.putArray("updates");
        for (TaskStatus s : stream.pending) updates.add(ProtoJson.tree(s));
        try {
            AtomicFiles.write(file, Json.write(root));
        } catch (IOException e) {
            // Without the checkpoint the update would still be delivered while this agent lives; say so loudly.
            LOG.error("msg=\"cannot checkpoint status updates\" task={} file={} error=\"{}\"", key, file, e.toString());
            throw new UncheckedIOException(e);
        }
    }

    private void deleteCheckpoint(TaskKey key) {
        Path file = checkpointFile.apply(key);
        if (file == null) return;
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("msg=\"cannot delete status update checkpoint\" file={} error=\"{}\"", file, e.toString());
        }
    }
}
