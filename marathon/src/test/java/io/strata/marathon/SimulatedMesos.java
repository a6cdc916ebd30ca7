package io.strata.marathon;

import io.strata.marathon.model.Instance;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory stand-in for the Mesos side of Marathon: launches whatever is launchable, reports tasks running,
 * and kills on request. Nothing happens until the test calls {@link #launchAll}, {@link #runAll} or
 * {@link #completeKills}, so tests control the interleaving exactly.
 */
public final class SimulatedMesos implements TaskControl {
    private final Marathon marathon;
    public final List<String> killRequests = new ArrayList<>();
    private final List<String> pendingKills = new ArrayList<>();
    private int nextPort = 31000;
    public int revives;

    public SimulatedMesos(Marathon marathon) {
        this.marathon = marathon;
        marathon.taskControl(this);
    }

    @Override
    public synchronized void kill(String taskId, String agentId, Integer grace) {
        killRequests.add(taskId);
        if (!pendingKills.contains(taskId)) pendingKills.add(taskId);
    }

    @Override
    public void launchesPending() {
        revives++;
    }

    /** Launches every launchable instance (staging), returns them. */
    public List<Instance> launchAll() {
        List<Instance> out = new ArrayList<>();
        for (Instance i : marathon.launchable()) {
            marathon.launched(i.instanceId(), "agent-1", "host-1", List.of(nextPort++)).ifPresent(launched -> {
                marathon.onStatus(launched.taskId(), "TASK_STAGING", "agent-1", null, null, List.of("127.0.0.1"), null);
                out.add(launched);
            });
        }
        return out;
    }

    /** Reports every staging task running. */
    public void runAll() {
        for (Instance i : marathon.instances()) {
            if (i.condition() == Instance.Condition.Staging || i.condition() == Instance.Condition.Provisioned) {
                marathon.onStatus(i.taskId(), "TASK_RUNNING", "agent-1", null, null, List.of("127.0.0.1"), null);
            }
        }
    }

    public void launchAndRunAll() {
        launchAll();
        runAll();
    }

    /** Reports every requested kill as done. */
    public void completeKills() {
        List<String> kills;
        synchronized (this) {
            kills = new ArrayList<>(pendingKills);
            pendingKills.clear();
        }
        for (String t : kills) marathon.onStatus(t, "TASK_KILLED", "agent-1", "killed", null, List.of(), null);
    }

    public void fail(Instance i, String state) {
        marathon.onStatus(i.taskId(), state, "agent-1", "boom", null, List.of(), null);
    }
}
