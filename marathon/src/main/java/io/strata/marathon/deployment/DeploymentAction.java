package io.strata.marathon.deployment;

import io.strata.marathon.model.PathId;
import java.util.List;

/**
 * One thing a deployment step does to one app.
 *
 * @param scaleTo          for SCALE: the instance count to reach
 * @param killInstanceIds  for SCALE: instances to kill first (chosen by the planner with the app's killSelection,
 *                         or named by the user in {@code /v2/tasks/delete?scale=true})
 */
public record DeploymentAction(Kind kind, PathId appId, int scaleTo, List<String> killInstanceIds) {
    public enum Kind {
        START("StartApplication"), SCALE("ScaleApplication"), RESTART("RestartApplication"), STOP("StopApplication");

        public final String marathonName;

        Kind(String marathonName) {
            this.marathonName = marathonName;
        }

        public static Kind fromName(String name) {
            for (Kind k : values()) if (k.marathonName.equals(name)) return k;
            throw new IllegalArgumentException("unknown deployment action " + name);
        }
    }

    public DeploymentAction {
        killInstanceIds = killInstanceIds == null ? List.of() : List.copyOf(killInstanceIds);
    }

    public static DeploymentAction start(PathId id) {
        return new DeploymentAction(Kind.START, id, 0, List.of());
    }

    public static DeploymentAction scale(PathId id, int to, List<String> kill) {
        return new DeploymentAction(Kind.SCALE, id, to, kill);
    }

    public static DeploymentAction restart(PathId id) {
        return new DeploymentAction(Kind.RESTART, id, 0, List.of());
    }

    public static DeploymentAction stop(PathId id) {
        return new DeploymentAction(Kind.STOP, id, 0, List.of());
    }

    @Override
    public String toString() {
        return kind.marathonName + "(" + appId + (kind == Kind.SCALE ? ", " + scaleTo + (killInstanceIds.isEmpty() ? "" : ", kill " + killInstanceIds) : "") + ")";
    }
}
