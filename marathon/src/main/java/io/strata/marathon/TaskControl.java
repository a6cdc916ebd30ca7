package io.strata.marathon;

/**
 * What the Marathon core asks of the Mesos side. The scheduler implements it; without a master (API-only runs,
 * tests) {@link #NONE} does nothing and instances stay scheduled.
 */
public interface TaskControl {
    /** Kills a launched task; Marathon retries until the task's terminal status arrives. */
    void kill(String taskId, String agentId, Integer gracePeriodSeconds);

    /** There are instances waiting for offers: revive them if suppressed. */
    void launchesPending();

    TaskControl NONE = new TaskControl() {
        @Override
        public void kill(String taskId, String agentId, Integer gracePeriodSeconds) {}

        @Override
        public void launchesPending() {}
    };
}
