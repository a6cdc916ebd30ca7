package io.strata.agent.status;

import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.TaskID;

/** A task as the agent keys it: task ids are unique within their framework only. */
public record TaskKey(String frameworkId, String taskId) {
    public static TaskKey of(FrameworkID frameworkId, TaskID taskId) {
        return new TaskKey(frameworkId.getValue(), taskId.getValue());
    }

    @Override
    public String toString() {
        return frameworkId + "/" + taskId;
    }
}
