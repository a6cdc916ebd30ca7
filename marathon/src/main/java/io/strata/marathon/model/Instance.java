package io.strata.marathon.model;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One instance of an app and its (single) Mesos task: from {@code Scheduled} (waiting for an offer) through
 * {@code Staging}/{@code Running} to a terminal condition. Ids look like Marathon's:
 * {@code prod_web.instance-<uuid>} with task {@code prod_web.instance-<uuid>._app.<incarnation>}.
 *
 * @param appVersion    the app's version when this instance was created
 * @param configVersion the app's lastConfigChangeAt then: instances with an older one belong to an old version
 * @param healthy       null until the first health result (or when the app has no health checks)
 * @param ready         readiness check result; null when the app has no readiness checks
 */
public record Instance(String instanceId, int incarnation, PathId appId, Instant appVersion, Instant configVersion,
                       Condition condition, Goal goal, String agentId, String host, List<Integer> hostPorts,
                       List<String> ipAddresses, Instant stagedAt, Instant startedAt, Boolean healthy, Boolean ready,
                       String role, String message, Instant scheduledAt) {

    public enum Goal { Running, Stopped, Decommissioned }

    /** Marathon's instance conditions, each with the Mesos task state shown for it. */
    public enum Condition {
        Scheduled(null), Provisioned("TASK_STAGING"), Staging("TASK_STAGING"), Starting("TASK_STARTING"),
        Running("TASK_RUNNING"), Killing("TASK_KILLING"), Finished("TASK_FINISHED"), Failed("TASK_FAILED"),
        Killed("TASK_KILLED"), Error("TASK_ERROR"), Dropped("TASK_DROPPED"), Gone("TASK_GONE"), Unreachable("TASK_UNREACHABLE"),
        UnreachableInactive("TASK_UNREACHABLE"), Unknown("TASK_UNKNOWN");

        public final String mesosState;

        Condition(String mesosState) {
            this.mesosState = mesosState;
        }

        public boolean isTerminal() {
            return switch (this) {
                case Finished, Failed, Killed, Error, Dropped, Gone, Unknown -> true;
                default -> false;
            };
        }

        /** Launched and not yet gone: uses resources on an agent (or may, for unreachable ones). */
        public boolean isActive() {
            return switch (this) {
                case Provisioned, Staging, Starting, Running, Killing, Unreachable -> true;
                default -> false;
            };
        }

        public static Condition fromMesos(String taskState) {
            return switch (taskState) {
                case "TASK_STAGING" -> Staging;
                case "TASK_STARTING" -> Starting;
                case "TASK_RUNNING" -> Running;
                case "TASK_KILLING" -> Killing;
                case "TASK_FINISHED" -> Finished;
                case "TASK_FAILED" -> Failed;
                case "TASK_KILLED" -> Killed;
                case "TASK_ERROR" -> Error;
                case "TASK_LOST", "TASK_GONE", "TASK_GONE_BY_OPERATOR" -> Gone;
                case "TASK_DROPPED" -> Dropped;
                case "TASK_UNREACHABLE" -> Unreachable;
                default -> Unknown;
            };
        }
    }

    public Instance {
        hostPorts = hostPorts == null ? List.of() : List.copyOf(hostPorts);
        ipAddresses = ipAddresses == null ? List.of() : List.copyOf(ipAddresses);
    }

    /** A new instance waiting for an offer. */
    public static Instance scheduled(AppDefinition app, Instant now) {
        String id = app.id().safePath() + ".instance-" + UUID.randomUUID();
        return new Instance(id, 1, app.id(), app.version(), app.versionInfo().lastConfigChangeAt(), Condition.Scheduled,
                Goal.Running, null, null, List.of(), List.of(), null, null, null, null, app.role(), null, now);
    }

    public String taskId() {
        return instanceId + "._app." + incarnation;
    }

    /** The instance id a task id belongs to, or null when it is not one of ours. */
    public static String instanceIdOf(String taskId) {
        int i = taskId.lastIndexOf("._app.");
        return i < 0 ? null : taskId.substring(0, i);
    }

    public boolean isScheduled() {
        return condition == Condition.Scheduled;
    }

    public boolean isRunning() {
        return condition == Condition.Running;
    }

    /** Running, and healthy and ready as far as the app checks that. */
    public boolean isHealthyAndReady(boolean hasHealthChecks, boolean hasReadinessChecks) {
        return isRunning() && (!hasHealthChecks || Boolean.TRUE.equals(healthy)) && (!hasReadinessChecks || Boolean.TRUE.equals(ready));
    }

    public Instance withCondition(Condition c) {
        return new Instance(instanceId, incarnation, appId, appVersion, configVersion, c, goal, agentId, host, hostPorts,
                ipAddresses, stagedAt, startedAt, healthy, ready, role, message, scheduledAt);
    }

    public Instance withGoal(Goal g) {
        return new Instance(instanceId, incarnation, appId, appVersion, configVersion, condition, g, agentId, host, hostPorts,
                ipAddresses, stagedAt, startedAt, healthy, ready, role, message, scheduledAt);
    }

    public Instance withHealth(Boolean h) {
        return new Instance(instanceId, incarnation, appId, appVersion, configVersion, condition, goal, agentId, host, hostPorts,
                ipAddresses, stagedAt, startedAt, h, ready, role, message, scheduledAt);
    }

    public Instance withReady(Boolean r) {
        return new Instance(instanceId, incarnation, appId, appVersion, configVersion, condition, goal, agentId, host, hostPorts,
                ipAddresses, stagedAt, startedAt, healthy, r, role, message, scheduledAt);
    }

    public Instance launched(String agent, String hostName, List<Integer> ports, Instant now) {
        return new Instance(instanceId, incarnation, appId, appVersion, configVersion, Condition.Provisioned, goal, agent,
                hostName, ports, ipAddresses, now, null, null, null, role, null, scheduledAt);
    }

    public Instance updated(Condition c, Instant startedAtOrNull, List<String> ips, String msg) {
        return new Instance(instanceId, incarnation, appId, appVersion, configVersion, c, goal, agentId, host, hostPorts,
                ips == null || ips.isEmpty() ? ipAddresses : ips, stagedAt, startedAt != null ? startedAt : startedAtOrNull,
                healthy, ready, role, msg, scheduledAt);
    }
}
