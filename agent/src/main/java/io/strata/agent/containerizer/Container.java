package io.strata.agent.containerizer;

import io.strata.agent.cgroups.Cgroup;
import java.nio.file.Path;

/**
 * A started task process, as checkpointed: enough to find it again after an agent restart and to tell it from
 * an unrelated process that later got the same pid.
 *
 * @param containerId  the container's uuid (names the sandbox run directory and the cgroup)
 * @param pid          the wrapper's pid, which is also its process group and session id
 * @param startMillis  the process' start time (epoch ms) as the OS reports it, or null if unknown
 * @param sandbox      the task's working directory, holding stdout and stderr
 * @param metaDir      the wrapper's pid and exit status files
 * @param cgroup       the task's cgroup, or null when it runs without one
 */
public record Container(String containerId, long pid, Long startMillis, Path sandbox, Path metaDir, Cgroup cgroup) {}
