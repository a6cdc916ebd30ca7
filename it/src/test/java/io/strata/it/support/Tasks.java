package io.strata.it.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.Value;

/**
 * Carves tasks out of one offer the way a scheduler must: every resource a task uses is copied from an
 * offered resource (keeping its role, allocation_info and reservations) with the amount reduced, and each
 * task gets distinct ports from the offered ranges.
 */
public final class Tasks {
    private final Offer offer;
    private double cpus;
    private double mem;
    private final List<long[]> freePorts = new ArrayList<>();

    public Tasks(Offer offer) {
        this.offer = offer;
        this.cpus = scalar(offer, "cpus");
        this.mem = scalar(offer, "mem");
        for (Resource r : offer.getResourcesList()) {
            if (r.getName().equals("ports") && r.hasRanges()) {
                for (Value.Range range : r.getRanges().getRangeList()) {
                    freePorts.add(new long[] {range.getBegin(), range.getEnd()});
                }
            }
        }
    }

    public Offer offer() {
        return offer;
    }

    /** Sum of a scalar resource in the offer (all roles). */
    public static double scalar(Offer offer, String name) {
        return offer.getResourcesList().stream().filter(r -> r.getName().equals(name) && r.hasScalar())
                .mapToDouble(r -> r.getScalar().getValue()).sum();
    }

    /** Total number of ports in the offer's ranges. */
    public static long portCount(Offer offer) {
        return offer.getResourcesList().stream().filter(r -> r.getName().equals("ports") && r.hasRanges())
                .flatMap(r -> r.getRanges().getRangeList().stream())
                .mapToLong(rg -> rg.getEnd() - rg.getBegin() + 1).sum();
    }

    public boolean fits(double taskCpus, double taskMem, int ports) {
        return cpus + 1e-9 >= taskCpus && mem + 1e-9 >= taskMem && remainingPorts() >= ports;
    }

    private long remainingPorts() {
        return freePorts.stream().mapToLong(r -> r[1] - r[0] + 1).sum();
    }

    /** A shell command task using the given resources and {@code ports} ports; the ports are returned in order. */
    public TaskInfo command(String taskId, double taskCpus, double taskMem, int ports, String shell) {
        return command(taskId, taskCpus, taskMem, ports, shell, Map.of());
    }

    public TaskInfo command(String taskId, double taskCpus, double taskMem, int ports, String shell,
                            Map<String, String> env) {
        TaskInfo.Builder t = TaskInfo.newBuilder()
                .setName(taskId)
                .setTaskId(TaskID.newBuilder().setValue(taskId))
                .setAgentId(offer.getAgentId())
                .addAllResources(take(taskCpus, taskMem, ports));
        CommandInfo.Builder cmd = CommandInfo.newBuilder().setShell(true).setValue(shell);
        if (!env.isEmpty()) {
            Environment.Builder e = Environment.newBuilder();
            env.forEach((k, v) -> e.addVariables(Environment.Variable.newBuilder().setName(k).setValue(v)));
            cmd.setEnvironment(e);
        }
        return t.setCommand(cmd).build();
    }

    /** Resources for a task or executor, taken from this offer. */
    public List<Resource> take(double taskCpus, double taskMem, int ports) {
        if (!fits(taskCpus, taskMem, ports)) {
            throw new IllegalStateException("offer " + offer.getId().getValue() + " has cpus " + cpus + " mem " + mem
                    + " ports " + remainingPorts() + "; wanted " + taskCpus + "/" + taskMem + "/" + ports);
        }
        cpus -= taskCpus;
        mem -= taskMem;
        List<Resource> out = new ArrayList<>();
        out.add(scalarLike("cpus", taskCpus));
        out.add(scalarLike("mem", taskMem));
        if (ports > 0) {
            Value.Ranges.Builder ranges = Value.Ranges.newBuilder();
            for (int i = 0; i < ports; i++) {
                long p = nextPort();
                ranges.addRange(Value.Range.newBuilder().setBegin(p).setEnd(p));
            }
            out.add(template("ports").toBuilder().clearScalar().clearSet()
                    .setType(Value.Type.RANGES).setRanges(ranges).build());
        }
        return out;
    }

    /** A resource with no regard for what is offered (to ask for more than the offer has). */
    public Resource oversized(String name, double amount) {
        return scalarLike(name, amount);
    }

    private Resource scalarLike(String name, double amount) {
        return template(name).toBuilder().clearRanges().clearSet().setType(Value.Type.SCALAR)
                .setScalar(Value.Scalar.newBuilder().setValue(amount)).build();
    }

    private Resource template(String name) {
        for (Resource r : offer.getResourcesList()) {
            if (r.getName().equals(name)) return r;
        }
        return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR).build();
    }

    private long nextPort() {
        long[] first = freePorts.get(0);
        long p = first[0];
        if (first[0] == first[1]) freePorts.remove(0); else first[0]++;
        return p;
    }

    /** The first port a task was given (its PORT0). */
    public static long port0(TaskInfo task) {
        for (Resource r : task.getResourcesList()) {
            if (r.getName().equals("ports")) return r.getRanges().getRange(0).getBegin();
        }
        throw new IllegalArgumentException("task has no ports");
    }

    /** A DEFAULT executor for LAUNCH_GROUP with its own small resources from this offer. */
    public ExecutorInfo defaultExecutor(String executorId, FrameworkID frameworkId) {
        return ExecutorInfo.newBuilder()
                .setType(ExecutorInfo.Type.DEFAULT)
                .setExecutorId(ExecutorID.newBuilder().setValue(executorId))
                .setFrameworkId(frameworkId)
                .addAllResources(take(0.1, 32, 0))
                .build();
    }

    public AgentID agentId() {
        return offer.getAgentId();
    }
}
