package io.strata.master;

import io.strata.common.resources.Resources;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskInfo;

/** A non-terminal task the master tracks: its latest Task record and the resources it holds. */
final class TaskEntry {
    final String frameworkId;
    final String agentId;
    final TaskInfo info; // null for tasks learned from a re-registering agent
    final Resources resources;
    Task task;

    TaskEntry(String frameworkId, String agentId, TaskInfo info, Resources resources, Task task) {
        this.frameworkId = frameworkId;
        this.agentId = agentId;
        this.info = info;
        this.resources = resources;
        this.task = task;
    }

    String taskId() {
        return task.getTaskId().getValue();
    }

    String key() {
        return key(frameworkId, taskId());
    }

    static String key(String frameworkId, String taskId) {
        return frameworkId + "/" + taskId;
    }
}
