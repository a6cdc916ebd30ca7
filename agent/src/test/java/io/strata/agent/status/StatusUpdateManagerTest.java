package io.strata.agent.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusUpdateManagerTest {
    private static final FrameworkID FW = FrameworkID.newBuilder().setValue("fw").build();
    private static final TaskID A = TaskID.newBuilder().setValue("a").build();
    private static final TaskID B = TaskID.newBuilder().setValue("b").build();

    @TempDir
    Path dir;
    private final List<TaskStatus> sent = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong();
    private StatusUpdateManager manager;

    @BeforeEach
    void setUp() {
        manager = newManager();
    }

    private StatusUpdateManager newManager() {
        return new StatusUpdateManager(k -> dir.resolve(k.taskId() + ".json"), (fw, s) -> sent.add(s), Duration.ofSeconds(10), clock::get);
    }

    @Test
    void onlyTheOldestUnacknowledgedUpdateOfATaskIsInFlight() {
        TaskStatus starting = status(A, TaskState.TASK_STARTING);
        TaskStatus running = status(A, TaskState.TASK_RUNNING);
        manager.update(FW, starting);
        manager.update(FW, running);
        assertThat(sent).containsExactly(starting);

        var ack = manager.acknowledge(FW, A, starting.getUuid());
        assertThat(ack.outcome()).isEqualTo(StatusUpdateManager.AckOutcome.ACKNOWLEDGED);
        assertThat(ack.streamDone()).isFalse();
        assertThat(sent).containsExactly(starting, running);
    }

    @Test
    void anUpdateGoesOutOnlyOnceTheWriteThatRecordsItIsDurable() throws Exception {
        try (io.strata.agent.checkpoint.CheckpointLog log = io.strata.agent.checkpoint.CheckpointLog.open(dir.resolve("meta"))) {
            HeldStore store = new HeldStore(log);
            List<TaskStatus> out = java.util.Collections.synchronizedList(new ArrayList<>());
            StatusUpdateManager m = new StatusUpdateManager(k -> dir.resolve("meta").resolve(k.taskId() + ".json"), store,
                    (fw, st) -> out.add(st), Duration.ofSeconds(10), clock::get);
            TaskStatus starting = status(A, TaskState.TASK_STARTING);
            TaskStatus running = status(A, TaskState.TASK_RUNNING);
            m.update(FW, starting);
            m.update(FW, running);
            m.resendAll(); // a (re)subscription does not send what is not on disk either
            clock.addAndGet(Duration.ofSeconds(11).toNanos());
            m.retryDue();
            assertThat(out).as("nothing before the flush").isEmpty();
            store.release();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> out.size() == 1);
            assertThat(out).containsExactly(starting);
            // the acknowledgement makes the next one the head; it is on disk already and goes at once
            m.acknowledge(FW, A, starting.getUuid());
            assertThat(out).containsExactly(starting, running);
        }
    }

    /** A checkpoint store that reports nothing durable until released; then the real log decides. */
    private static final class HeldStore implements io.strata.agent.checkpoint.CheckpointStore {
        private final io.strata.agent.checkpoint.CheckpointLog log;
        private final List<Runnable> held = new ArrayList<>();
        private boolean released;

        HeldStore(io.strata.agent.checkpoint.CheckpointLog log) {
            this.log = log;
        }

        synchronized void release() {
            released = true;
            long last = log.lastSeq();
            held.forEach(r -> log.whenDurable(last, r));
            held.clear();
        }

        @Override
        public long put(Path file, java.util.function.Supplier<byte[]> content) {
            return log.put(file, content);
        }

        @Override
        public long delete(Path fileOrDirectory) {
            return log.delete(fileOrDirectory);
        }

        @Override
        public synchronized void whenDurable(long seq, Runnable action) {
            if (released) log.whenDurable(seq, action);
            else held.add(action);
        }

        @Override
        public synchronized boolean isDurable(long seq) {
            return released && log.isDurable(seq);
        }

        @Override
        public long lastSeq() {
            return log.lastSeq();
        }
    }

    @Test
    void tasksAreIndependent() {
        TaskStatus a = status(A, TaskState.TASK_STARTING);
        TaskStatus b = status(B, TaskState.TASK_STARTING);
        manager.update(FW, a);
        manager.update(FW, b);
        assertThat(sent).containsExactly(a, b);
    }

    @Test
    void aMismatchedAcknowledgementChangesNothing() {
        TaskStatus starting = status(A, TaskState.TASK_STARTING);
        TaskStatus running = status(A, TaskState.TASK_RUNNING);
        manager.update(FW, starting);
        manager.update(FW, running);
        assertThat(manager.acknowledge(FW, A, running.getUuid()).outcome()).isEqualTo(StatusUpdateManager.AckOutcome.UUID_MISMATCH);
        assertThat(manager.acknowledge(FW, B, running.getUuid()).outcome()).isEqualTo(StatusUpdateManager.AckOutcome.UNKNOWN_TASK);
        assertThat(manager.pending(new TaskKey("fw", "a"))).containsExactly(starting, running);
        assertThat(sent).containsExactly(starting);
    }

    @Test
    void theHeadIsResentEveryRetryIntervalUntilAcknowledged() {
        TaskStatus starting = status(A, TaskState.TASK_STARTING);
        manager.update(FW, starting);
        clock.addAndGet(Duration.ofSeconds(9).toNanos());
        manager.retryDue();
        assertThat(sent).hasSize(1);
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        manager.retryDue();
        assertThat(sent).containsExactly(starting, starting);
        manager.acknowledge(FW, A, starting.getUuid());
        clock.addAndGet(Duration.ofSeconds(60).toNanos());
        manager.retryDue();
        assertThat(sent).hasSize(2);
    }

    @Test
    void resendAllSendsEveryHeadAtOnce() {
        TaskStatus a = status(A, TaskState.TASK_STARTING);
        TaskStatus a2 = status(A, TaskState.TASK_RUNNING);
        TaskStatus b = status(B, TaskState.TASK_RUNNING);
        manager.update(FW, a);
        manager.update(FW, a2);
        manager.update(FW, b);
        sent.clear();
        manager.resendAll();
        assertThat(sent).containsExactly(a, b);
    }

    @Test
    void theTerminalAcknowledgementEndsTheStreamAndItsCheckpoint() {
        TaskStatus running = status(A, TaskState.TASK_RUNNING);
        TaskStatus finished = status(A, TaskState.TASK_FINISHED);
        manager.update(FW, running);
        manager.update(FW, finished);
        assertThat(dir.resolve("a.json")).exists();
        assertThat(manager.acknowledge(FW, A, running.getUuid()).streamDone()).isFalse();
        var ack = manager.acknowledge(FW, A, finished.getUuid());
        assertThat(ack.streamDone()).isTrue();
        assertThat(ack.status()).isEqualTo(finished);
        assertThat(dir.resolve("a.json")).doesNotExist();
        assertThat(manager.pendingCount()).isZero();
    }

    @Test
    void pendingUpdatesSurviveARestartInOrder() throws Exception {
        TaskStatus starting = status(A, TaskState.TASK_STARTING);
        TaskStatus running = status(A, TaskState.TASK_RUNNING);
        TaskStatus finished = status(A, TaskState.TASK_FINISHED);
        manager.update(FW, starting);
        manager.update(FW, running);
        manager.update(FW, finished);
        manager.acknowledge(FW, A, starting.getUuid());
        assertThat(Files.readString(dir.resolve("a.json"))).contains("TASK_RUNNING").doesNotContain("TASK_STARTING");

        sent.clear();
        StatusUpdateManager restarted = newManager();
        assertThat(restarted.recover(new TaskKey("fw", "a"), FW)).containsExactly(running, finished);
        assertThat(sent).as("nothing is sent before the agent subscribes").isEmpty();
        restarted.resendAll();
        assertThat(sent).containsExactly(running);
        restarted.acknowledge(FW, A, running.getUuid());
        assertThat(sent).containsExactly(running, finished);
    }

    @Test
    void updatesOfTasksWhoseIdsCannotNameAFileStayInMemory() {
        StatusUpdateManager m = new StatusUpdateManager(k -> null, (fw, s) -> sent.add(s), Duration.ofSeconds(10), clock::get);
        TaskStatus error = status(TaskID.newBuilder().setValue("../x").build(), TaskState.TASK_ERROR);
        m.update(FW, error);
        assertThat(sent).containsExactly(error);
        assertThat(m.acknowledge(FW, error.getTaskId(), error.getUuid()).streamDone()).isTrue();
    }

    @Test
    void everyUpdateNeedsAUuid() {
        assertThatThrownBy(() -> manager.update(FW, status(A, TaskState.TASK_RUNNING).toBuilder().clearUuid().build()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void uuidsAreSixteenRandomBytes() {
        assertThat(StatusUpdates.newUuid().size()).isEqualTo(16);
        assertThat(StatusUpdates.newUuid()).isNotEqualTo(StatusUpdates.newUuid());
        assertThat(StatusUpdates.uuidText(StatusUpdates.newUuid())).hasSize(36);
    }

    private static TaskStatus status(TaskID task, TaskState state) {
        return StatusUpdates.status(task, state, TaskStatus.Source.SOURCE_EXECUTOR).build();
    }
}
