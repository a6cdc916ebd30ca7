package io.strata.agent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.strata.agent.tasks.TaskValidation;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskState;

/**
 * The agent's numbers, twice: as Micrometer meters for Prometheus ({@code strata_agent_tasks{state}},
 * {@code strata_agent_task_terminations_total{state}}, {@code strata_agent_registered}) and as Mesos'
 * {@code /metrics/snapshot} keys ({@code slave/tasks_running}, {@code slave/tasks_finished}, ...).
 */
final class AgentMetrics {
    private static final List<TaskState> ACTIVE = List.of(TaskState.TASK_STAGING, TaskState.TASK_STARTING,
            TaskState.TASK_RUNNING, TaskState.TASK_KILLING);
    private static final List<TaskState> TERMINAL = List.of(TaskState.TASK_FINISHED, TaskState.TASK_FAILED,
            TaskState.TASK_KILLED, TaskState.TASK_LOST, TaskState.TASK_ERROR, TaskState.TASK_DROPPED, TaskState.TASK_GONE);

    private final MeterRegistry registry;
    private final Map<TaskState, AtomicLong> terminalCounts = new EnumMap<>(TaskState.class);
    private final Map<TaskState, Counter> terminalCounters = new EnumMap<>(TaskState.class);

    AgentMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (TaskState s : TERMINAL) {
            terminalCounts.put(s, new AtomicLong());
            terminalCounters.put(s, Counter.builder("strata.agent.task.terminations")
                    .description("Tasks that reached a terminal state on this agent")
                    .tag("state", s.name()).register(registry));
        }
    }

    void bind(Agent agent) {
        for (TaskState s : ACTIVE) {
            Gauge.builder("strata.agent.tasks", agent, a -> a.tasksByState().getOrDefault(s, 0))
                    .description("Tasks on this agent by state").tag("state", s.name()).register(registry);
        }
        Gauge.builder("strata.agent.registered", agent, a -> a.registered() ? 1 : 0)
                .description("1 while the agent is subscribed to a master").register(registry);
    }

    void terminal(TaskState state) {
        AtomicLong n = terminalCounts.get(state);
        if (n != null) n.incrementAndGet();
        Counter c = terminalCounters.get(state);
        if (c != null) c.increment();
    }

    /** Mesos agent /metrics/snapshot keys. */
    Map<String, Double> snapshot(List<TaskState> states, List<Resource> used, List<Resource> total, boolean registered,
                                 int frameworks, int executors) {
        Map<String, Double> m = new LinkedHashMap<>();
        Map<TaskState, Integer> active = new EnumMap<>(TaskState.class);
        for (TaskState s : states) active.merge(s == null ? TaskState.TASK_STAGING : s, 1, Integer::sum);
        m.put("slave/tasks_staging", (double) active.getOrDefault(TaskState.TASK_STAGING, 0));
        m.put("slave/tasks_starting", (double) active.getOrDefault(TaskState.TASK_STARTING, 0));
        m.put("slave/tasks_running", (double) active.getOrDefault(TaskState.TASK_RUNNING, 0));
        m.put("slave/tasks_killing", (double) active.getOrDefault(TaskState.TASK_KILLING, 0));
        m.put("slave/tasks_finished", (double) terminalCounts.get(TaskState.TASK_FINISHED).get());
        m.put("slave/tasks_failed", (double) terminalCounts.get(TaskState.TASK_FAILED).get());
        m.put("slave/tasks_killed", (double) terminalCounts.get(TaskState.TASK_KILLED).get());
        m.put("slave/tasks_lost", (double) terminalCounts.get(TaskState.TASK_LOST).get());
        m.put("slave/tasks_error", (double) terminalCounts.get(TaskState.TASK_ERROR).get());
        m.put("slave/tasks_dropped", (double) terminalCounts.get(TaskState.TASK_DROPPED).get());
        m.put("slave/tasks_gone", (double) terminalCounts.get(TaskState.TASK_GONE).get());
        m.put("slave/registered", registered ? 1.0 : 0.0);
        m.put("slave/frameworks_active", (double) frameworks);
        m.put("slave/executors_running", (double) executors);
        for (String r : List.of("cpus", "mem", "disk", "gpus")) {
            double t = TaskValidation.scalar(total, r);
            double u = TaskValidation.scalar(used, r);
            m.put("slave/" + r + "_total", t);
            m.put("slave/" + r + "_used", u);
            m.put("slave/" + r + "_percent", t > 0 ? u / t : 0.0);
        }
        m.put("system/cpus_total", (double) Runtime.getRuntime().availableProcessors());
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        m.put("system/load_1min", Math.max(0, os.getSystemLoadAverage()));
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            m.put("system/mem_total_bytes", (double) sun.getTotalMemorySize());
            m.put("system/mem_free_bytes", (double) sun.getFreeMemorySize());
        }
        return m;
    }
}
