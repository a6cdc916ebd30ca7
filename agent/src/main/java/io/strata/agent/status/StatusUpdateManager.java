package io.strata.agent.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.strata.agent.checkpoint.CheckpointStore;
import io.strata.agent.tasks.TaskStateMachine;
import io.strata.common.json.Json;
import io.strata.common.json.ProtoJson;
import java.io.IOException;
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
 * sent: it goes out only once the {@link CheckpointStore} says the write that recorded it is on disk (the
 * checkpoint log commits in groups, so this costs no flush of its own). Only the oldest unacknowledged update
 * of a task is ever in flight, so the framework sees a task's updates in order. The head is resent every
 * {@code retryInterval} and at once after the agent (re)subscribes, until an acknowledgement with its uuid
 * arrives; then the next one goes out.
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

    /** An update and the checkpoint write that recorded it (0: on disk already, e.g. recovered). */
    private record Pending(TaskStatus status, long seq) {}

    private static final class Stream {
        final TaskKey key;
        final FrameworkID frameworkId;
        final Deque<Pending> pending = new ArrayDeque<>();
        long lastSentNanos;
        boolean sentOnce;
        boolean awaitingDisk; // an action is registered to send the head once its checkpoint is durable

        Stream(TaskKey key, FrameworkID frameworkId) {
            this.key = key;
            this.frameworkId = frameworkId;
        }

        TaskStatus head() {
            Pending p = pending.peekFirst();
            return p == null ? null : p.status();
        }
    }

    private final Function<TaskKey, Path> checkpointFile;
    private final CheckpointStore store;
    private final Sink sink;
    private final Duration retryInterval;
    private final LongSupplier nanoClock;
    private final Map<TaskKey, Stream> streams = new LinkedHashMap<>();

    /**
     * @param checkpointFile where a task's pending updates are kept (null result: memory only, e.g. for a task
     *                       whose id cannot name a file)
     */
    public StatusUpdateManager(Function<TaskKey, Path> checkpointFile, Sink sink, Duration retryInterval, LongSupplier nanoClock) {
        this(checkpointFile, CheckpointStore.direct(), sink, retryInterval, nanoClock);
    }

    /** @param store where the checkpoints go; an update is sent once its write is durable there */
    public StatusUpdateManager(Function<TaskKey, Path> checkpointFile, CheckpointStore store, Sink sink, Duration retryInterval,
                               LongSupplier nanoClock) {
        this.checkpointFile = checkpointFile;
        this.store = store;
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
        Stream stream = streams.computeIfAbsent(key, k -> new Stream(k, frameworkId));
        Pending p = new Pending(status, 0);
        stream.pending.addLast(p);
        long seq = checkpoint(key, stream);
        // the write that records it is the one to wait for
        stream.pending.removeLast();
        stream.pending.addLast(new Pending(status, seq));
        if (stream.pending.size() == 1) sendHead(stream);
    }

    /** Drops the head update of the task when the uuid matches it, and sends the next one. */
    public synchronized Ack acknowledge(FrameworkID frameworkId, org.apache.mesos.v1.Protos.TaskID taskId, ByteString uuid) {
        TaskKey key = TaskKey.of(frameworkId, taskId);
        Stream stream = streams.get(key);
        if (stream == null || stream.pending.isEmpty()) return new Ack(AckOutcome.UNKNOWN_TASK, null, false);
        TaskStatus head = stream.head();
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
                LOG.debug("msg=\"resending unacknowledged status update\" task={} state={}", s.key, s.head().getState());
                sendHead(s);
            }
        }
    }

    public synchronized List<TaskStatus> pending(TaskKey key) {
        Stream s = streams.get(key);
        return s == null ? List.of() : s.pending.stream().map(Pending::status).toList();
    }

    public synchronized Optional<TaskStatus> head(TaskKey key) {
        Stream s = streams.get(key);
        return s == null ? Optional.empty() : Optional.ofNullable(s.head());
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
        Stream stream = streams.computeIfAbsent(key, k -> new Stream(k, frameworkId));
        stream.pending.clear();
        for (TaskStatus s : loaded) stream.pending.addLast(new Pending(s, 0));
        return List.copyOf(loaded);
    }

    /** Sends the head now if its checkpoint is on disk, else as soon as it is. */
    private void sendHead(Stream s) {
        Pending head = s.pending.peekFirst();
        if (head == null) return;
        if (!store.isDurable(head.seq())) {
            if (s.awaitingDisk) return;
            s.awaitingDisk = true;
            store.whenDurable(head.seq(), () -> headDurable(s));
            return;
        }
        s.lastSentNanos = nanoClock.getAsLong();
        s.sentOnce = true;
        try {
            sink.send(s.frameworkId, head.status());
        } catch (RuntimeException e) {
            LOG.warn("msg=\"cannot hand status update to the master stream; will retry\" error=\"{}\"", e.toString());
        }
    }

    private synchronized void headDurable(Stream s) {
        s.awaitingDisk = false;
        if (streams.get(s.key) == s) sendHead(s);
    }

    /** Queues the write of the task's pending updates; returns its sequence number (0: nothing to write). */
    private long checkpoint(TaskKey key, Stream stream) {
        Path file = checkpointFile.apply(key);
        if (file == null) return 0;
        String frameworkId = stream.frameworkId.getValue();
        List<TaskStatus> updates = stream.pending.stream().map(Pending::status).toList();
        try {
            return store.put(file, () -> render(frameworkId, updates));
        } catch (RuntimeException e) {
            // Without the checkpoint the update would still be delivered while this agent lives; say so loudly.
            LOG.error("msg=\"cannot checkpoint status updates\" task={} file={} error=\"{}\"", key, file, e.toString());
            return 0;
        }
    }

    /** The {@code updates.json} document. */
    static byte[] render(String frameworkId, List<TaskStatus> updates) {
        ObjectNode root = Json.object();
        root.put("framework_id", frameworkId);
        ArrayNode list = root.putArray("updates");
        for (TaskStatus s : updates) list.addRawValue(new com.fasterxml.jackson.databind.util.RawValue(io.strata.agent.checkpoint.PrintedProtos.print(s)));
        return Json.write(root).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private void deleteCheckpoint(TaskKey key) {
        Path file = checkpointFile.apply(key);
        if (file == null) return;
        try {
            store.delete(file);
        } catch (RuntimeException e) {
            LOG.warn("msg=\"cannot delete status update checkpoint\" file={} error=\"{}\"", file, e.toString());
        }
    }
}
