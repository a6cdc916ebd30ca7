package io.strata.agent.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint log: group commit, durability before the actions that wait for it, files brought up to date on
 * a graceful close and, after a crash (the log left behind), on the next open; torn tails and paths outside the
 * checkpoint directory are refused.
 */
class CheckpointLogTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private final List<CheckpointLog> open = new ArrayList<>();

    @AfterEach
    void closeAll() {
        open.forEach(CheckpointLog::close);
    }

    private CheckpointLog openLog(long rotateBytes) throws Exception {
        CheckpointLog log = CheckpointLog.open(dir, rotateBytes);
        open.add(log);
        return log;
    }

    private static Supplier<byte[]> text(String s) {
        return () -> s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anActionWaitingForAWriteRunsOnceTheWriteIsInTheLogOnDisk() throws Exception {
        CheckpointLog log = openLog(CheckpointLog.DEFAULT_ROTATE_BYTES);
        long seq = log.put(dir.resolve("frameworks/fw/tasks/t1/task.json"), text("{\"state\":\"TASK_STARTING\"}"));
        List<List<String>> seenInLog = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch ran = new CountDownLatch(1);
        log.whenDurable(seq, () -> {
            try {
                List<String> paths = new ArrayList<>();
                for (Path f : CheckpointLog.existingLogs(dir)) for (CheckpointLog.Op op : CheckpointLog.read(f)) paths.add(op.path());
                seenInLog.add(paths);
            } catch (Exception e) {
                seenInLog.add(List.of("error: " + e));
            }
            ran.countDown();
        });
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(seenInLog.get(0)).containsExactly("frameworks/fw/tasks/t1/task.json");
        assertThat(log.isDurable(seq)).isTrue();
        // nothing writes the file itself while the log is open
        assertThat(dir.resolve("frameworks/fw/tasks/t1/task.json")).doesNotExist();
        // already durable: runs at once, on this thread
        Thread[] ranOn = new Thread[1];
        log.whenDurable(seq, () -> ranOn[0] = Thread.currentThread());
        assertThat(ranOn[0]).isSameAs(Thread.currentThread());
    }

    @Test
    void writesMadeWhileACommitIsUnderWayShareTheNextFlush() throws Exception {
        CheckpointLog log = openLog(CheckpointLog.DEFAULT_ROTATE_BYTES);
        CountDownLatch committerHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        long first = log.put(dir.resolve("a.json"), text("a"));
        // the committer runs this action itself, so while it waits nothing else is committed
        log.whenDurable(first, () -> {
            committerHeld.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(committerHeld.await(10, TimeUnit.SECONDS)).isTrue();
        long commitsBefore = log.stats().commits();
        long last = 0;
        for (int i = 0; i < 200; i++) {
            last = log.put(dir.resolve("frameworks/fw/tasks/t" + i + "/task.json"), text("v1-" + i));
            last = log.put(dir.resolve("frameworks/fw/tasks/t" + i + "/task.json"), text("v2-" + i)); // replaces v1 in the batch
        }
        release.countDown();
        assertThat(log.sync(WAIT)).isTrue();
        CheckpointLog.Stats stats = log.stats();
        assertThat(stats.commits() - commitsBefore).as("one flush for 400 writes").isEqualTo(1);
        assertThat(stats.records()).as("a and the 200 latest task files").isEqualTo(201);
        log.close();
        open.remove(log);
        assertThat(Files.readString(dir.resolve("frameworks/fw/tasks/t7/task.json"))).isEqualTo("v2-7");
        assertThat(CheckpointLog.existingLogs(dir)).as("no log after a graceful close").isEmpty();
    }

    @Test
    void aLogLeftByACrashIsAppliedToTheFilesOnTheNextOpenTornTailIgnored() throws Exception {
        Files.createDirectories(dir.resolve("frameworks/old/tasks/gone"));
        Files.writeString(dir.resolve("frameworks/old/tasks/gone/task.json"), "old");
        Files.writeString(dir.resolve("agent.json"), "{\"agent_id\":\"before\"}");
        CheckpointLog crashed = CheckpointLog.open(dir, CheckpointLog.DEFAULT_ROTATE_BYTES); // never closed: a kill -9
        crashed.put(dir.resolve("agent.json"), text("{\"agent_id\":\"after\"}"));
        crashed.put(dir.resolve("frameworks/fw/tasks/t1/task.json"), text("starting"));
        crashed.put(dir.resolve("frameworks/fw/tasks/t1/updates.json"), text("[STARTING]"));
        crashed.put(dir.resolve("frameworks/fw/tasks/t1/task.json"), text("running"));
        crashed.delete(dir.resolve("frameworks/old"));
        crashed.put(dir.resolve("frameworks/fw/tasks/t2/task.json"), text("t2"));
        crashed.delete(dir.resolve("frameworks/fw/tasks/t2"));
        assertThat(crashed.sync(WAIT)).isTrue();
        List<Path> logs = CheckpointLog.existingLogs(dir);
        assertThat(logs).hasSize(1);
        // a record half written when the machine stopped
        byte[] torn = CheckpointLog.frame(List.of(new CheckpointLog.Op(99, "frameworks/fw/tasks/t1/task.json", text("torn"))));
        Files.write(logs.get(0), java.util.Arrays.copyOf(torn, torn.length - 3), StandardOpenOption.APPEND);

        CheckpointLog next = openLog(CheckpointLog.DEFAULT_ROTATE_BYTES);
        assertThat(Files.readString(dir.resolve("agent.json"))).isEqualTo("{\"agent_id\":\"after\"}");
        assertThat(Files.readString(dir.resolve("frameworks/fw/tasks/t1/task.json"))).isEqualTo("running");
        assertThat(Files.readString(dir.resolve("frameworks/fw/tasks/t1/updates.json"))).isEqualTo("[STARTING]");
        assertThat(dir.resolve("frameworks/old")).doesNotExist();
        assertThat(dir.resolve("frameworks/fw/tasks/t2")).doesNotExist();
        assertThat(CheckpointLog.existingLogs(dir)).as("the old log is gone; the new one is empty")
                .singleElement().satisfies(p -> assertThat(Files.size(p)).isZero());
        assertThat(next.lastSeq()).isZero();
    }

    @Test
    void aFullLogIsMaterializedInTheBackgroundWhileWritingGoesOnInANewOne() throws Exception {
        CheckpointLog log = openLog(4096);
        for (int i = 0; i < 50; i++) {
            log.put(dir.resolve("frameworks/fw/tasks/t" + i + "/task.json"), text("x".repeat(200) + i));
            assertThat(log.sync(WAIT)).isTrue();
        }
        assertThat(log.stats().rotations()).isPositive();
        // the compactor writes the files of every full log
        await().atMost(WAIT).until(() -> Files.exists(dir.resolve("frameworks/fw/tasks/t0/task.json")));
        assertThat(Files.readString(dir.resolve("frameworks/fw/tasks/t0/task.json"))).endsWith("x0");
        log.close();
        open.remove(log);
        for (int i = 0; i < 50; i++) {
            assertThat(Files.readString(dir.resolve("frameworks/fw/tasks/t" + i + "/task.json"))).endsWith("x" + i);
        }
        assertThat(CheckpointLog.existingLogs(dir)).isEmpty();
    }

    @Test
    void writesAfterCloseGoStraightToTheirFiles() throws Exception {
        CheckpointLog log = openLog(CheckpointLog.DEFAULT_ROTATE_BYTES);
        log.close();
        long seq = log.put(dir.resolve("frameworks/fw/framework.json"), text("late"));
        assertThat(log.isDurable(seq)).isTrue();
        assertThat(Files.readString(dir.resolve("frameworks/fw/framework.json"))).isEqualTo("late");
    }

    @Test
    void coalescingKeepsOnlyTheLastPutOfAFileAndDropsPutsUnderALaterDelete() {
        List<CheckpointLog.Op> ops = List.of(
                new CheckpointLog.Op(1, "fw/tasks/a/task.json", text("1")),
                new CheckpointLog.Op(2, "fw/tasks/a/task.json", text("2")),
                new CheckpointLog.Op(3, "fw/tasks/b/task.json", text("3")),
                new CheckpointLog.Op(4, "fw/tasks/b", null),
                new CheckpointLog.Op(5, "fw/tasks/b/task.json", text("5")),
                new CheckpointLog.Op(6, "fw/tasks/bb/task.json", text("6")));
        assertThat(CheckpointLog.coalesce(ops)).extracting(CheckpointLog.Op::seq).containsExactly(2L, 4L, 5L, 6L);
    }

    @Test
    void pathsOutsideTheCheckpointDirectoryAreRefused() throws Exception {
        CheckpointLog log = openLog(CheckpointLog.DEFAULT_ROTATE_BYTES);
        assertThatThrownBy(() -> log.put(dir.resolve("../elsewhere.json"), text("x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> log.delete(dir)).isInstanceOf(IllegalArgumentException.class);
        for (String bad : List.of("../x", "/etc/passwd", "a//b", "a/./b", "a/../../b", "")) {
            assertThat(CheckpointLog.resolve(dir, bad)).as(bad).isNull();
        }
        assertThat(CheckpointLog.resolve(dir, "frameworks/fw/framework.json")).isEqualTo(dir.resolve("frameworks/fw/framework.json"));
        // a log naming such a path (written by something else) changes nothing outside
        Path outside = dir.getParent().resolve("outside-" + System.nanoTime());
        Path stray = CheckpointLog.logFile(dir, 1000);
        Files.write(stray, CheckpointLog.frame(List.of(new CheckpointLog.Op(1, "../" + outside.getFileName(), text("evil")),
                new CheckpointLog.Op(2, "ok.json", text("fine")))));
        CheckpointLog.materialize(dir, stray);
        assertThat(outside).doesNotExist();
        assertThat(Files.readString(dir.resolve("ok.json"))).isEqualTo("fine");
    }
}
