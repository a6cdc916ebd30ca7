package io.strata.dns.state;

import io.strata.dns.records.AgentRef;
import io.strata.dns.records.FrameworkRef;
import io.strata.dns.records.HostPort;
import io.strata.dns.records.RecordGenerator;
import io.strata.dns.records.Rr;
import io.strata.dns.records.Zone;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.master.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Strata's copy of what the master knows that matters for names, and the owner of the published {@link Zone}.
 * One thread owns all of it: snapshots, operator events and resyncs are queued, applied in order, and after each
 * burst the records that changed are applied to the zone, which is then swapped in at once. Queries read
 * {@link #zone()} and never wait.
 *
 * <p>Each agent, framework, task and the masters contribute a list of records (computed by the pure
 * {@link RecordGenerator}); a change recomputes only the contributions it touches (a framework renamed: its tasks;
 * an agent re-registered with a new address: the tasks on it), and only the difference reaches the zone.
 *
 * <p>Resyncs from {@code /master/state} race with the event stream, so every entity remembers the sequence
 * number of the last event that touched it; a resync does not override (or delete) what an event changed after
 * the resync began.
 */
public final class ClusterMirror implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterMirror.class);
    private static final int MAX_STATUSES = 4;

    /** Told after each publish, on the owner thread: the new zone and when the oldest change in it arrived. */
    public interface PublishListener {
        void published(Zone zone, long oldestChangeNanos, int changes);
    }

    /** One framework as {@code /v1/enumerate} lists it: its name as registered and its RUNNING tasks' records. */
    public record EnumeratedFramework(String name, List<EnumeratedTask> tasks) {}

    public record EnumeratedTask(String name, String id, List<Rr> records) {}

    private final RecordGenerator generator;
    private final HostResolver resolver;
    private final Clock clock;
    private final LinkedBlockingQueue<Command> inbox = new LinkedBlockingQueue<>();
    private final Thread owner;
    private final List<PublishListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Zone zone;
    private volatile long sequence;
    private volatile boolean closed;

    // ---- owned by the owner thread
    private final Map<String, AgentRef> agents = new LinkedHashMap<>();
    private final Map<String, List<String>> agentIps = new HashMap<>();
    private final Map<String, FrameworkRef> frameworks = new LinkedHashMap<>();
    private final Map<String, Task> tasks = new LinkedHashMap<>();
    private final Map<String, Set<String>> tasksByAgent = new HashMap<>();
    private final Map<String, Set<String>> tasksByFramework = new HashMap<>();
    private final Map<String, Long> touched = new HashMap<>();
    private final Map<String, List<Rr>> contributions = new HashMap<>();
    private final List<Rr> removed = new ArrayList<>();
    private final List<Rr> added = new ArrayList<>();
    private HostPort leader;
    private List<String> masters = List.of();
    private long oldestChange;
    private boolean synced;

    private record Command(Runnable action, long enqueuedNanos) {}

    /**
     * @param listenerRecords the name server's own records ({@code SOAMname}), fixed for the mirror's life
     */
    public ClusterMirror(RecordGenerator generator, Zone.Settings settings, HostResolver resolver,
                         List<Rr> listenerRecords, Clock clock) {
        this.generator = generator;
        this.resolver = resolver;
        this.clock = clock;
        this.zone = Zone.of(settings, listenerRecords, clock.instant().getEpochSecond());
        this.contributions.put("l", List.copyOf(listenerRecords));
        this.owner = Thread.ofPlatform().name("dns-records").daemon().unstarted(this::run);
        this.owner.start();
    }

    /** The zone to answer from: the last one published. */
    public Zone zone() {
        return zone;
    }

    /** How many events have been applied; a resync that starts now passes this to {@link #resync}. */
    public long sequence() {
        return sequence;
    }

    public void addListener(PublishListener listener) {
        listeners.add(listener);
    }

    // ------------------------------------------------------------------ inputs (any thread)

    /** The operator stream's SUBSCRIBED state: it replaces everything (events that follow build on it). */
    public void subscribed(Snapshot snapshot) {
        submit(() -> replace(snapshot, Long.MAX_VALUE));
    }

    /**
     * A {@code /master/state} snapshot fetched after {@code startedAtSequence}: entities an event changed since
     * then keep what the event said.
     */
    public void resync(Snapshot snapshot, long startedAtSequence) {
        submit(() -> replace(snapshot, startedAtSequence));
    }

    /** One operator API event (TASK_ADDED, TASK_UPDATED, AGENT_*, FRAMEWORK_*; others are ignored). */
    public void event(Event event) {
        submit(() -> apply(event));
    }

    /** The leading master ({@code ip:port}, or null) and every known master, for the master records. */
    public void masters(HostPort leader, List<String> masters) {
        List<String> copy = List.copyOf(masters);
        submit(() -> {
            this.leader = leader;
            this.masters = copy;
            recomputeMasters();
        });
    }

    /** Runs a read on the owner thread and waits for its answer (the HTTP API's enumerate). */
    public <T> T read(Function<ClusterMirror, T> reader, Duration timeout) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        submit(() -> {
            try {
                result.complete(reader.apply(this));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void submit(Runnable action) {
        if (!closed) inbox.add(new Command(action, System.nanoTime()));
    }

    // ------------------------------------------------------------------ the owner thread

    private void run() {
        List<Command> batch = new ArrayList<>();
        while (!closed) {
            try {
                Command first = inbox.poll(1, TimeUnit.SECONDS);
                if (first == null) continue;
                batch.add(first);
                inbox.drainTo(batch, 100_000);
                long oldest = Long.MAX_VALUE;
                for (Command c : batch) {
                    try {
                        int before = removed.size() + added.size();
                        c.action().run();
                        if (removed.size() + added.size() != before) oldest = Math.min(oldest, c.enqueuedNanos());
                    } catch (RuntimeException e) {
                        LOG.error("msg=\"could not apply a change to the DNS records\"", e);
                    }
                }
                batch.clear();
                if (oldest != Long.MAX_VALUE) oldestChange = oldest;
                publish();
            } catch (InterruptedException e) {
                if (closed) return;
            } catch (RuntimeException | Error e) {
                LOG.error("msg=\"DNS record thread failed; continuing\"", e);
            }
        }
    }

    private void publish() {
        if (synced && !zone.synced()) zone = zone.markSynced();
        if (removed.isEmpty() && added.isEmpty()) return;
        int changes = removed.size() + added.size();
        Zone current = zone;
        long serial = Math.max(current.serial(), clock.instant().getEpochSecond());
        Zone next = current.apply(removed, added, serial);
        removed.clear();
        added.clear();
        zone = next;
        for (PublishListener l : listeners) {
            try {
                l.published(next, oldestChange, changes);
            } catch (RuntimeException e) {
                LOG.warn("msg=\"publish listener failed\"", e);
            }
        }
    }

    private void apply(Event event) {
        long seq = ++sequence;
        switch (event.getType()) {
            case SUBSCRIBED -> replace(OperatorState.snapshot(event.getSubscribed().getGetState()), Long.MAX_VALUE);
            case TASK_ADDED -> putTask(event.getTaskAdded().getTask(), seq);
            case TASK_UPDATED -> {
                Event.TaskUpdated u = event.getTaskUpdated();
                TaskStatus status = u.getStatus();
                String key = key(u.getFrameworkId().getValue(), status.getTaskId().getValue());
                Task current = tasks.get(key);
                if (current == null) return; // not seen (yet): the next resync brings it
                TaskState state = u.hasState() ? u.getState() : status.getState();
                Task.Builder b = current.toBuilder().setState(state).addStatuses(status);
                while (b.getStatusesCount() > MAX_STATUSES) b.removeStatuses(0);
                putTask(b.build(), seq);
            }
            case AGENT_ADDED -> putAgent(OperatorState.agent(event.getAgentAdded().getAgent()), seq);
            case AGENT_REMOVED -> removeAgent(event.getAgentRemoved().getAgentId().getValue(), seq);
            case FRAMEWORK_ADDED -> putFramework(OperatorState.framework(event.getFrameworkAdded().getFramework().getFrameworkInfo()), seq);
            case FRAMEWORK_UPDATED -> putFramework(OperatorState.framework(event.getFrameworkUpdated().getFramework().getFrameworkInfo()), seq);
            case FRAMEWORK_REMOVED -> removeFramework(event.getFrameworkRemoved().getFrameworkInfo().getId().getValue(), seq);
            default -> { }
        }
    }

    /**
     * Makes the mirror equal to the snapshot, except for entities touched by an event after {@code sinceSeq}
     * (none, for an authoritative snapshot).
     */
    private void replace(Snapshot s, long sinceSeq) {
        synced = true;
        boolean authoritative = sinceSeq == Long.MAX_VALUE;
        long seq = authoritative ? ++sequence : 0;
        Set<String> seenAgents = new HashSet<>();
        for (AgentRef a : s.agents()) {
            seenAgents.add(a.id());
            if (authoritative || !newer("a:" + a.id(), sinceSeq)) putAgent(a, seq);
        }
        for (String id : new ArrayList<>(agents.keySet())) {
            if (!seenAgents.contains(id) && (authoritative || !newer("a:" + id, sinceSeq))) removeAgent(id, seq);
        }
        Set<String> seenFrameworks = new HashSet<>();
        for (FrameworkRef f : s.frameworks()) {
            seenFrameworks.add(f.id());
            if (authoritative || !newer("f:" + f.id(), sinceSeq)) putFramework(f, seq);
        }
        for (String id : new ArrayList<>(frameworks.keySet())) {
            if (!seenFrameworks.contains(id) && (authoritative || !newer("f:" + id, sinceSeq))) removeFramework(id, seq);
        }
        Set<String> seenTasks = new HashSet<>();
        for (Task t : s.tasks()) {
            String key = key(t);
            seenTasks.add(key);
            if (authoritative || !newer("t:" + key, sinceSeq)) putTask(t, seq);
        }
        for (String key : new ArrayList<>(tasks.keySet())) {
            if (!seenTasks.contains(key) && (authoritative || !newer("t:" + key, sinceSeq))) removeTask(key, seq);
        }
        if (s.leader() != null && leader == null) {
            leader = s.leader();
            recomputeMasters();
        }
        // what happened before this resync began cannot matter to a later one (they begin later still), so those
        // marks, including the ones of removed tasks, need not be kept
        if (!authoritative) touched.values().removeIf(mark -> mark <= sinceSeq);
    }

    private boolean newer(String key, long sinceSeq) {
        Long t = touched.get(key);
        return t != null && t > sinceSeq;
    }

    private void touch(String key, long seq) {
        if (seq > 0) touched.put(key, seq);
    }

    private void putAgent(AgentRef agent, long seq) {
        touch("a:" + agent.id(), seq);
        AgentRef old = agents.put(agent.id(), agent);
        List<String> ips = resolver.resolve(agent.host());
        List<String> oldIps = agentIps.put(agent.id(), ips);
        recompute("a:" + agent.id(), generator.agent(agent, ips));
        if (old == null || !Objects.equals(oldIps, ips)) recomputeTasks(tasksByAgent.get(agent.id()));
    }

    private void removeAgent(String id, long seq) {
        touch("a:" + id, seq);
        if (agents.remove(id) == null) return;
        agentIps.remove(id);
        recompute("a:" + id, List.of());
        recomputeTasks(tasksByAgent.get(id));
    }

    private void putFramework(FrameworkRef fw, long seq) {
        touch("f:" + fw.id(), seq);
        FrameworkRef old = frameworks.put(fw.id(), fw);
        recompute("f:" + fw.id(), generator.framework(fw, resolver.resolve(fw.host())));
        if (old == null || !old.name().equals(fw.name())) recomputeTasks(tasksByFramework.get(fw.id()));
    }

    private void removeFramework(String id, long seq) {
        touch("f:" + id, seq);
        if (frameworks.remove(id) == null) return;
        recompute("f:" + id, List.of());
        recomputeTasks(tasksByFramework.get(id));
    }

    private void putTask(Task task, long seq) {
        String key = key(task);
        touch("t:" + key, seq);
        if (isTerminal(task.getState())) {
            removeTask(key, seq);
            return;
        }
        Task old = tasks.put(key, task);
        if (old != null && !old.getAgentId().equals(task.getAgentId())) unindex(key, old);
        tasksByAgent.computeIfAbsent(task.getAgentId().getValue(), k -> new LinkedHashSet<>()).add(key);
        tasksByFramework.computeIfAbsent(task.getFrameworkId().getValue(), k -> new LinkedHashSet<>()).add(key);
        recomputeTask(key);
    }

    private void removeTask(String key, long seq) {
        touch("t:" + key, seq);
        Task old = tasks.remove(key);
        if (old == null) return;
        unindex(key, old);
        recompute("t:" + key, List.of());
    }

    private void unindex(String key, Task t) {
        Set<String> byAgent = tasksByAgent.get(t.getAgentId().getValue());
        if (byAgent != null && byAgent.remove(key) && byAgent.isEmpty()) tasksByAgent.remove(t.getAgentId().getValue());
        Set<String> byFw = tasksByFramework.get(t.getFrameworkId().getValue());
        if (byFw != null && byFw.remove(key) && byFw.isEmpty()) tasksByFramework.remove(t.getFrameworkId().getValue());
    }

    private void recomputeTasks(Collection<String> keys) {
        if (keys == null) return;
        for (String key : new ArrayList<>(keys)) recomputeTask(key);
    }

    private void recomputeTask(String key) {
        Task t = tasks.get(key);
        if (t == null) return;
        FrameworkRef fw = frameworks.get(t.getFrameworkId().getValue());
        List<String> ips = agentIps.get(t.getAgentId().getValue());
        recompute("t:" + key, fw == null ? List.of() : generator.task(t, fw.name(), ips));
    }

    private void recomputeMasters() {
        List<String> all = new ArrayList<>();
        for (String m : masters) {
            HostPort hp = HostPort.parse(m);
            if (hp == null) continue;
            for (String ip : resolver.resolve(hp.host())) {
                all.add(new HostPort(ip, hp.port()).toString());
                break;
            }
        }
        HostPort l = null;
        if (leader != null) {
            List<String> ips = resolver.resolve(leader.host());
            if (!ips.isEmpty()) l = new HostPort(ips.get(0), leader.port());
        }
        recompute("m", generator.masters(l, all));
    }

    /** Replaces one owner's records, queueing only the difference for the zone. */
    private void recompute(String owner, List<Rr> now) {
        List<Rr> before = now.isEmpty() ? contributions.remove(owner) : contributions.put(owner, now);
        if (before == null || before.isEmpty()) {
            added.addAll(now);
            return;
        }
        if (before.equals(now)) return;
        Set<Rr> old = new HashSet<>(before);
        Set<Rr> fresh = new HashSet<>(now);
        for (Rr r : before) if (!fresh.contains(r)) removed.add(r);
        for (Rr r : now) if (!old.contains(r)) added.add(r);
    }

    static String key(Task t) {
        return key(t.getFrameworkId().getValue(), t.getTaskId().getValue());
    }

    static String key(String frameworkId, String taskId) {
        return frameworkId + "\u0000" + taskId;
    }

    static boolean isTerminal(TaskState s) {
        return switch (s) {
            case TASK_FINISHED, TASK_FAILED, TASK_KILLED, TASK_LOST, TASK_ERROR, TASK_DROPPED, TASK_GONE,
                 TASK_GONE_BY_OPERATOR -> true;
            default -> false;
        };
    }

    // ------------------------------------------------------------------ reads (on the owner thread, via read())

    /** Frameworks in registration order with their RUNNING tasks and those tasks' records. */
    public List<EnumeratedFramework> enumerate() {
        List<EnumeratedFramework> out = new ArrayList<>();
        for (FrameworkRef f : frameworks.values()) {
            List<EnumeratedTask> ts = new ArrayList<>();
            for (String key : tasksByFramework.getOrDefault(f.id(), Set.of())) {
                Task t = tasks.get(key);
                if (t == null || t.getState() != TaskState.TASK_RUNNING || !agentIps.containsKey(t.getAgentId().getValue())) continue;
                ts.add(new EnumeratedTask(t.getName(), t.getTaskId().getValue(), contributions.getOrDefault("t:" + key, List.of())));
            }
            out.add(new EnumeratedFramework(f.name(), ts));
        }
        return out;
    }

    /** Counts for metrics and logs. */
    public Map<String, Integer> counts() {
        return Map.of("agents", agents.size(), "frameworks", frameworks.size(), "tasks", tasks.size());
    }

    @Override
    public void close() {
        closed = true;
        owner.interrupt();
        try {
            owner.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
