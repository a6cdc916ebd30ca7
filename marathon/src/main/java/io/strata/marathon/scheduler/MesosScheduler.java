package io.strata.marathon.scheduler;

import io.strata.common.detector.MasterDetector;
import io.strata.common.recordio.RecordIO;
import io.strata.marathon.Marathon;
import io.strata.marathon.MarathonConfig;
import io.strata.marathon.TaskControl;
import io.strata.marathon.model.Instance;
import io.strata.marathon.model.PathId;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.DurationInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.KillPolicy;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marathon as a Mesos v1 HTTP scheduler: SUBSCRIBEs to the leading master (found like any Mesos client, from
 * {@code --master}) with Marathon's FrameworkInfo (PARTITION_AWARE, TASK_KILLING_STATE, failover timeout, role),
 * reads the RecordIO event stream (protobuf), matches offers against the instances waiting to launch
 * ({@link OfferMatcher}, {@link TaskBuilder}), hands status updates to {@link Marathon} and acknowledges them,
 * reconciles on every (re)subscription and periodically, and re-subscribes with its framework id after any break.
 * Calls go out in order on one thread, so kills and launches are never reordered.
 */
public final class MesosScheduler implements TaskControl, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MesosScheduler.class);
    static final String PROTOBUF = "application/x-protobuf";
    static final int MAX_PER_OFFER = 100;

    private final MarathonConfig config;
    private final Marathon marathon;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final ExecutorService calls = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "marathon-mesos-calls");
        t.setDaemon(true);
        return t;
    });
    /** Where each agent is, for constraints on instances placed earlier. */
    private final Map<String, Constraints.Placement> agents = new ConcurrentHashMap<>();
    private volatile MasterDetector detector;
    private volatile String leader;
    private volatile String streamId;
    private volatile boolean subscribed;
    private volatile boolean closed;
    private volatile InputStream stream;
    private volatile Instant lastEvent = Instant.now();
    private volatile Duration heartbeat = Duration.ofSeconds(15);
    private volatile Instant lastRevive = Instant.EPOCH;
    private volatile Instant lastReconcile = Instant.EPOCH;
    /** How often to reconcile while a task abandoned on an unreachable agent may come back and must be killed. */
    private static final Duration ABANDONED_RECONCILE = Duration.ofSeconds(15);
    private Thread loop;
    private Thread watchdog;

    public MesosScheduler(MarathonConfig config, Marathon marathon) {
        this.config = config;
        this.marathon = marathon;
    }

    public void start() {
        loop = Thread.ofVirtual().name("marathon-mesos").start(this::run);
        watchdog = Thread.ofVirtual().name("marathon-mesos-watchdog").start(this::watch);
    }

    public boolean isSubscribed() {
        return subscribed;
    }

    private void run() {
        long backoff = 500;
        while (!closed) {
            try {
                if (detector == null) detector = MasterDetector.of(config.master());
                String l = detector.leader().orElse(null);
                if (l == null) {
                    LOG.info("msg=\"no leading master yet\" master={}", config.master());
                } else {
                    leader = l;
                    subscribe();
                    backoff = 500;
                }
            } catch (Exception e) {
                if (!closed) LOG.warn("msg=\"scheduler stream ended; re-subscribing\" master={} error=\"{}\"", leader, e.toString());
            } finally {
                subscribed = false;
                streamId = null;
            }
            if (closed) return;
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(backoff * 2, 10_000);
        }
    }

    private FrameworkInfo frameworkInfo() {
        FrameworkInfo.Builder f = FrameworkInfo.newBuilder()
                .setUser(config.user())
                .setName(config.frameworkName())
                .setFailoverTimeout(config.failoverTimeout().toSeconds())
                .setCheckpoint(true)
                .setRole(config.role())
                .setHostname(config.hostname())
                .setWebuiUrl(config.webuiUrl() != null ? config.webuiUrl() : "http://" + config.hostname() + ":" + config.httpPort())
                .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE))
                .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.TASK_KILLING_STATE));
        String fid = marathon.frameworkId();
        if (fid != null) f.setId(FrameworkID.newBuilder().setValue(fid));
        return f.build();
    }

    private void subscribe() throws IOException, InterruptedException {
        Call.Builder c = Call.newBuilder().setType(Call.Type.SUBSCRIBE)
                .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(frameworkInfo()));
        String fid = marathon.frameworkId();
        if (fid != null) c.setFrameworkId(FrameworkID.newBuilder().setValue(fid));
        for (int redirects = 0; redirects < 3; redirects++) {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + leader + "/api/v1/scheduler"))
                    .header("Content-Type", PROTOBUF).header("Accept", PROTOBUF)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(c.build().toByteArray())).build();
            HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            if (resp.statusCode() == 307) {
                String loc = resp.headers().firstValue("Location").orElse("");
                resp.body().close();
                leader = loc.replaceFirst("^(https?:)?//", "").replaceFirst("/.*$", "");
                continue;
            }
            if (resp.statusCode() != 200) {
                String body = new String(resp.body().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                if (body.contains("Framework has been removed") || body.contains("Framework cannot be found")) forgetFrameworkId();
                throw new IOException("SUBSCRIBE answered " + resp.statusCode() + ": " + body);
            }
            streamId = resp.headers().firstValue("Mesos-Stream-Id").orElse(null);
            stream = resp.body();
            lastEvent = Instant.now();
            try (InputStream in = resp.body()) {
                RecordIO.Reader reader = new RecordIO.Reader(in);
                for (byte[] record = reader.next(); record != null && !closed; record = reader.next()) {
                    lastEvent = Instant.now();
                    handle(Event.parseFrom(record));
                }
            }
            return;
        }
        throw new IOException("too many redirects from the masters");
    }

    private void forgetFrameworkId() {
        LOG.warn("msg=\"the master does not know our framework id any more; registering anew\" frameworkId={}", marathon.frameworkId());
        marathon.frameworkId("");
    }

    void handle(Event e) {
        switch (e.getType()) {
            case SUBSCRIBED -> {
                Event.Subscribed s = e.getSubscribed();
                marathon.frameworkId(s.getFrameworkId().getValue());
                if (s.hasHeartbeatIntervalSeconds()) heartbeat = Duration.ofMillis((long) (s.getHeartbeatIntervalSeconds() * 1000));
                subscribed = true;
                LOG.info("msg=\"subscribed to the master\" master={} frameworkId={}", leader, s.getFrameworkId().getValue());
                reconcile();
                launchesPending();
            }
            case OFFERS -> {
                for (Offer o : e.getOffers().getOffersList()) offer(o);
            }
            case UPDATE -> update(e.getUpdate().getStatus());
            case HEARTBEAT, RESCIND, RESCIND_INVERSE_OFFER, INVERSE_OFFERS, MESSAGE, UPDATE_OPERATION_STATUS -> { }
            case FAILURE -> LOG.info("msg=\"agent or executor failure\" agent={}", e.getFailure().getAgentId().getValue());
            case ERROR -> {
                LOG.warn("msg=\"error from the master\" message=\"{}\"", e.getError().getMessage());
                if (e.getError().getMessage().contains("removed")) forgetFrameworkId();
                InputStream s = stream;
                if (s != null) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // the reader notices
                    }
                }
            }
            default -> { }
        }
    }

    private void offer(Offer o) {
        agents.put(o.getAgentId().getValue(), OfferMatcher.placement(o));
        List<Instance> launchable = marathon.launchable();
        List<OfferMatcher.Candidate> candidates = new ArrayList<>();
        for (Instance i : launchable) marathon.app(i.appId()).ifPresent(a -> candidates.add(new OfferMatcher.Candidate(i, a)));
        if (candidates.isEmpty()) {
            decline(o, config.declineOfferDuration().toSeconds());
            return;
        }
        List<OfferMatcher.Match> matches = OfferMatcher.match(o, candidates, config.defaultAcceptedResourceRoles(), placements(), MAX_PER_OFFER);
        java.util.Set<PathId> used = new java.util.HashSet<>();
        List<TaskInfo> tasks = new ArrayList<>();
        for (OfferMatcher.Match m : matches) {
            if (marathon.launched(m.instance().instanceId(), o.getAgentId().getValue(), o.getHostname(), m.hostPorts()).isEmpty()) continue;
            tasks.add(TaskBuilder.build(m, o.getAgentId().getValue(), o.getHostname(), config.user()));
            used.add(m.app().id());
        }
        for (OfferMatcher.Candidate c : candidates) marathon.offerProcessed(c.app().id(), used.contains(c.app().id()));
        if (tasks.isEmpty()) {
            decline(o, 5);
            return;
        }
        LOG.info("msg=\"launching\" agent={} tasks={}", o.getHostname(), tasks.stream().map(t -> t.getTaskId().getValue()).toList());
        post(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder().addOfferIds(o.getId())
                .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                        .setLaunch(Offer.Operation.Launch.newBuilder().addAllTaskInfos(tasks)))
                .setFilters(Filters.newBuilder().setRefuseSeconds(5))));
    }

    /** Where the live instances of each app run, for constraints. */
    private Map<PathId, List<Constraints.Placement>> placements() {
        Map<PathId, List<Constraints.Placement>> out = new HashMap<>();
        for (Instance i : marathon.instances()) {
            if (i.agentId() == null || i.goal() != Instance.Goal.Running || i.condition().isTerminal()) continue;
            Constraints.Placement p = agents.getOrDefault(i.agentId(), new Constraints.Placement(i.host(), Map.of()));
            out.computeIfAbsent(i.appId(), k -> new ArrayList<>()).add(p);
        }
        return out;
    }

    private void decline(Offer o, long refuseSeconds) {
        post(Call.newBuilder().setType(Call.Type.DECLINE).setDecline(Call.Decline.newBuilder().addOfferIds(o.getId())
                .setFilters(Filters.newBuilder().setRefuseSeconds(refuseSeconds))));
    }

    private void update(TaskStatus s) {
        List<String> ips = new ArrayList<>();
        if (s.hasContainerStatus()) {
            for (var ni : s.getContainerStatus().getNetworkInfosList()) for (var ip : ni.getIpAddressesList()) if (ip.hasIpAddress()) ips.add(ip.getIpAddress());
        }
        boolean killUnknown = marathon.onStatus(s.getTaskId().getValue(), s.getState().name(), s.getAgentId().getValue(),
                s.hasMessage() ? s.getMessage() : null, s.hasHealthy() ? s.getHealthy() : null, ips, null);
        if (killUnknown) {
            LOG.info("msg=\"killing a task Marathon does not know\" task={}", s.getTaskId().getValue());
            kill(s.getTaskId().getValue(), s.getAgentId().getValue(), null);
        }
        if (s.hasUuid() && s.hasAgentId()) {
            post(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
                    .setAgentId(s.getAgentId()).setTaskId(s.getTaskId()).setUuid(s.getUuid())));
        }
    }

    /** Explicit reconciliation of every launched task we know, then an implicit one for the rest. */
    public void reconcile() {
        Call.Reconcile.Builder r = Call.Reconcile.newBuilder();
        for (Instance i : marathon.instances()) {
            if (i.agentId() == null || i.isScheduled()) continue;
            r.addTasks(Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue(i.taskId()))
                    .setAgentId(AgentID.newBuilder().setValue(i.agentId())));
        }
        post(Call.newBuilder().setType(Call.Type.RECONCILE).setReconcile(r));
        post(Call.newBuilder().setType(Call.Type.RECONCILE).setReconcile(Call.Reconcile.newBuilder()));
        lastReconcile = Instant.now();
    }

    @Override
    public void kill(String taskId, String agentId, Integer gracePeriodSeconds) {
        Call.Kill.Builder k = Call.Kill.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId));
        if (agentId != null) k.setAgentId(AgentID.newBuilder().setValue(agentId));
        if (gracePeriodSeconds != null) {
            k.setKillPolicy(KillPolicy.newBuilder().setGracePeriod(DurationInfo.newBuilder().setNanoseconds(gracePeriodSeconds * 1_000_000_000L)));
        }
        post(Call.newBuilder().setType(Call.Type.KILL).setKill(k));
    }

    @Override
    public void launchesPending() {
        if (!subscribed) return;
        Instant now = Instant.now();
        if (now.isBefore(lastRevive.plusSeconds(1))) return;
        lastRevive = now;
        calls.execute(() -> {
            if (!marathon.launchable().isEmpty()) send(Call.newBuilder().setType(Call.Type.REVIVE).setRevive(Call.Revive.newBuilder()));
        });
    }

    private void post(Call.Builder call) {
        calls.execute(() -> send(call));
    }

    private void send(Call.Builder call) {
        String sid = streamId;
        String fid = marathon.frameworkId();
        if (sid == null || fid == null || leader == null) return;
        call.setFrameworkId(FrameworkID.newBuilder().setValue(fid));
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + leader + "/api/v1/scheduler"))
                    .header("Content-Type", PROTOBUF).header("Accept", PROTOBUF).header("Mesos-Stream-Id", sid)
                    .timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(call.build().toByteArray())).build();
            HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() != 202) {
                LOG.warn("msg=\"call refused by the master\" type={} status={} body=\"{}\"", call.getType(), resp.statusCode(), resp.body());
            }
        } catch (IOException e) {
            LOG.warn("msg=\"call to the master failed\" type={} error=\"{}\"", call.getType(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Breaks a silent stream (no heartbeat for five intervals) and reconciles periodically. */
    private void watch() {
        while (!closed) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            Instant now = Instant.now();
            if (subscribed && now.isAfter(lastEvent.plus(heartbeat.multipliedBy(5)))) {
                LOG.warn("msg=\"no heartbeat from the master; re-subscribing\" master={}", leader);
                InputStream s = stream;
                if (s != null) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // the reader notices
                    }
                }
            }
            Duration every = marathon.awaitingAbandonedTasks() ? ABANDONED_RECONCILE : config.reconciliationInterval();
            if (subscribed && now.isAfter(lastReconcile.plus(every))) reconcile();
        }
    }

    @Override
    public void close() {
        closed = true;
        InputStream s = stream;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        if (loop != null) loop.interrupt();
        if (watchdog != null) watchdog.interrupt();
        calls.shutdownNow();
        MasterDetector d = detector;
        if (d != null) d.close();
    }
}
