package io.strata.agent;

import io.strata.agent.http.AgentState;
import java.util.ArrayList;
import java.util.List;
import org.apache.mesos.v1.Protos.Task;

/**
 * Whether the agent has processed every acknowledgement of a task, by its own account (/state's
 * {@code status_update_uuid} is the update in flight). Checkpoint files cannot tell: they are written from the
 * checkpoint log later, so a missing {@code updates.json} proves nothing.
 */
public final class AcknowledgedUpdates {
    private AcknowledgedUpdates() {}

    /** True when the agent knows the task (live or completed) and has no update of it waiting for an acknowledgement. */
    public static boolean of(AgentServer agent, String taskId) {
        AgentState state = agent.state();
        List<AgentState.FrameworkView> fws = new ArrayList<>(state.frameworks());
        fws.addAll(state.completedFrameworks());
        for (AgentState.FrameworkView fw : fws) {
            List<AgentState.ExecutorView> executors = new ArrayList<>(fw.executors());
            executors.addAll(fw.completedExecutors());
            for (AgentState.ExecutorView e : executors) {
                List<Task> tasks = new ArrayList<>(e.tasks());
                tasks.addAll(e.completedTasks());
                for (Task t : tasks) {
                    if (t.getTaskId().getValue().equals(taskId)) return !t.hasStatusUpdateUuid();
                }
            }
        }
        return false;
    }
}
