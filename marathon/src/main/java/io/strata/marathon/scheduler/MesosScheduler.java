package io.strata.marathon.scheduler;

import io.strata.marathon.Marathon;
import io.strata.marathon.MarathonConfig;
import io.strata.marathon.TaskControl;

/** Placeholder until the v1 scheduler client lands. */
public final class MesosScheduler implements TaskControl, AutoCloseable {
    public MesosScheduler(MarathonConfig config, Marathon marathon) {}

    public void start() {}

    @Override
    public void kill(String taskId, String agentId, Integer gracePeriodSeconds) {}

    @Override
    public void launchesPending() {}

    @Override
    public void close() {}
}
