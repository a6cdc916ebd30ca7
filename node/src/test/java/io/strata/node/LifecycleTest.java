package io.strata.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    private final List<String> closed = new CopyOnWriteArrayList<>();

    private AutoCloseable daemon(String name) {
        return () -> closed.add(name);
    }

    @Test
    void stopsNewestFirstAgentsThenMasterThenZooKeeper() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Lifecycle life = new Lifecycle(new PrintStream(buf, true));
        life.add("zookeeper", daemon("zk"));
        life.add("master", daemon("master"));
        life.addGroup("agents", List.of(daemon("a0"), daemon("a1")));
        life.stopAll();
        assertThat(closed).hasSize(4);
        assertThat(closed.subList(0, 2)).containsExactlyInAnyOrder("a0", "a1");
        assertThat(closed.subList(2, 4)).containsExactly("master", "zk");
        assertThat(buf.toString()).contains("Stopped agents", "Stopped master", "Stopped zookeeper");
    }

    @Test
    void stopsAGroupInParallel() throws Exception {
        CountDownLatch both = new CountDownLatch(2);
        AutoCloseable waitsForTheOther = () -> {
            both.countDown();
            if (!both.await(5, TimeUnit.SECONDS)) throw new AssertionError("the other agent did not stop alongside");
            closed.add("ok");
        };
        Lifecycle life = new Lifecycle(null);
        life.addGroup("agents", List.of(waitsForTheOther, waitsForTheOther));
        life.stopAll();
        assertThat(closed).containsExactly("ok", "ok");
    }

    @Test
    void aFailingStopDoesNotKeepTheOthersRunning() {
        Lifecycle life = new Lifecycle(null);
        life.add("zookeeper", daemon("zk"));
        life.add("master", () -> {
            throw new IllegalStateException("boom");
        });
        life.stopAll();
        assertThat(closed).containsExactly("zk");
    }

    @Test
    void somethingStartedAfterTheStopIsStoppedAtOnceAndStopIsIdempotent() {
        Lifecycle life = new Lifecycle(null);
        life.add("zookeeper", daemon("zk"));
        life.stopAll();
        life.add("late agent", daemon("late"));
        life.stopAll();
        assertThat(closed).containsExactly("zk", "late");
    }
}
