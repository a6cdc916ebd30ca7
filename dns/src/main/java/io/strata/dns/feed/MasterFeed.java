package io.strata.dns.feed;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.common.json.Json;
import io.strata.common.json.ProtoJson;
import io.strata.common.recordio.RecordIO;
import io.strata.dns.records.HostPort;
import io.strata.dns.state.ClusterMirror;
import io.strata.dns.state.StateJsonReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.master.Protos.Event;
import org.apache.mesos.v1.master.Protos.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link ClusterMirror} equal to the leading master:
 * <ol>
 *   <li>finds the leader: in ZooKeeper ({@code zk}), else by asking each of {@code masters} in turn (a master
 *       that does not lead answers 307 to the one that does);</li>
 *   <li>subscribes to its operator API ({@code POST /api/v1 {"type":"SUBSCRIBE"}}): a RecordIO stream of JSON
 *       events, SUBSCRIBED (the whole state) first, then TASK_ADDED, TASK_UPDATED, AGENT_*, FRAMEWORK_* as they
 *       happen, so a task's names answer as soon as it runs;</li>
 *   <li>every {@code refreshSeconds} fetches {@code /master/state} as a safety net (and as the only source when
 *       the stream is down);</li>
 *   <li>when the stream ends, goes quiet for three heartbeats, or ZooKeeper names another leader, starts over
 *       with a short backoff.</li>
 * </ol>
 */
public final class MasterFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MasterFeed.class);
    private static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);
    private static final String PROTOBUF = "application/x-protobuf";

    private final ClusterMirror mirror;
    private final List<String> configuredMasters;
    private final ZkMasters zk;
    private final Duration timeout;
    private final Duration stateTimeout;
    private final Duration refresh;
    private final Duration zkDetectionTimeout;
    private final HttpClient http;
    private final Thread streamer;
    private final ScheduledExecutorService timers;
    private final Object lock = new Object();
    private volatile boolean closed;
    private volatile HostPort connectedTo;
    private volatile InputStream stream;
    private volatile long lastRecordNanos;
    private volatile Duration heartbeat = DEFAULT_HEARTBEAT;
    private volatile HostPort leader;
    private volatile long noLeaderSince = System.nanoTime();
    private volatile boolean zkTimeoutLogged;
    /** Records reflect the master at least once (a SUBSCRIBED or a resync arrived). */
    private volatile boolean synced;

    /**
     * @param zk      {@code zk://...} or null
     * @param masters {@code host:port} of the masters, in the order to try them
     */
    public MasterFeed(ClusterMirror mirror, String zk, List<String> masters, Duration timeout, Duration stateTimeout,
                      Duration refresh, Duration zkDetectionTimeout) {
        this.mirror = mirror;
        this.configuredMasters = List.copyOf(masters);
        this.timeout = timeout;
        this.stateTimeout = stateTimeout;
        this.refresh = refresh;
        this.zkDetectionTimeout = zkDetectionTimeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.zk = zk == null || zk.isBlank() ? null : new ZkMasters(zk, this::mastersChanged);
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("dns-resync").daemon().unstarted(r));
        publishMasters();
        if (this.zk != null) this.zk.start();
        this.streamer = Thread.ofVirtual().name("dns-feed").start(this::streamLoop);
        // the stream's SUBSCRIBED is the first sync; /master/state is fetched at once only when the stream fails
        timers.scheduleWithFixedDelay(this::resyncQuietly, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(this::watchdog, 1, 1, TimeUnit.SECONDS);
    }

    /** Whether an operator event stream is open right now. */
    public boolean streaming() {
        return stream != null;
    }

    /** The master the stream is open to, if any. */
    public Optional<HostPort> connectedTo() {
        return Optional.ofNullable(connectedTo);
    }

    // ------------------------------------------------------------------ finding the leader

    private void mastersChanged() {
        publishMasters();
        HostPort now = connectedTo;
        Optional<HostPort> zkLeader = zk.leader();
        if (now != null && zkLeader.isPresent() && !sameMaster(zkLeader.get(), now)) {
            LOG.info("msg=\"leading master changed; resubscribing\" from={} to={}", now, zkLeader.get());
            closeStream();
        }
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    private static boolean sameMaster(HostPort a, HostPort b) {
        return a.port() == b.port() && a.host().equalsIgnoreCase(b.host());
    }

    /** Where to look for the leader, best guess first. */
    private List<HostPort> candidates() {
        Set<HostPort> out = new LinkedHashSet<>();
        if (zk != null) zk.leader().ifPresent(out::add);
        if (out.isEmpty()) {
            for (String m : configuredMasters) {
                HostPort hp = HostPort.parse(m);
                if (hp != null) out.add(hp);
            }
        }
        return new ArrayList<>(out);
    }

    /** The leader and every master for the master records: ZooKeeper's view, then the configured list. */
    private void publishMasters() {
        List<String> all = new ArrayList<>();
        HostPort l = leader;
        if (zk != null) {
            Optional<HostPort> zl = zk.leader();
            if (zl.isPresent()) l = zl.get();
            all.addAll(zk.all());
        }
        for (String m : configuredMasters) if (!all.contains(m)) all.add(m);
        mirror.masters(l, all);
    }

    // ------------------------------------------------------------------ the event stream

    /** How a subscription attempt went. */
    private enum Outcome { SUBSCRIBED, UNSUPPORTED, FAILED }

    private void streamLoop() {
        long backoff = 100;
        boolean pollingLogged = false;
        while (!closed) {
            boolean subscribed = false;
            boolean unsupported = false;
            for (HostPort candidate : candidates()) {
                if (closed) return;
                try {
                    Outcome o = subscribe(candidate, 3);
                    subscribed = o == Outcome.SUBSCRIBED;
                    unsupported |= o == Outcome.UNSUPPORTED;
                } catch (IOException e) {
                    LOG.debug("msg=\"operator stream failed\" master={} error=\"{}\"", candidate, e.toString());
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("msg=\"operator stream failed\" master={}", candidate, e);
                } finally {
                    closeStream();
                }
                if (subscribed) break;
            }
            if (closed) return;
            if (!subscribed && !synced) timers.execute(this::resyncQuietly);
            long wait = backoff;
            if (subscribed) {
                backoff = 100;
                pollingLogged = false;
            } else if (unsupported) {
                // a master without the operator API (older than Mesos 1.1): /master/state every refreshSeconds is
                // all there is, as with Mesos-DNS; ask for the stream again now and then
                if (!pollingLogged) {
                    LOG.warn("msg=\"the master has no operator event stream; names follow /master/state every refreshSeconds\" refresh_seconds={}",
                            refresh.toSeconds());
                    pollingLogged = true;
                }
                wait = Math.max(refresh.toMillis(), 2_000);
            }
            synchronized (lock) {
                try {
                    lock.wait(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
            backoff = Math.min(backoff * 2, 2_000);
        }
    }

    /** Streams from {@code master} until the stream ends. */
    private Outcome subscribe(HostPort master, int redirectsLeft) throws IOException, InterruptedException {
        // protobuf: a SUBSCRIBED snapshot of 10,000 tasks decodes in tens of milliseconds, its JSON in about a
        // second; a master that answers JSON anyway is understood too
        HttpRequest req = HttpRequest.newBuilder(uri(master, "/api/v1"))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", PROTOBUF)
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"SUBSCRIBE\"}"))
                .build();
        HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        if (resp.statusCode() == 307 || resp.statusCode() == 302) {
            resp.body().close();
            Optional<HostPort> next = resp.headers().firstValue("Location").map(MasterFeed::hostPortOf);
            if (next.isPresent() && redirectsLeft > 0) return subscribe(next.get(), redirectsLeft - 1);
            return Outcome.FAILED;
        }
        if (resp.statusCode() != 200) {
            String body = new String(resp.body().readNBytes(512), StandardCharsets.UTF_8);
            resp.body().close();
            int status = resp.statusCode();
            if (status == 404 || status == 405 || status == 501) return Outcome.UNSUPPORTED;
            LOG.info("msg=\"operator stream refused\" master={} status={} body=\"{}\"", master, status, body.strip());
            return Outcome.FAILED;
        }
        boolean protobuf = resp.headers().firstValue("Content-Type").orElse("").toLowerCase(java.util.Locale.ROOT).startsWith(PROTOBUF);
        stream = resp.body();
        connectedTo = master;
        lastRecordNanos = System.nanoTime();
        boolean subscribed = false;
        RecordIO.Reader reader = new RecordIO.Reader(resp.body());
        while (!closed) {
            byte[] record = reader.next();
            if (record == null) break;
            lastRecordNanos = System.nanoTime();
            Event event;
            try {
                // partial: a master that leaves out a field we do not read must not stop the feed
                event = protobuf ? Event.newBuilder().mergeFrom(record).buildPartial()
                        : ProtoJson.parse(new String(record, StandardCharsets.UTF_8), Event.newBuilder()).buildPartial();
            } catch (IllegalArgumentException | com.google.protobuf.InvalidProtocolBufferException e) {
                LOG.warn("msg=\"unreadable operator event; resubscribing\" error=\"{}\"", e.getMessage());
                break;
            }
            if (event.getType() == Event.Type.SUBSCRIBED) {
                subscribed = true;
                synced = true;
                double hb = event.getSubscribed().getHeartbeatIntervalSeconds();
                heartbeat = hb > 0 ? Duration.ofMillis((long) (hb * 1000)) : DEFAULT_HEARTBEAT;
                LOG.info("msg=\"subscribed to the master's operator events\" master={} tasks={}", master,
                        event.getSubscribed().getGetState().getGetTasks().getTasksCount());
                learnLeader(master);
            }
            if (subscribed) mirror.event(event);
        }
        return subscribed ? Outcome.SUBSCRIBED : Outcome.FAILED;
    }

    /** Asks the master we are subscribed to for its MasterInfo: the leader record wants its own IP. */
    private void learnLeader(HostPort master) {
        Thread.ofVirtual().name("dns-get-master").start(() -> {
            try {
                HttpRequest req = HttpRequest.newBuilder(uri(master, "/api/v1")).timeout(timeout)
                        .header("Content-Type", "application/json").header("Accept", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"GET_MASTER\"}")).build();
                HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
                HostPort l = master;
                if (resp.statusCode() == 200) {
                    Response r = ProtoJson.parse(resp.body(), Response.newBuilder()).buildPartial();
                    if (r.hasGetMaster()) l = ZkMasters.address(r.getGetMaster().getMasterInfo());
                }
                leader = l;
            } catch (Exception e) {
                leader = master;
            }
            publishMasters();
        });
    }

    private void watchdog() {
        InputStream s = stream;
        long silentNanos = System.nanoTime() - lastRecordNanos;
        if (s != null && silentNanos > heartbeat.multipliedBy(3).toNanos()) {
            LOG.warn("msg=\"no operator event or heartbeat for three heartbeats; resubscribing\" master={}", connectedTo);
            closeStream();
        }
        boolean hasLeader = zk == null || zk.leader().isPresent();
        if (hasLeader) {
            noLeaderSince = System.nanoTime();
            zkTimeoutLogged = false;
        } else if (!zkDetectionTimeout.isZero() && !zkTimeoutLogged
                && System.nanoTime() - noLeaderSince > zkDetectionTimeout.toNanos()) {
            zkTimeoutLogged = true;
            LOG.error("msg=\"no leading master in ZooKeeper\" for_seconds={}; serving the last known records",
                    zkDetectionTimeout.toSeconds());
        }
    }

    private void closeStream() {
        InputStream s = stream;
        stream = null;
        connectedTo = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    // ------------------------------------------------------------------ the periodic resync

    private void resyncQuietly() {
        try {
            resync();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("msg=\"resync from /master/state failed; keeping the current records\" error=\"{}\"", e.toString());
        }
    }

    /** Fetches {@code /master/state} from the leader (following redirects) and hands it to the mirror. */
    public void resync() throws IOException, InterruptedException {
        List<HostPort> targets = new ArrayList<>();
        HostPort c = connectedTo;
        if (c != null) targets.add(c);
        for (HostPort h : candidates()) if (!targets.contains(h)) targets.add(h);
        IOException last = null;
        for (HostPort target : targets) {
            long since = mirror.sequence();
            try {
                JsonNode state = fetchState(target, 3);
                if (state == null) continue;
                var snapshot = StateJsonReader.read(state);
                mirror.resync(snapshot, since);
                synced = true;
                if (zk == null && snapshot.leader() != null && leader == null) {
                    leader = snapshot.leader();
                    publishMasters();
                }
                return;
            } catch (IOException e) {
                last = e;
            }
        }
        if (last != null) throw last;
    }

    private JsonNode fetchState(HostPort master, int redirectsLeft) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(uri(master, "/master/state")).timeout(stateTimeout).GET().build();
        HttpResponse<byte[]> resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        if ((resp.statusCode() == 307 || resp.statusCode() == 302) && redirectsLeft > 0) {
            Optional<HostPort> next = resp.headers().firstValue("Location").map(MasterFeed::hostPortOf);
            return next.isPresent() ? fetchState(next.get(), redirectsLeft - 1) : null;
        }
        if (resp.statusCode() != 200) throw new IOException(master + "/master/state answered " + resp.statusCode());
        return Json.read(resp.body());
    }

    // ------------------------------------------------------------------ helpers

    static URI uri(HostPort master, String path) {
        return URI.create("http://" + master + path);
    }

    /** {@code //host:port/api/v1} or {@code http://host:port/...} as masters send in Location. */
    static HostPort hostPortOf(String location) {
        String s = location.trim();
        if (s.startsWith("//")) s = s.substring(2);
        else if (s.startsWith("http://")) s = s.substring(7);
        else if (s.startsWith("https://")) s = s.substring(8);
        int slash = s.indexOf('/');
        if (slash >= 0) s = s.substring(0, slash);
        return HostPort.parse(s);
    }

    @Override
    public void close() {
        closed = true;
        closeStream();
        streamer.interrupt();
        timers.shutdownNow();
        if (zk != null) zk.close();
        try {
            streamer.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
