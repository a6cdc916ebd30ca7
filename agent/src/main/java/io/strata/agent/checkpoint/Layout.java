package io.strata.agent.checkpoint;

import io.strata.agent.status.TaskKey;
import io.strata.common.ids.Ids;
import java.nio.file.Path;

/**
 * Where things live under the agent's work directory. Sandboxes follow Mesos' layout, so tools that know it
 * find stdout/stderr where they expect:
 * <pre>
 * slaves/&lt;agent&gt;/frameworks/&lt;fw&gt;/executors/&lt;executor&gt;/runs/&lt;container&gt;/      sandbox (stdout, stderr)
 * slaves/&lt;agent&gt;/frameworks/&lt;fw&gt;/executors/&lt;executor&gt;/runs/&lt;container&gt;/tasks/&lt;task&gt;/   task of a group
 * meta/agent.json                                         agent id
 * meta/frameworks/&lt;fw&gt;/framework.json                    FrameworkInfo
 * meta/frameworks/&lt;fw&gt;/tasks/&lt;task&gt;/task.json           task, container, state
 * meta/frameworks/&lt;fw&gt;/tasks/&lt;task&gt;/updates.json        unacknowledged status updates
 * meta/checkpoints.&lt;n&gt;.log                             the checkpoint log (see CheckpointLog)
 * meta/containers/&lt;container&gt;/{pid,exit_status}           written by the task's wrapper
 * </pre>
 * Every id is checked with {@link Ids#requireSafePathSegment} before it becomes a path segment.
 */
public record Layout(Path workDir) {
    public Layout {
        workDir = workDir.toAbsolutePath().normalize();
    }

    public Path slavesDir() {
        return workDir.resolve("slaves");
    }

    public Path metaDir() {
        return workDir.resolve("meta");
    }

    public Path agentFile() {
        return metaDir().resolve("agent.json");
    }

    public Path frameworksMetaDir() {
        return metaDir().resolve("frameworks");
    }

    public Path frameworkMetaDir(String frameworkId) {
        return frameworksMetaDir().resolve(Ids.requireSafePathSegment("framework id", frameworkId));
    }

    public Path frameworkFile(String frameworkId) {
        return frameworkMetaDir(frameworkId).resolve("framework.json");
    }

    public Path taskMetaDir(TaskKey key) {
        return frameworkMetaDir(key.frameworkId()).resolve("tasks").resolve(Ids.requireSafePathSegment("task id", key.taskId()));
    }

    public Path taskFile(TaskKey key) {
        return taskMetaDir(key).resolve("task.json");
    }

    /** The status update checkpoint of a task, or null when its ids cannot name a file. */
    public Path updatesFileOrNull(TaskKey key) {
        if (!Ids.isSafePathSegment(key.frameworkId()) || !Ids.isSafePathSegment(key.taskId())) return null;
        return taskMetaDir(key).resolve("updates.json");
    }

    public Path containerMetaDir(String containerId) {
        return metaDir().resolve("containers").resolve(Ids.requireSafePathSegment("container id", containerId));
    }

    public Path executorDir(String agentId, String frameworkId, String executorId) {
        return slavesDir()
                .resolve(Ids.requireSafePathSegment("agent id", agentId))
                .resolve("frameworks").resolve(Ids.requireSafePathSegment("framework id", frameworkId))
                .resolve("executors").resolve(Ids.requireSafePathSegment("executor id", executorId));
    }

    public Path runDir(String agentId, String frameworkId, String executorId, String containerId) {
        return executorDir(agentId, frameworkId, executorId).resolve("runs")
                .resolve(Ids.requireSafePathSegment("container id", containerId));
    }

    /** A task of a task group gets its own directory inside the group's run directory. */
    public Path groupTaskSandbox(Path runDir, String taskId) {
        return runDir.resolve("tasks").resolve(Ids.requireSafePathSegment("task id", taskId));
    }
}
