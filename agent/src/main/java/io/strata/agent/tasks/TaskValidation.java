package io.strata.agent.tasks;

import io.strata.agent.containerizer.LaunchScript;
import io.strata.agent.containerizer.docker.ImageReference;
import io.strata.common.ids.Ids;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.mesos.v1.Protos.ContainerInfo;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;

/**
 * The agent's checks before it runs anything: ids that will name directories, a runnable command, a container
 * type this agent can run, well-formed resources, and resources that fit what is free on the agent. A task
 * that fails them never starts: it gets TASK_ERROR (invalid) or TASK_FAILED (valid, but not runnable here)
 * with a message saying why.
 */
public final class TaskValidation {
    public record Rejection(TaskState state, TaskStatus.Reason reason, String message) {
        static Rejection invalid(String message) {
            return new Rejection(TaskState.TASK_ERROR, TaskStatus.Reason.REASON_TASK_INVALID, message);
        }

        static Rejection cannotLaunch(String message) {
            return new Rejection(TaskState.TASK_FAILED, TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED, message);
        }
    }

    private static final List<String> SCALARS = List.of("cpus", "mem", "disk", "gpus");

    private TaskValidation() {}

    /** Checks one task on its own, for an agent with only the process (mesos) containerizer. */
    public static Optional<Rejection> validate(FrameworkInfo framework, ExecutorInfo groupExecutor, TaskInfo task) {
        return validate(framework, groupExecutor, task, false, true);
    }

    /**
     * Checks one task on its own. {@code groupExecutor} is the LAUNCH_GROUP executor, or null; {@code docker} and
     * {@code mesos} say which containerizers the agent runs.
     */
    public static Optional<Rejection> validate(FrameworkInfo framework, ExecutorInfo groupExecutor, TaskInfo task,
                                               boolean docker, boolean mesos) {
        String fw = framework.hasId() ? framework.getId().getValue() : null;
        if (!Ids.isSafePathSegment(fw)) return Optional.of(Rejection.invalid(unsafe("framework id", fw)));
        String taskId = task.getTaskId().getValue();
        if (!Ids.isSafePathSegment(taskId)) return Optional.of(Rejection.invalid(unsafe("task id", taskId)));
        if (groupExecutor != null) {
            String ex = groupExecutor.getExecutorId().getValue();
            if (!Ids.isSafePathSegment(ex)) return Optional.of(Rejection.invalid(unsafe("executor id", ex)));
        } else if (task.hasExecutor()) {
            return Optional.of(Rejection.cannotLaunch("Custom executors are not supported by this agent;"
                    + " launch a command task or a task group"));
        }
        if (!task.hasCommand()) return Optional.of(Rejection.invalid("Task has no command (CommandInfo) to run"));
        boolean dockerTask = task.hasContainer() && task.getContainer().getType() == ContainerInfo.Type.DOCKER;
        if (dockerTask) {
            Optional<Rejection> r = validateDocker(groupExecutor, task.getContainer(), docker);
            if (r.isPresent()) return r;
        } else {
            try {
                LaunchScript.commandLine(task.getCommand());
            } catch (IllegalArgumentException e) {
                return Optional.of(Rejection.invalid("Invalid command: " + e.getMessage()));
            }
            if (task.hasContainer() && task.getContainer().hasMesos() && task.getContainer().getMesos().hasImage()) {
                return Optional.of(Rejection.cannotLaunch("Container images are not supported by this agent's process containerizer"));
            }
            if (!mesos) {
                return Optional.of(Rejection.cannotLaunch("The mesos containerizer is not enabled on this agent"
                        + " (--containerizers has only docker): only tasks with a DOCKER container run here"));
            }
        }
        for (Resource r : task.getResourcesList()) {
            Optional<String> bad = malformed(r);
            if (bad.isPresent()) return Optional.of(Rejection.invalid("Invalid resource " + r.getName() + ": " + bad.get()));
        }
        return Optional.empty();
    }

    private static Optional<Rejection> validateDocker(ExecutorInfo groupExecutor, ContainerInfo c, boolean docker) {
        if (groupExecutor != null) {
            return Optional.of(Rejection.invalid("Docker ContainerInfo is not supported on the task of a task group"));
        }
        if (!docker) return Optional.of(Rejection.cannotLaunch("The docker containerizer is not enabled on this agent"));
        if (!c.hasDocker()) return Optional.of(Rejection.invalid("DockerInfo 'docker' is not set for DOCKER typed ContainerInfo"));
        if (c.getDocker().getImage().isBlank()) return Optional.of(Rejection.invalid("DockerInfo has no image"));
        try {
            ImageReference.parse(c.getDocker().getImage());
        } catch (IllegalArgumentException e) {
            return Optional.of(Rejection.invalid("Invalid docker image: " + e.getMessage()));
        }
        return Optional.empty();
    }

    private static String unsafe(String what, String id) {
        return "Invalid " + what + " '" + id + "': it may contain only letters, digits, '_', '.' and '-'";
    }

    private static Optional<String> malformed(Resource r) {
        if (r.getName().isBlank()) return Optional.of("no name");
        if (r.getType() == Value.Type.SCALAR) {
            double v = r.getScalar().getValue();
            if (!Double.isFinite(v) || v < 0) return Optional.of("negative or not a number (" + v + ")");
        } else if (r.getType() == Value.Type.RANGES) {
            for (Value.Range range : r.getRanges().getRangeList()) {
                if (range.getBegin() > range.getEnd() || range.getBegin() < 0) {
                    return Optional.of("bad range [" + range.getBegin() + "-" + range.getEnd() + "]");
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the task fits into what the agent has left: for cpus, mem, disk and gpus the sum over the agent's
     * live tasks plus this one must not exceed the agent's total (whatever the role), and its ports must be
     * the agent's and not in use.
     */
    public static Optional<Rejection> fits(List<Resource> agentTotal, List<Resource> inUse, TaskInfo task) {
        Map<String, Double> total = scalars(agentTotal);
        Map<String, Double> used = scalars(inUse);
        Map<String, Double> wanted = scalars(task.getResourcesList());
        for (String name : SCALARS) {
            double w = wanted.getOrDefault(name, 0.0);
            if (w <= 0) continue;
            double free = total.getOrDefault(name, 0.0) - used.getOrDefault(name, 0.0);
            if (w > free + 1e-6) {
                return Optional.of(Rejection.invalid(String.format(Locale.ROOT,
                        "Task uses more %s (%s) than this agent has free (%s of %s)", name, fmt(w), fmt(Math.max(0, free)),
                        fmt(total.getOrDefault(name, 0.0)))));
            }
        }
        List<Value.Range> agentPorts = ranges(agentTotal, "ports");
        List<Value.Range> usedPorts = ranges(inUse, "ports");
        for (Value.Range r : ranges(task.getResourcesList(), "ports")) {
            if (!covered(agentPorts, r)) {
                return Optional.of(Rejection.invalid("Task uses ports [" + r.getBegin() + "-" + r.getEnd()
                        + "] that this agent does not offer"));
            }
            for (Value.Range u : usedPorts) {
                if (r.getBegin() <= u.getEnd() && u.getBegin() <= r.getEnd()) {
                    return Optional.of(Rejection.invalid("Task uses ports [" + r.getBegin() + "-" + r.getEnd()
                            + "] that another task on this agent holds"));
                }
            }
        }
        return Optional.empty();
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "");
    }

    static Map<String, Double> scalars(List<Resource> resources) {
        Map<String, Double> out = new HashMap<>();
        for (Resource r : resources) {
            if (r.getType() == Value.Type.SCALAR) out.merge(r.getName(), r.getScalar().getValue(), Double::sum);
        }
        return out;
    }

    static List<Value.Range> ranges(List<Resource> resources, String name) {
        List<Value.Range> out = new ArrayList<>();
        for (Resource r : resources) {
            if (r.getName().equals(name) && r.getType() == Value.Type.RANGES) out.addAll(r.getRanges().getRangeList());
        }
        return out;
    }

    private static boolean covered(List<Value.Range> have, Value.Range want) {
        long next = want.getBegin();
        // ranges may be split across resources (per role); walk them in order of begin
        List<Value.Range> sorted = have.stream().sorted(java.util.Comparator.comparingLong(Value.Range::getBegin)).toList();
        for (Value.Range h : sorted) {
            if (h.getBegin() <= next && h.getEnd() >= next) next = h.getEnd() + 1;
            if (next > want.getEnd()) return true;
        }
        return next > want.getEnd();
    }

    /** The sum of a scalar resource in a list (0 when absent). */
    public static double scalar(List<Resource> resources, String name) {
        return scalars(resources).getOrDefault(name, 0.0);
    }
}
