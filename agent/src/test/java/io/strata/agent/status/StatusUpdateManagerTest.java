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
