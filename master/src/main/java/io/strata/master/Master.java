package io.strata.master;

import com.google.protobuf.ByteString;
import io.strata.common.ids.Ids;
import io.strata.common.protocol.AgentMessage;
import io.strata.common.resources.Resources;
import io.strata.master.allocator.AgentView;
import io.strata.master.allocator.AllocationInput;
import io.strata.master.allocator.DrfAllocator;
import io.strata.master.allocator.FrameworkView;
import io.strata.master.allocator.OfferFilters;
import io.strata.master.allocator.OfferPlan;
import io.strata.master.registry.Registry;
import io.strata.master.stream.EventStream;
import io.strata.master.tasks.TaskStates;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.Address;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskGroupInfo;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.TimeInfo;
import org.apache.mesos.v1.Protos.URL;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel's state and its rules: agents, frameworks, offers and tasks, owned by ONE thread (the loop).
 * Every public method must run on the loop; HTTP handlers reach it through {@link #call(Callable)}. Nothing
 * here does network I/O except through {@link EventStream}s (non-blocking queues) and the registry (ZooKeeper
 * writes, which complete before the master acknowledges).
 */
public final class Master implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Master.class);
    static final int MAX_COMPLETED_FRAMEWORKS = 50;
    static final int MAX_STATUSES_PER_TASK = 10;

    final MasterConfig config;
    final MasterInfo masterInfo;
    final String runId;
    final Instant startTime;
    Instant electedTime;
    private final Registry registry;
    private final Clock clock;
    private final ScheduledExecutorService loop;
    private final DrfAllocator allocator = new DrfAllocator();
    private final OfferFilters filters = new OfferFilters();
    final OperatorEvents operatorEvents = new OperatorEvents(this);

    final Map<String, AgentEntry> agents = new LinkedHashMap<>();
    final Map<String, AgentInfo> recoveredAgents = new LinkedHashMap<>(); // in the registry, not re-registered yet
    final Map<String, Instant> unreachableAgents = new LinkedHashMap<>();
    final Map<String, AgentInfo> unreachableAgentInfos = new HashMap<>();
    final Map<String, FrameworkEntry> frameworks = new LinkedHashMap<>();
    final Map<String, FrameworkEntry> completedFrameworks = new LinkedHashMap<>();
    final Map<String, OfferEntry> offers = new LinkedHashMap<>();
    private final Map<String, String> agentStreams = new HashMap<>(); // stream id -> agent id
    private long nextAgent;
    private long nextFramework;
    private final AtomicLong nextOffer = new AtomicLong();
    private boolean allocationPending;
    final Map<TaskState, Long> terminalCounts = new EnumMap<>(TaskState.class);
    long agentRegistrations;
    long agentReregistrations;
    long agentRemovals;
    long invalidSchedulerCalls;
    private volatile boolean closed;

    public Master(MasterConfig config, MasterInfo masterInfo, Registry registry, Clock clock) {
        this.config = config;
        this.masterInfo = masterInfo;
        this.runId = masterInfo.getId();
        this.registry = registry;
        this.clock = clock;
        this.startTime = clock.instant();
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("master-loop").daemon().unstarted(r));
    }

    // ------------------------------------------------------------------ loop plumbing

    /** Runs on the loop and waits for the answer (30 s at most). */
    public <T> T call(Callable<T> work) {
        try {
            return loop.submit(work).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the master loop did not answer within 30 s", e);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new IllegalStateException("the master is stopping", e);
        }
    }

    /** Runs on the loop, fire and forget. */
    public void run(Runnable work) {
        if (closed) return;
        try {
            loop.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    LOG.error("msg=\"master loop task failed\"", e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    /** Loads the registry and starts the timers. Called once this master leads. */
    public void start() {
        call(() -> {
            electedTime = clock.instant();
            recover();
            return null;
        });
        long ping = config.agentPingTimeout().toMillis();
        loop.scheduleWithFixedDelay(guard(this::checkAgents), ping, ping, TimeUnit.MILLISECONDS);
        loop.scheduleWithFixedDelay(guard(this::periodic), 1000, 1000, TimeUnit.MILLISECONDS);
    }

    private Runnable guard(Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.error("msg=\"master timer failed\"", e);
            }
        };
    }

    Instant now() {
        return clock.instant();
    }

    private void recover() {
        for (Map.Entry<String, FrameworkInfo> e : registry.frameworks().entrySet()) {
            FrameworkEntry fw = new FrameworkEntry(e.getKey(), e.getValue(), now());
            fw.recovered = true;
            frameworks.put(fw.id, fw);
            scheduleFailover(fw);
        }
        Map<String, Instant> unreachable = registry.unreachableAgents();
        for (Map.Entry<String, AgentInfo> e : registry.agents().entrySet()) {
            if (unreachable.containsKey(e.getKey())) {
                unreachableAgents.put(e.getKey(), unreachable.get(e.getKey()));
                unreachableAgentInfos.put(e.getKey(), e.getValue());
            } else {
                recoveredAgents.put(e.getKey(), e.getValue());
            }
        }
        if (!recoveredAgents.isEmpty()) {
            // Agents that do not come back within the re-registration timeout are unreachable.
            Duration timeout = reregistrationTimeout();
            loop.schedule(guard(this::expireRecoveredAgents), timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        LOG.info("msg=\"recovered registry\" frameworks={} agents={} unreachable={}", frameworks.size(),
                recoveredAgents.size(), unreachableAgents.size());
    }

    private Duration reregistrationTimeout() {
        return config.agentPingTimeout().multipliedBy(config.maxAgentPingTimeouts());
    }

    private void expireRecoveredAgents() {
        Instant now = now();
        Map<String, Instant> entries = new LinkedHashMap<>();
        for (String id : recoveredAgents.keySet()) entries.put(id, now);
        registry.markUnreachable(entries);
        for (String id : new ArrayList<>(recoveredAgents.keySet())) {
            AgentInfo info = recoveredAgents.remove(id);
            unreachableAgents.put(id, now);
            unreachableAgentInfos.put(id, info);
            LOG.warn("msg=\"agent did not re-register after master failover; unreachable\" agent={}", id);
        }
    }

    // ------------------------------------------------------------------ frameworks

    /**
     * SUBSCRIBE: registers a new framework, or re-attaches a known one (failover). The SUBSCRIBED event (or an
     * ERROR) goes onto the stream. Returns the framework id, or empty when the subscription was refused.
     */
    public Optional<String> subscribe(Call.Subscribe subscribe, EventStream<Event> stream) {
        FrameworkInfo info = subscribe.getFrameworkInfo();
        String roleError = validateRoles(info);
        if (roleError != null) {
            refuse(stream, roleError);
            return Optional.empty();
        }
        Instant now = now();
        FrameworkEntry fw;
        boolean added = false;
        if (info.hasId() && !info.getId().getValue().isEmpty()) {
            String id = info.getId().getValue();
            if (completedFrameworks.containsKey(id)) {
                refuse(stream, "Framework has been removed");
                return Optional.empty();
            }
            fw = frameworks.get(id);
            if (fw == null) {
                fw = new FrameworkEntry(id, info, now);
                frameworks.put(id, fw);
                added = true;
            } else {
                if (fw.stream != null && fw.stream != stream) {
                    fw.stream.send(errorEvent("Framework failed over"));
                    fw.stream.close();
                }
                rescindOffers(fw, false);
                fw.reregisteredTime = now;
            }
            fw.info = info;
        } else {
            String id = Ids.frameworkId(runId, nextFramework++);
            info = info.toBuilder().setId(FrameworkID.newBuilder().setValue(id)).build();
            fw = new FrameworkEntry(id, info, now);
            frameworks.put(id, fw);
            added = true;
        }
        registry.putFramework(fw.info); // persist before acknowledging
        if (fw.failoverTimer != null) {
            fw.failoverTimer.cancel(false);
            fw.failoverTimer = null;
        }
        fw.stream = stream;
        fw.active = true;
        fw.recovered = false;
        fw.unregisteredTime = null;
        fw.suppressedRoles.clear();
        fw.suppressedRoles.addAll(subscribe.getSuppressedRolesList());
        stream.send(Event.newBuilder().setType(Event.Type.SUBSCRIBED)
                .setSubscribed(Event.Subscribed.newBuilder()
                        .setFrameworkId(FrameworkID.newBuilder().setValue(fw.id))
                        .setHeartbeatIntervalSeconds(config.heartbeatInterval().toMillis() / 1000.0)
                        .setMasterInfo(masterInfo))
                .build());
        LOG.info("msg=\"framework subscribed\" framework={} name=\"{}\" roles={} new={}", fw.id, info.getName(), fw.roles(), added);
        if (added) operatorEvents.frameworkAdded(fw);
        else operatorEvents.frameworkUpdated(fw);
        requestAllocation();
        return Optional.of(fw.id);
    }

    private static void refuse(EventStream<Event> stream, String message) {
        stream.send(errorEvent(message));
        stream.close();
    }

    static Event errorEvent(String message) {
        return Event.newBuilder().setType(Event.Type.ERROR).setError(Event.Error.newBuilder().setMessage(message)).build();
    }

    private static String validateRoles(FrameworkInfo info) {
        List<String> roles = new ArrayList<>(info.getRolesList());
        if (info.hasRole()) roles.add(info.getRole());
        boolean multiRole = info.getCapabilitiesList().stream()
                .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.MULTI_ROLE);
        if (multiRole && info.hasRole()) return "'FrameworkInfo.role' must not be set when the MULTI_ROLE capability is given; use 'roles'";
        if (!multiRole && info.getRolesCount() > 0) return "'FrameworkInfo.roles' requires the MULTI_ROLE capability";
        for (String role : roles) {
            if (role.isEmpty() || role.equals(".") || role.equals("..") || role.startsWith("-")
                    || role.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '\\' || c == 127)) {
                return "Role '" + role + "' is invalid: roles must be non-empty, printable, without '/', whitespace, or a leading '-', and not '.' or '..'";
            }
        }
        return null;
    }

    /** The framework's stream ended (the scheduler went away, or we closed it). */
    public void schedulerDisconnected(String frameworkId, EventStream<Event> stream) {
        FrameworkEntry fw = frameworks.get(frameworkId);
        if (fw == null || fw.stream != stream) return;
        fw.stream = null;
        fw.active = false;
        fw.unregisteredTime = now();
        rescindOffers(fw, false);
        LOG.info("msg=\"framework disconnected\" framework={} failover_timeout_s={}", fw.id, fw.info.getFailoverTimeout());
        scheduleFailover(fw);
        operatorEvents.frameworkUpdated(fw);
    }

    private void scheduleFailover(FrameworkEntry fw) {
        double seconds = fw.info.getFailoverTimeout();
        long millis = (long) Math.min(Math.max(0, seconds) * 1000, TimeUnit.DAYS.toMillis(3650));
        if (closed) return; // the stream closes because the master stops: nothing to time out
        try {
            fw.failoverTimer = loop.schedule(guard(() -> {
                FrameworkEntry current = frameworks.get(fw.id);
                if (current == fw && !fw.connected()) {
                    LOG.info("msg=\"framework failover timeout expired\" framework={}", fw.id);
                    removeFramework(fw);
                }
            }), millis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    /** Lookup used by the scheduler endpoint to check the framework and its stream before a call. */
    public FrameworkCheck checkFramework(String frameworkId, String streamId) {
        FrameworkEntry fw = frameworks.get(frameworkId);
        if (fw == null) return FrameworkCheck.NOT_FOUND;
        if (!fw.connected()) return FrameworkCheck.NOT_SUBSCRIBED;
        if (streamId == null) return FrameworkCheck.MISSING_STREAM_ID;
        if (!streamId.equals(fw.stream.id())) return FrameworkCheck.WRONG_STREAM_ID;
        return FrameworkCheck.OK;
    }

    public enum FrameworkCheck { OK, NOT_FOUND, NOT_SUBSCRIBED, MISSING_STREAM_ID, WRONG_STREAM_ID }

    /** TEARDOWN, or the failover timeout: kill every task, drop every offer, forget the framework. */
    public void removeFramework(FrameworkEntry fw) {
        if (frameworks.remove(fw.id) == null) return;
        if (fw.failoverTimer != null) fw.failoverTimer.cancel(false);
        rescindOffers(fw, false);
        filters.removeFramework(fw.id);
        java.util.Set<String> agentIds = new java.util.HashSet<>();
        for (TaskEntry t : new ArrayList<>(fw.tasks.values())) {
            agentIds.add(t.agentId);
            Task killed = withStatus(t.task, status(t, TaskState.TASK_KILLED, TaskStatus.Source.SOURCE_MASTER,
                    TaskStatus.Reason.REASON_FRAMEWORK_REMOVED, "Framework " + fw.id + " removed", null));
            finishTask(t, killed);
        }
        for (String agentId : agentIds) {
            AgentEntry agent = agents.get(agentId);
            if (agent != null && agent.connected()) {
                agent.stream.send(AgentMessage.shutdownFramework(FrameworkID.newBuilder().setValue(fw.id).build()));
            }
        }
        // Agents that hold tasks of this framework but that we did not see (e.g. recovered) learn on re-register.
        fw.active = false;
        fw.unregisteredTime = now();
        if (fw.stream != null) {
            fw.stream.close();
            fw.stream = null;
        }
        completedFrameworks.put(fw.id, fw);
        while (completedFrameworks.size() > MAX_COMPLETED_FRAMEWORKS) {
            completedFrameworks.remove(completedFrameworks.keySet().iterator().next());
        }
        registry.removeFramework(fw.id);
        LOG.info("msg=\"framework removed\" framework={}", fw.id);
        operatorEvents.frameworkRemoved(fw);
        requestAllocation();
    }

    public void teardown(String frameworkId) {
        FrameworkEntry fw = frameworks.get(frameworkId);
        if (fw != null) removeFramework(fw);
    }

    // ------------------------------------------------------------------ scheduler calls

    public void accept(String frameworkId, Call.Accept accept) {
        FrameworkEntry fw = frameworks.get(frameworkId);
        if (fw == null) return;
        // Every offer must be outstanding, ours, and on one agent; otherwise every launch fails.
        String invalid = null;
        String agentId = null;
        Resources offered = Resources.empty();
        String role = null;
        List<OfferEntry> used = new ArrayList<>();
        for (OfferID offerId : accept.getOfferIdsList()) {
            OfferEntry offer = offers.get(offerId.getValue());
            if (offer == null || !offer.frameworkId().equals(fw.id)) {
                invalid = "Offer " + offerId.getValue() + " is no longer valid";
                continue;
            }
            if (agentId != null && !agentId.equals(offer.agentId())) {
                invalid = "Aggregated offers must belong to the same agent";
                continue;
            }
            agentId = offer.agentId();
            role = offer.role();
            used.add(offer);
        }
        if (accept.getOfferIdsCount() == 0) invalid = "No offers specified";
        for (OfferEntry offer : used) {
            removeOffer(offer);
            offered = offered.plus(offer.resources());
        }
        AgentEntry agent = agentId == null ? null : agents.get(agentId);
        if (invalid == null && (agent == null || !agent.connected())) invalid = "Agent " + agentId + " is not connected";
        Resources remaining = offered;
        for (org.apache.mesos.v1.Protos.Offer.Operation op : accept.getOperationsList()) {
            switch (op.getType()) {
                case LAUNCH -> {
                    for (TaskInfo task : op.getLaunch().getTaskInfosList()) {
                        remaining = launch(fw, agent, null, task, remaining, invalid);
                    }
                }
                case LAUNCH_GROUP -> remaining = launchGroup(fw, agent, op.getLaunchGroup().getExecutor(),
                        op.getLaunchGroup().getTaskGroup(), remaining, invalid);
                default -> LOG.warn("msg=\"offer operation not supported yet; ignored\" framework={} type={}", fw.id, op.getType());
            }
        }
        if (agent != null && !remaining.isEmpty()) {
            double refuse = accept.hasFilters() && accept.getFilters().hasRefuseSeconds()
                    ? accept.getFilters().getRefuseSeconds() : config.defaultRefuseSeconds();
            refuse(fw.id, agent.id, role == null ? remaining : remaining.allocatedTo(role), refuse);
        }
        requestAllocation();
    }

    /** Validates and launches one task; returns what is left of the offered resources. */
    private Resources launch(FrameworkEntry fw, AgentEntry agent, ExecutorInfo executor, TaskInfo task,
                             Resources remaining, String invalidOffers) {
        if (invalidOffers != null) {
            sendTaskError(fw, task, agent, fw.partitionAware() ? TaskState.TASK_DROPPED : TaskState.TASK_LOST,
                    TaskStatus.Reason.REASON_INVALID_OFFERS, invalidOffers);
            return remaining;
        }
        Resources needed;
        String error = validateTask(fw, agent, task, executor == null);
        if (error == null) {
            String resourceError = Resources.validate(task.getResourcesList());
            if (resourceError != null) error = "Task uses invalid resources: " + resourceError;
        }
        needed = error == null ? Resources.of(task.getResourcesList()).withoutAllocationInfo() : Resources.empty();
        if (error == null && !remaining.contains(needed)) {
            error = "Task uses more resources " + needed + " than available " + remaining;
        }
        if (error != null) {
            sendTaskError(fw, task, agent, TaskState.TASK_ERROR, TaskStatus.Reason.REASON_TASK_INVALID, error);
            return remaining;
        }
        remaining = remaining.minus(needed);
        TaskEntry entry = track(fw, agent, task, executor, needed);
        if (executor == null) {
            agent.stream.send(AgentMessage.launch(fw.info, task.toBuilder().setAgentId(AgentID.newBuilder().setValue(agent.id)).build()));
        }
        operatorEvents.taskAdded(entry.task);
        return remaining;
    }

    private Resources launchGroup(FrameworkEntry fw, AgentEntry agent, ExecutorInfo executor, TaskGroupInfo group,
                                  Resources remaining, String invalidOffers) {
        String error = invalidOffers;
        Resources executorResources = Resources.empty();
        if (error == null) {
            if (!executor.hasExecutorId() || !Ids.isSafePathSegment(executor.getExecutorId().getValue())) {
                error = "Executor of a task group needs an 'executor_id' made of letters, digits, '_', '.', '-'";
            } else if (group.getTasksCount() == 0) {
                error = "Task group is empty";
            } else {
                String resErr = Resources.validate(executor.getResourcesList());
                if (resErr != null) error = "Executor uses invalid resources: " + resErr;
                else executorResources = Resources.of(executor.getResourcesList()).withoutAllocationInfo();
            }
        }
        Resources needed = executorResources;
        if (error == null) {
            for (TaskInfo task : group.getTasksList()) {
                String taskError = validateTask(fw, agent, task, false);
                if (taskError == null) taskError = Resources.validate(task.getResourcesList());
                if (taskError != null) {
                    error = "Task group is invalid: task " + task.getTaskId().getValue() + ": " + taskError;
                    break;
                }
                needed = needed.plus(Resources.of(task.getResourcesList()).withoutAllocationInfo());
            }
        }
        if (error == null && !remaining.contains(needed)) {
            error = "Task group uses more resources " + needed + " than available " + remaining;
        }
        if (error != null) {
            TaskState state = invalidOffers != null
                    ? (fw.partitionAware() ? TaskState.TASK_DROPPED : TaskState.TASK_LOST) : TaskState.TASK_ERROR;
            TaskStatus.Reason reason = invalidOffers != null ? TaskStatus.Reason.REASON_INVALID_OFFERS : TaskStatus.Reason.REASON_TASK_GROUP_INVALID;
            for (TaskInfo task : group.getTasksList()) sendTaskError(fw, task, agent, state, reason, error);
            return remaining;
        }
        remaining = remaining.minus(needed);
        TaskGroupInfo.Builder withAgent = TaskGroupInfo.newBuilder();
        boolean first = true;
        for (TaskInfo task : group.getTasksList()) {
            TaskInfo t = task.toBuilder().setAgentId(AgentID.newBuilder().setValue(agent.id)).setExecutor(executor).build();
            withAgent.addTasks(t);
            Resources taskResources = Resources.of(task.getResourcesList()).withoutAllocationInfo();
            // The executor's resources are charged to the first task so that they are freed with the group.
            TaskEntry entry = track(fw, agent, t, executor, first ? taskResources.plus(executorResources) : taskResources);
            first = false;
            operatorEvents.taskAdded(entry.task);
        }
        agent.stream.send(AgentMessage.launchGroup(fw.info, executor, withAgent.build()));
        return remaining;
    }

    private String validateTask(FrameworkEntry fw, AgentEntry agent, TaskInfo task, boolean commandTask) {
        String id = task.getTaskId().getValue();
        if (id.isEmpty()) return "Task ID must not be empty";
        if (id.equals(".") || id.equals("..")) return "Task ID '" + id + "' is disallowed";
        if (id.contains("/")) return "Task ID must not contain '/'";
        if (id.chars().anyMatch(c -> c < 32 || c == 127)) return "Task ID must only contain printable characters";
        if (fw.tasks.containsKey(id)) return "Task has duplicate ID: " + id;
        if (task.hasAgentId() && !task.getAgentId().getValue().equals(agent.id)) {
            return "Task uses agent " + task.getAgentId().getValue() + " but the offer is on agent " + agent.id;
        }
        if (commandTask) {
            if (task.hasExecutor() && task.hasCommand()) return "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present";
            if (task.hasExecutor()) return "Custom executors are not supported by Strata yet; launch a command task (TaskInfo.command) or use LAUNCH_GROUP";
            if (!task.hasCommand()) return "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present";
        } else if (!task.hasCommand()) {
            return "Task in a task group needs a 'command'";
        }
        if (task.getCommand().getShell() && task.getCommand().getValue().isEmpty() && !task.hasContainer()) {
            return "Shell command of task is empty";
        }
        if (task.getResourcesCount() == 0) return "Task uses no resources";
        return null;
    }

    private TaskEntry track(FrameworkEntry fw, AgentEntry agent, TaskInfo task, ExecutorInfo executor, Resources resources) {
        Task.Builder t = Task.newBuilder()
                .setName(task.getName())
                .setTaskId(task.getTaskId())
                .setFrameworkId(FrameworkID.newBuilder().setValue(fw.id))
                .setAgentId(AgentID.newBuilder().setValue(agent.id))
                .setState(TaskState.TASK_STAGING)
                .addAllResources(task.getResourcesList());
        if (executor != null) t.setExecutorId(executor.getExecutorId());
        if (task.hasLabels()) t.setLabels(task.getLabels());
        if (task.hasDiscovery()) t.setDiscovery(task.getDiscovery());
        if (task.hasContainer()) t.setContainer(task.getContainer());
        if (task.hasHealthCheck()) t.setHealthCheck(task.getHealthCheck());
        if (task.hasKillPolicy()) t.setKillPolicy(task.getKillPolicy());
        if (task.getCommand().hasUser()) t.setUser(task.getCommand().getUser());
        else if (fw.info.hasUser()) t.setUser(fw.info.getUser());
        TaskEntry entry = new TaskEntry(fw.id, agent.id, task, resources, t.build());
        fw.tasks.put(entry.taskId(), entry);
        agent.tasks.put(entry.key(), entry);
        fw.addUsed(resources);
        agent.used = agent.used.plus(resources);
        return entry;
    }

    private void sendTaskError(FrameworkEntry fw, TaskInfo task, AgentEntry agent, TaskState state,
                               TaskStatus.Reason reason, String message) {
        LOG.info("msg=\"task refused\" framework={} task={} state={} reason=\"{}\"", fw.id, task.getTaskId().getValue(), state, message);
        TaskStatus.Builder s = TaskStatus.newBuilder().setTaskId(task.getTaskId()).setState(state)
                .setSource(TaskStatus.Source.SOURCE_MASTER).setReason(reason).setMessage(message)
                .setTimestamp(seconds(now()));
        if (agent != null) s.setAgentId(AgentID.newBuilder().setValue(agent.id));
        else if (task.hasAgentId()) s.setAgentId(task.getAgentId());
        terminalCounts.merge(state, 1L, Long::sum);
        sendUpdate(fw, s.build());
    }

    public void decline(String frameworkId, Call.Decline decline) {
        FrameworkEntry fw = frameworks.get(frameworkId);
        if (fw == null) return;
        double refuse = decline.hasFilters() && decline.getFilters().hasRefuseSeconds()
                ? decline.getFilters().getRefuseSeconds() : config.defaultRefuseSeconds();
        for (OfferID id : decline.getOfferIdsList()) {
            OfferEntry offer = offers.get(id.getValue());
            if (offer == null || !offer.frameworkId().equals(fw.id)) continue;
            removeOffer(offer);
            refuse(fw.id, offer.agentId(), offer.resources().allocatedTo(offer.role()), refuse);
        }
        requestAllocation();
    }

    private void refuse(String frameworkId, String agentId, Resources resources, double seconds) {
        if (!(seconds > 0) || Double.isNaN(seconds)) return;
        double capped = Math.min(seconds, 365.0 * 24 * 3600);
        filters.refuse(frameworkId, agentId, resources, now().plusMillis((long) (capped * 1000)));
    }

    public void revive(String frameworkId, Call.Revive revive) {
        FrameworkEntry fw = frameworks.get(frameworkId);
        if (fw == null) return;
        if (revive.getRolesCount() == 0) {
            filters.clear(fw.id);
            fw.suppressedRoles.clear();
        } else {
            for (String role : revive.getRolesList()) {
                filters.clear(fw.id, role);
                fw.suppressedRoles.remove(role);
            }
        }
        requestAllocation();
    }

    public void suppress(String frameworkId, Call.Suppress suppress) {
        FrameworkEntry fw = frameworks.get(frameworkId);
        if (fw == null) return;
        if (suppress.getRolesCount() == 0) fw.suppressedRoles.addAll(fw.roles());
        else fw.suppressedRoles.addAll(suppress.getRolesList());
    }

    public void kill(String frameworkId, Call.Kill kill) {
        FrameworkEntry fw = frameworks.get(frameworkId);
        if (fw == null) return;
        TaskEntry task = fw.tasks.get(kill.getTaskId().getValue());
        if (task == null) {
            Task unreachable = fw.unreachableTasks.get(kill.getTaskId().getValue());
            TaskState state = unreachable != null ? TaskState.TASK_UNREACHABLE
                    : fw.partitionAware() ? TaskState.TASK_UNKNOWN : TaskState.TASK_LOST;
            TaskStatus.Builder s = TaskStatus.newBuilder().setTaskId(kill.getTaskId()).setState(state)
                    .setSource(TaskStatus.Source.SOURCE_MASTER).setReason(TaskStatus.Reason.REASON_RECONCILIATION)
                    .setMessage("Attempted to kill an unknown task").setTimestamp(seconds(now()));
            if (kill.hasAgentId()) s.setAgentId(kill.getAgentId());
            sendUpdate(fw, s.build());
            return;
        }
        AgentEntry agent = agents.get(task.agentId);
        if (agent != null && agent.connected()) {
            agent.stream.send(AgentMessage.kill(FrameworkID.newBuilder().setValue(fw.id).build(), kill.getTaskId(),
                    kill.hasKillPolicy() ? kill.getKillPolicy() : null));
        }
        // A disconnected agent is sent nothing: the framework retries the kill, as with Mesos.
    }

    public void shutdownExecutor(String frameworkId, Call.Shutdown shutdown) {
        FrameworkEntry fw = frameworks.get(frameworkId);
        if (fw == null) return;
        for (TaskEntry t : new ArrayList<>(fw.tasks.values())) {
            boolean sameExecutor = t.task.hasExecutorId()
                    ? t.task.getExecutorId().equals(shutdown.getExecutorId())
                    : t.taskId().equals(shutdown.getExecutorId().getValue());
            if (sameExecutor && t.agentId.equals(shutdown.getAgentId().getValue())) {
                AgentEntry agent = agents.get(t.agentId);
                if (agent != null && agent.connected()) {
                    agent.stream.send(AgentMessage.kill(FrameworkID.newBuilder().setValue(fw.id).build(), t.task.getTaskId(), null));
                }
            }
        }
    }

    public void acknowledge(String frameworkId, Call.Acknowledge ack) {
        AgentEntry agent = agents.get(ack.getAgentId().getValue());
        if (agent != null && agent.connected()) {
            agent.stream.send(AgentMessage.acknowledge(FrameworkID.newBuilder().setValue(frameworkId).build(), ack.getTaskId(), ack.getUuid()));
        }
    }

    public void reconcile(String frameworkId, Call.Reconcile reconcile) {
        FrameworkEntry fw = frameworks.get(frameworkId);
        if (fw == null) return;
        if (reconcile.getTasksCount() == 0) {
            for (TaskEntry t : fw.tasks.values()) sendUpdate(fw, reconciliationStatus(t.task));
            for (Task t : fw.unreachableTasks.values()) sendUpdate(fw, reconciliationStatus(t));
            return;
        }
        for (Call.Reconcile.Task rt : reconcile.getTasksList()) {
            String taskId = rt.getTaskId().getValue();
            TaskEntry t = fw.tasks.get(taskId);
            if (t != null) {
                sendUpdate(fw, reconciliationStatus(t.task));
                continue;
            }
            Task unreachable = fw.unreachableTasks.get(taskId);
            if (unreachable != null) {
                sendUpdate(fw, reconciliationStatus(unreachable));
                continue;
            }
            String agentId = rt.hasAgentId() ? rt.getAgentId().getValue() : null;
            if (agentId != null && recoveredAgents.containsKey(agentId)) continue; // agent may still come back: no answer yet
            TaskState state;
            if (!fw.partitionAware()) state = TaskState.TASK_LOST;
            else if (agentId != null && unreachableAgents.containsKey(agentId)) state = TaskState.TASK_UNREACHABLE;
            else if (agentId != null && !agents.containsKey(agentId)) state = TaskState.TASK_GONE;
            else state = TaskState.TASK_UNKNOWN;
            for (Task done : fw.completedTasks) {
                if (done.getTaskId().getValue().equals(taskId)) state = fw.partitionAware() ? TaskState.TASK_UNKNOWN : TaskState.TASK_LOST;
            }
            TaskStatus.Builder s = TaskStatus.newBuilder().setTaskId(rt.getTaskId()).setState(state)
                    .setSource(TaskStatus.Source.SOURCE_MASTER).setReason(TaskStatus.Reason.REASON_RECONCILIATION)
                    .setMessage("Reconciliation: task is unknown").setTimestamp(seconds(now()));
            if (rt.hasAgentId()) s.setAgentId(rt.getAgentId());
            sendUpdate(fw, s.build());
        }
    }

    private TaskStatus reconciliationStatus(Task task) {
        TaskStatus.Builder s = task.getStatusesCount() > 0
                ? task.getStatuses(task.getStatusesCount() - 1).toBuilder()
                : TaskStatus.newBuilder().setTaskId(task.getTaskId()).setAgentId(task.getAgentId());
        return s.setState(task.getState()).clearUuid().setSource(TaskStatus.Source.SOURCE_MASTER)
                .setReason(TaskStatus.Reason.REASON_RECONCILIATION).setTimestamp(seconds(now())).build();
    }

    public void message(String frameworkId, Call.Message message) {
        LOG.debug("msg=\"framework message dropped: command tasks have no executor to receive it\" framework={}", frameworkId);
    }

    public void updateFramework(String frameworkId, FrameworkInfo info) {
        FrameworkEntry fw = frameworks.get(frameworkId);
        if (fw == null) return;
        String roleError = validateRoles(info);
        if (roleError != null) throw new IllegalArgumentException(roleError);
        fw.info = info.toBuilder().setId(FrameworkID.newBuilder().setValue(fw.id)).build();
        registry.putFramework(fw.info);
        rescindOffers(fw, true);
        operatorEvents.frameworkUpdated(fw);
        requestAllocation();
    }

    private void sendUpdate(FrameworkEntry fw, TaskStatus status) {
        if (fw.connected()) {
            fw.stream.send(Event.newBuilder().setType(Event.Type.UPDATE)
                    .setUpdate(Event.Update.newBuilder().setStatus(status)).build());
        }
    }

    // ------------------------------------------------------------------ agents

    /** SUBSCRIBE on the agent stream: admits a new agent or re-admits a known one with its tasks. */
    public String agentSubscribe(AgentMessage message, EventStream<AgentMessage> stream) {
        AgentInfo info = message.agentInfo();
        if (info == null || !info.hasHostname()) throw new IllegalArgumentException("SUBSCRIBE needs agent_info with a hostname");
        String resourceError = Resources.validate(info.getResourcesList());
        if (resourceError != null) throw new IllegalArgumentException("Agent resources are invalid: " + resourceError);
        Instant now = now();
        String id = info.hasId() && !info.getId().getValue().isEmpty() ? info.getId().getValue() : null;
        if (id != null && !Ids.isSafePathSegment(id)) throw new IllegalArgumentException("Agent id '" + id + "' is invalid");
        boolean reregistered = id != null;
        if (id == null) id = Ids.agentId(runId, nextAgent++);
        info = info.toBuilder().setId(AgentID.newBuilder().setValue(id)).build();
        registry.admitAgent(info); // persist before acknowledging
        boolean wasUnreachable = unreachableAgents.remove(id) != null;
        unreachableAgentInfos.remove(id);
        recoveredAgents.remove(id);

        AgentEntry agent = agents.get(id);
        Resources total = Resources.of(info.getResourcesList());
        if (agent != null) {
            if (agent.stream != null && agent.stream != stream) {
                agentStreams.remove(agent.stream.id());
                agent.stream.close();
            }
            rescindAgentOffers(agent);
            agent.info = info;
            agent.total = total;
            agent.reregisteredTime = now;
        } else {
            agent = new AgentEntry(id, info, total, now);
            if (reregistered) agent.reregisteredTime = now;
            agents.put(id, agent);
        }
        agent.stream = stream;
        agent.lastContact = now;
        agentStreams.put(stream.id(), id);
        if (reregistered) agentReregistrations++;
        else agentRegistrations++;

        // Frameworks the agent knows but we do not (master failover before they re-subscribed).
        if (message.frameworks() != null) {
            for (FrameworkInfo fi : message.frameworks()) {
                String fid = fi.getId().getValue();
                if (!frameworks.containsKey(fid) && !completedFrameworks.containsKey(fid) && !fid.isEmpty()) {
                    FrameworkEntry fw = new FrameworkEntry(fid, fi, now);
                    fw.recovered = true;
                    frameworks.put(fid, fw);
                    scheduleFailover(fw);
                    operatorEvents.frameworkAdded(fw);
                }
            }
        }
        reconcileAgentTasks(agent, message.tasks() == null ? List.of() : message.tasks(), wasUnreachable);
        stream.send(AgentMessage.subscribed(AgentID.newBuilder().setValue(id).build(),
                config.agentPingTimeout().toMillis() / 1000.0));
        LOG.info("msg=\"agent {}\" agent={} hostname={} resources=\"{}\" tasks={}", reregistered ? "re-registered" : "registered",
                id, info.getHostname(), total, agent.tasks.size());
        operatorEvents.agentAdded(agent);
        requestAllocation();
        return id;
    }

    /** The agent is the truth about its tasks: adopt what it reports, drop what it no longer has. */
    private void reconcileAgentTasks(AgentEntry agent, List<Task> reported, boolean wasUnreachable) {
        Map<String, Task> byKey = new LinkedHashMap<>();
        for (Task t : reported) byKey.put(TaskEntry.key(t.getFrameworkId().getValue(), t.getTaskId().getValue()), t);
        // Tasks we thought were there but the agent does not know: lost.
        for (TaskEntry t : new ArrayList<>(agent.tasks.values())) {
            if (!byKey.containsKey(t.key())) {
                FrameworkEntry fw = frameworks.get(t.frameworkId);
                TaskState state = fw != null && fw.partitionAware() ? TaskState.TASK_GONE : TaskState.TASK_LOST;
                TaskStatus s = status(t, state, TaskStatus.Source.SOURCE_MASTER, TaskStatus.Reason.REASON_TASK_UNKNOWN,
                        "Task was not reported by agent " + agent.id + " when it re-registered", null);
                Task done = withStatus(t.task, s);
                finishTask(t, done);
                if (fw != null) sendUpdate(fw, s);
                operatorEvents.taskUpdated(done, s);
            }
        }
        for (Task reportedTask : byKey.values()) {
            String fid = reportedTask.getFrameworkId().getValue();
            FrameworkEntry fw = frameworks.get(fid);
            TaskEntry existing = agent.tasks.get(TaskEntry.key(fid, reportedTask.getTaskId().getValue()));
            if (fw == null) {
                // Its framework was removed: the agent must kill it.
                if (!TaskStates.isTerminal(reportedTask.getState()) && agent.stream != null) {
                    agent.stream.send(AgentMessage.shutdownFramework(reportedTask.getFrameworkId()));
                }
                continue;
            }
            if (wasUnreachable && !fw.partitionAware()) {
                // Already reported LOST to a framework that cannot handle reappearing tasks: kill it.
                if (!TaskStates.isTerminal(reportedTask.getState()) && agent.stream != null) {
                    agent.stream.send(AgentMessage.kill(reportedTask.getFrameworkId(), reportedTask.getTaskId(), null));
                }
                continue;
            }
            fw.unreachableTasks.remove(reportedTask.getTaskId().getValue());
            if (TaskStates.isTerminal(reportedTask.getState())) {
                // Terminal but not yet acknowledged: the agent keeps resending its update; nothing to hold.
                if (existing != null) finishTask(existing, reportedTask);
                continue;
            }
            if (existing != null) {
                existing.task = mergeTask(existing.task, reportedTask);
            } else {
                Resources res = Resources.of(reportedTask.getResourcesList()).withoutAllocationInfo();
                TaskEntry entry = new TaskEntry(fid, agent.id, null, res, reportedTask.toBuilder()
                        .setAgentId(AgentID.newBuilder().setValue(agent.id)).build());
                fw.tasks.put(entry.taskId(), entry);
                agent.tasks.put(entry.key(), entry);
                fw.addUsed(res);
                agent.used = agent.used.plus(res);
                operatorEvents.taskAdded(entry.task);
            }
        }
    }

    private static Task mergeTask(Task ours, Task reported) {
        Task.Builder b = ours.toBuilder().setState(reported.getState());
        if (reported.getStatusesCount() > 0) b.clearStatuses().addAllStatuses(reported.getStatusesList());
        return b.build();
    }

    public Optional<String> agentForStream(String streamId) {
        return Optional.ofNullable(streamId == null ? null : agentStreams.get(streamId));
    }

    /** An UPDATE from an agent: record it, tell the framework and the operator subscribers. */
    public void agentUpdate(String agentId, AgentMessage message) {
        AgentEntry agent = agents.get(agentId);
        if (agent == null || message.status() == null) return;
        agent.lastContact = now();
        TaskStatus status = message.status().toBuilder().setAgentId(AgentID.newBuilder().setValue(agentId)).build();
        String fid = message.frameworkId() != null ? message.frameworkId().getValue() : "";
        FrameworkEntry fw = frameworks.get(fid);
        TaskEntry task = agent.tasks.get(TaskEntry.key(fid, status.getTaskId().getValue()));
        if (task != null) {
            TaskState from = task.task.getState();
            if (!TaskStates.canTransition(from, status.getState())) {
                LOG.debug("msg=\"ignoring a stale task state\" task={} from={} to={}", task.taskId(), from, status.getState());
            } else {
                Task updated = withStatus(task.task, status);
                if (TaskStates.isTerminal(status.getState())) finishTask(task, updated);
                else task.task = updated;
                operatorEvents.taskUpdated(updated, status);
            }
        }
        if (fw != null && fw.connected()) {
            sendUpdate(fw, status);
        } else if (fw == null && status.hasUuid() && agent.connected()) {
            // No framework will ever acknowledge this (it was removed): acknowledge for it.
            agent.stream.send(AgentMessage.acknowledge(FrameworkID.newBuilder().setValue(fid).build(), status.getTaskId(), status.getUuid()));
        }
    }

    private Task withStatus(Task task, TaskStatus status) {
        Task.Builder b = task.toBuilder().setState(status.getState()).addStatuses(status);
        while (b.getStatusesCount() > MAX_STATUSES_PER_TASK) b.removeStatuses(0);
        if (status.hasUuid()) {
            b.setStatusUpdateState(status.getState()).setStatusUpdateUuid(status.getUuid());
        }
        return b.build();
    }

    private TaskStatus status(TaskEntry t, TaskState state, TaskStatus.Source source, TaskStatus.Reason reason,
                              String message, ByteString uuid) {
        TaskStatus.Builder s = TaskStatus.newBuilder().setTaskId(t.task.getTaskId()).setState(state)
                .setSource(source).setReason(reason).setMessage(message).setTimestamp(seconds(now()))
                .setAgentId(AgentID.newBuilder().setValue(t.agentId));
        if (t.task.hasExecutorId()) s.setExecutorId(t.task.getExecutorId());
        if (uuid != null) s.setUuid(uuid);
        return s.build();
    }

    /** Moves a task to the completed list and frees its resources. */
    private void finishTask(TaskEntry t, Task finalTask) {
        AgentEntry agent = agents.get(t.agentId);
        FrameworkEntry fw = frameworks.get(t.frameworkId);
        if (agent != null && agent.tasks.remove(t.key()) != null) agent.used = agent.used.minus(t.resources);
        if (fw != null && fw.tasks.remove(t.taskId()) != null) {
            fw.removeUsed(t.resources);
            fw.complete(finalTask);
        }
        terminalCounts.merge(finalTask.getState(), 1L, Long::sum);
        requestAllocation();
    }

    public void agentPong(String agentId) {
        AgentEntry agent = agents.get(agentId);
        if (agent != null) agent.lastContact = now();
    }

    /** The agent's stream ended. The agent stays registered (and its tasks alive) until the ping timeout. */
    public void agentDisconnected(String agentId, EventStream<AgentMessage> stream) {
        agentStreams.remove(stream.id());
        AgentEntry agent = agents.get(agentId);
        if (agent == null || agent.stream != stream) return;
        agent.stream = null;
        rescindAgentOffers(agent);
        LOG.info("msg=\"agent disconnected\" agent={}", agentId);
    }

    private void checkAgents() {
        Instant now = now();
        Duration limit = config.agentPingTimeout().multipliedBy(config.maxAgentPingTimeouts());
        List<AgentEntry> lost = new ArrayList<>();
        for (AgentEntry agent : new ArrayList<>(agents.values())) {
            if (Duration.between(agent.lastContact, now).compareTo(limit) >= 0) {
                lost.add(agent);
            } else if (agent.connected()) {
                agent.stream.send(AgentMessage.ping());
            }
        }
        if (lost.isEmpty()) return;
        // persisted first, in a few transactions for all of them, then acted on
        Map<String, Instant> entries = new LinkedHashMap<>();
        for (AgentEntry agent : lost) entries.put(agent.id, now);
        registry.markUnreachable(entries);
        for (AgentEntry agent : lost) {
            markUnreachable(agent, "Agent " + agent.id + " did not answer " + config.maxAgentPingTimeouts() + " pings", now);
        }
    }

    /** Acts on an agent already marked unreachable in the registry (at {@code now}). */
    private void markUnreachable(AgentEntry agent, String why, Instant now) {
        LOG.warn("msg=\"agent unreachable\" agent={} reason=\"{}\"", agent.id, why);
        rescindAgentOffers(agent);
        filters.removeAgent(agent.id);
        for (TaskEntry t : new ArrayList<>(agent.tasks.values())) {
            FrameworkEntry fw = frameworks.get(t.frameworkId);
            boolean partitionAware = fw != null && fw.partitionAware();
            TaskState state = partitionAware ? TaskState.TASK_UNREACHABLE : TaskState.TASK_LOST;
            TaskStatus s = status(t, state, TaskStatus.Source.SOURCE_MASTER, TaskStatus.Reason.REASON_AGENT_REMOVED,
                    "Agent " + agent.id + " is unreachable", null);
            s = s.toBuilder().setUnreachableTime(TimeInfo.newBuilder().setNanoseconds(now.toEpochMilli() * 1_000_000)).build();
            Task updated = withStatus(t.task, s);
            agent.tasks.remove(t.key());
            agent.used = agent.used.minus(t.resources);
            if (fw != null && fw.tasks.remove(t.taskId()) != null) {
                fw.removeUsed(t.resources);
                if (partitionAware) fw.unreachableTasks.put(t.taskId(), updated);
                else fw.complete(updated);
                sendUpdate(fw, s);
            }
            if (!partitionAware) terminalCounts.merge(state, 1L, Long::sum);
            operatorEvents.taskUpdated(updated, s);
        }
        agents.remove(agent.id);
        if (agent.stream != null) {
            agentStreams.remove(agent.stream.id());
            agent.stream.close();
        }
        unreachableAgents.put(agent.id, now);
        unreachableAgentInfos.put(agent.id, agent.info);
        agentRemovals++;
        operatorEvents.agentRemoved(agent.id);
        requestAllocation();
    }

    // ------------------------------------------------------------------ offers

    /** Asks for one allocation pass soon; calls in a burst share it. */
    public void requestAllocation() {
        if (allocationPending || closed) return;
        allocationPending = true;
        loop.execute(guard(this::allocate));
    }

    private void allocate() {
        allocationPending = false;
        Instant now = now();
        filters.expire(now);
        List<AgentView> agentViews = new ArrayList<>(agents.size());
        for (AgentEntry a : agents.values()) {
            if (a.connected()) agentViews.add(new AgentView(a.id, a.info.getHostname(), a.total, a.available()));
        }
        List<FrameworkView> frameworkViews = new ArrayList<>(frameworks.size());
        for (FrameworkEntry f : frameworks.values()) {
            frameworkViews.add(new FrameworkView(f.id, f.roles(), f.suppressedRoles, f.used.plus(f.offered), f.active && f.connected()));
        }
        if (agentViews.isEmpty() || frameworkViews.isEmpty()) return;
        List<OfferPlan> plans = allocator.allocate(new AllocationInput(agentViews, frameworkViews,
                config.weights() == null ? Map.of() : config.weights(), filters, now));
        Map<String, Event.Offers.Builder> byFramework = new LinkedHashMap<>();
        for (OfferPlan plan : plans) {
            FrameworkEntry fw = frameworks.get(plan.frameworkId());
            AgentEntry agent = agents.get(plan.agentId());
            if (fw == null || agent == null || !fw.connected()) continue;
            Resources internal = plan.resources().withoutAllocationInfo();
            if (internal.isEmpty()) continue;
            String offerId = runId + "-O" + nextOffer.getAndIncrement();
            Offer offer = buildOffer(offerId, fw, agent, plan.role(), plan.resources());
            OfferEntry entry = new OfferEntry(offerId, fw.id, agent.id, plan.role(), internal, offer, now);
            offers.put(offerId, entry);
            fw.offers.put(offerId, entry);
            fw.addOffered(internal);
            agent.offered = agent.offered.plus(internal);
            byFramework.computeIfAbsent(fw.id, k -> Event.Offers.newBuilder()).addOffers(offer);
        }
        for (Map.Entry<String, Event.Offers.Builder> e : byFramework.entrySet()) {
            FrameworkEntry fw = frameworks.get(e.getKey());
            fw.stream.send(Event.newBuilder().setType(Event.Type.OFFERS).setOffers(e.getValue()).build());
        }
    }

    private Offer buildOffer(String offerId, FrameworkEntry fw, AgentEntry agent, String role, Resources resources) {
        Resources shown = resources;
        if (!fw.hasCapability(FrameworkInfo.Capability.Type.MULTI_ROLE)) shown = shown.withoutAllocationInfo();
        if (!fw.hasCapability(FrameworkInfo.Capability.Type.RESERVATION_REFINEMENT)) shown = shown.downgraded();
        String host = agent.info.getHostname();
        Offer.Builder b = Offer.newBuilder()
                .setId(OfferID.newBuilder().setValue(offerId))
                .setFrameworkId(FrameworkID.newBuilder().setValue(fw.id))
                .setAgentId(AgentID.newBuilder().setValue(agent.id))
                .setHostname(host)
                .setUrl(URL.newBuilder().setScheme("http").setPath("/slave(1)")
                        .setAddress(Address.newBuilder().setHostname(host).setIp(host).setPort(agent.info.getPort())))
                .addAllResources(shown.toList())
                .addAllAttributes(agent.info.getAttributesList());
        if (fw.hasCapability(FrameworkInfo.Capability.Type.MULTI_ROLE)) {
            b.setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(role));
        }
        if (agent.info.hasDomain()) b.setDomain(agent.info.getDomain());
        return b.build();
    }

    private void removeOffer(OfferEntry offer) {
        offers.remove(offer.id());
        FrameworkEntry fw = frameworks.get(offer.frameworkId());
        if (fw == null) fw = completedFrameworks.get(offer.frameworkId());
        if (fw != null && fw.offers.remove(offer.id()) != null) fw.removeOffered(offer.resources());
        AgentEntry agent = agents.get(offer.agentId());
        if (agent != null) agent.offered = agent.offered.minus(offer.resources());
    }

    private void rescind(OfferEntry offer, boolean notify) {
        removeOffer(offer);
        FrameworkEntry fw = frameworks.get(offer.frameworkId());
        if (notify && fw != null && fw.connected()) {
            fw.stream.send(Event.newBuilder().setType(Event.Type.RESCIND)
                    .setRescind(Event.Rescind.newBuilder().setOfferId(OfferID.newBuilder().setValue(offer.id()))).build());
        }
    }

    private void rescindOffers(FrameworkEntry fw, boolean notify) {
        for (OfferEntry o : new ArrayList<>(fw.offers.values())) rescind(o, notify);
        requestAllocation();
    }

    private void rescindAgentOffers(AgentEntry agent) {
        for (OfferEntry o : new ArrayList<>(offers.values())) {
            if (o.agentId().equals(agent.id)) rescind(o, true);
        }
    }

    /** Counts for Prometheus gauges, refreshed by the loop once a second so scrapes never wait for the loop. */
    public record Gauges(int agentsActive, int agentsUnreachable, int frameworksActive, int frameworksConnected,
                         int tasksStaging, int tasksStarting, int tasksRunning, int tasksUnreachable, int offers,
                         double cpusTotal, double cpusUsed, double memTotal, double memUsed) {
        static final Gauges EMPTY = new Gauges(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    private volatile Gauges gauges = Gauges.EMPTY;

    public Gauges gauges() {
        return gauges;
    }

    private void refreshGauges() {
        int active = 0;
        double cpusTotal = 0, cpusUsed = 0, memTotal = 0, memUsed = 0;
        for (AgentEntry a : agents.values()) {
            if (a.connected()) active++;
            cpusTotal += a.total.cpus();
            cpusUsed += a.used.cpus();
            memTotal += a.total.mem();
            memUsed += a.used.mem();
        }
        int fwActive = 0, fwConnected = 0, staging = 0, starting = 0, running = 0, unreachable = 0;
        for (FrameworkEntry f : frameworks.values()) {
            if (f.active) fwActive++;
            if (f.connected()) fwConnected++;
            unreachable += f.unreachableTasks.size();
            for (TaskEntry t : f.tasks.values()) {
                switch (t.task.getState()) {
                    case TASK_STAGING -> staging++;
                    case TASK_STARTING -> starting++;
                    case TASK_RUNNING -> running++;
                    default -> { }
                }
            }
        }
        gauges = new Gauges(active, unreachableAgents.size(), fwActive, fwConnected, staging, starting, running,
                unreachable, offers.size(), cpusTotal, cpusUsed, memTotal, memUsed);
    }

    private void periodic() {
        refreshGauges();
        Duration timeout = config.offerTimeout();
        if (timeout != null) {
            Instant cutoff = now().minus(timeout);
            for (OfferEntry o : new ArrayList<>(offers.values())) {
                if (o.created().isBefore(cutoff)) rescind(o, true);
            }
        }
        requestAllocation(); // filters expire, frameworks revive: Mesos' allocation_interval
    }

    // ------------------------------------------------------------------ helpers and lifecycle

    static TimeInfo timeInfo(Instant t) {
        return TimeInfo.newBuilder().setNanoseconds(t.getEpochSecond() * 1_000_000_000L + t.getNano()).build();
    }

    static double seconds(Instant t) {
        return t.getEpochSecond() + t.getNano() / 1e9;
    }

    public void invalidSchedulerCallsIncrement() {
        invalidSchedulerCalls++;
    }

    public Duration heartbeatInterval() {
        return config.heartbeatInterval();
    }

    public OperatorEvents operator() {
        return operatorEvents;
    }

    public MasterConfig config() {
        return config;
    }

    public String newStreamId() {
        return UUID.randomUUID().toString();
    }

    public Collection<FrameworkEntry> frameworkEntries() {
        return frameworks.values();
    }

    @Override
    public void close() {
        if (closed) return;
        try {
            call(() -> {
                for (FrameworkEntry fw : frameworks.values()) {
                    if (fw.stream != null) fw.stream.close();
                    if (fw.failoverTimer != null) fw.failoverTimer.cancel(false);
                }
                for (AgentEntry a : agents.values()) if (a.stream != null) a.stream.close();
                operatorEvents.closeAll();
                return null;
            });
        } catch (RuntimeException e) {
            LOG.debug("msg=\"closing streams failed\"", e);
        }
        closed = true;
        loop.shutdownNow();
    }
}
