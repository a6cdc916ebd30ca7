package io.strata.agent.http;

import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Task;

/**
 * A consistent snapshot of the agent for its HTTP endpoints, taken under the agent's lock and rendered
 * without it.
 */
public record AgentState(
        String agentId,
        String hostname,
        int port,
        double startTime,
        List<Resource> resources,
        List<Attribute> attributes,
        String masterHostPort,
        boolean registered,
        Map<String, String> flags,
        List<FrameworkView> frameworks,
        List<FrameworkView> completedFrameworks,
        Map<String, Double> counters) {

    public record FrameworkView(FrameworkInfo info, List<ExecutorView> executors, List<ExecutorView> completedExecutors) {}

    /**
     * @param info        the executor (synthesised for a command task, as Mesos does)
     * @param containerId the executor's container
     * @param directory   its sandbox (run directory)
     * @param tasks       live tasks
     * @param completedTasks tasks that ended (terminal, acknowledged or not)
     */
    public record ExecutorView(ExecutorInfo info, String containerId, String directory, List<Resource> resources,
                               List<Task> tasks, List<Task> completedTasks) {}
}
