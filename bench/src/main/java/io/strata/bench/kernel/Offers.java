package io.strata.bench.kernel;

import java.util.List;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.Value;

/**
 * How the benchmark frameworks read offers and build tasks, as a real scheduler does: a task's resources are
 * copies of the offer's own resources (same role, allocation info and reservations) with a smaller amount.
 */
final class Offers {
    private Offers() {}

    /** The largest scalar resource called {@code name} in the offer, or null. */
    static Resource largest(Offer offer, String name) {
        Resource best = null;
        for (Resource r : offer.getResourcesList()) {
            if (r.getName().equals(name) && r.getType() == Value.Type.SCALAR
                    && (best == null || r.getScalar().getValue() > best.getScalar().getValue())) {
                best = r;
            }
        }
        return best;
    }

    /** How many tasks of {@code cpus} and {@code mem} fit in the offer. */
    static int fit(Offer offer, double cpus, double mem) {
        Resource c = largest(offer, "cpus");
        Resource m = largest(offer, "mem");
        if (c == null || m == null) return 0;
        // the small epsilon keeps 16 / 0.01 at 1600 despite binary fractions
        return (int) Math.min(Math.floor(c.getScalar().getValue() / cpus + 1e-9),
                Math.floor(m.getScalar().getValue() / mem + 1e-9));
    }

    /** A command task on the offer's agent with {@code cpus} and {@code mem} cut from the offer's resources. */
    static TaskInfo commandTask(Offer offer, String taskId, String shellCommand, double cpus, double mem) {
        return TaskInfo.newBuilder()
                .setName(taskId)
                .setTaskId(TaskID.newBuilder().setValue(taskId))
                .setAgentId(offer.getAgentId())
                .addAllResources(List.of(amount(largest(offer, "cpus"), cpus), amount(largest(offer, "mem"), mem)))
                .setCommand(CommandInfo.newBuilder().setShell(true).setValue(shellCommand))
                .build();
    }

    private static Resource amount(Resource template, double value) {
        return template.toBuilder().setScalar(Value.Scalar.newBuilder().setValue(value)).build();
    }
}
