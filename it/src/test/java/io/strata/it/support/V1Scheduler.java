package io.strata.it.support;

import static org.awaitility.Awaitility.await;

import com.google.protobuf.InvalidProtocolBufferException;
import io.strata.common.json.ProtoJson;
import io.strata.common.recordio.RecordIO;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskGroupInfo;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * A minimal Mesos v1 HTTP scheduler, written only against the public contract (docs/scheduler-http-api.md):
 * SUBSCRIBE opens a RecordIO event stream (JSON or protobuf) that a virtual thread reads; every later call
 * carries the {@code Mesos-Stream-Id} the master handed out. Events are kept in order and indexed (offers
 * outstanding, status updates per task); updates that carry a uuid are acknowledged automatically, and every
 * call's status is checked (a non-202 answer is recorded and fails {@link #assertNoCallFailures()}).
 */
public final class V1Scheduler implements AutoCloseable {
    public static final String STREAM_ID = "Mesos-Stream-Id";

    private final URI endpoint;
    private final Encoding encoding;
    private final Path eventLog;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(3))
            .build();
    private final ExecutorService acks = Executors.newVirtualThreadPerTaskExecutor();

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<Instant> eventTimes = new CopyOnWriteArrayList<>();
    private final Map<String, Offer> outstanding = new LinkedHashMap<>();
    private final List<Offer> offersReceived = new CopyOnWriteArrayList<>();
    private final List<OfferID> rescinded = new CopyOnWriteArrayList<>();
    private final Map<String, List<TaskStatus>> updates = new LinkedHashMap<>();
    private final List<String> callFailures = new CopyOnWriteArrayList<>();
    private final List<String> acknowledged = new CopyOnWriteArrayList<>();

    private volatile boolean autoAck = true;
    /** When set, every offer that arrives is declined at once with these filters instead of being held. */
    private Filters autoDecline;
    private volatile String streamId;
    private volatile FrameworkID frameworkId;
    private volatile InputStream stream;
    private volatile Thread reader;
    private volatile boolean streamEnded;
    private volatile Throwable streamError;
    private volatile boolean tornDown;

    /** The HTTP response to SUBSCRIBE: status, headers, and for a non-200 the body. */
    public record Subscription(int status, Optional<String> streamId, Optional<String> contentType, String errorBody) {}

    public V1Scheduler(URI master, Encoding encoding, Path eventLog) {
        this.endpoint = master.resolve("/api/v1/scheduler");
        this.encoding = encoding;
        this.eventLog = eventLog;
    }

    /** A FrameworkInfo as a typical test framework sends it (checkpointing, a week of failover timeout). */
    public static FrameworkInfo.Builder framework(String name) {
        return FrameworkInfo.newBuilder().setUser("root").setName(name).setCheckpoint(true)
                .setFailoverTimeout(7 * 24 * 3600).setHostname("127.0.0.1");
    }

    public static FrameworkInfo.Builder partitionAware(FrameworkInfo.Builder info) {
        return info.addCapabilities(FrameworkInfo.Capability.newBuilder()
                .setType(FrameworkInfo.Capability.Type.PARTITION_AWARE));
    }

    // ------------------------------------------------------------------ subscribe

    /**
     * Sends SUBSCRIBE and, on 200, starts reading the event stream. Returns the HTTP-level result; use
     * {@link #awaitSubscribed()} for the SUBSCRIBED event.
     */
    public Subscription subscribe(FrameworkInfo info) {
        Call.Builder call = Call.newBuilder().setType(Call.Type.SUBSCRIBE)
                .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info));
        if (info.hasId()) call.setFrameworkId(info.getId());
        HttpRequest req = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(15)) // until the response headers; the stream itself may last
                .header("Content-Type", encoding.mediaType)
                .header("Accept", encoding.mediaType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(encode(call.build())))
                .build();
        HttpResponse<InputStream> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("SUBSCRIBE to " + endpoint + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Optional<String> sid = resp.headers().firstValue(STREAM_ID);
        Optional<String> ct = resp.headers().firstValue("Content-Type");
        if (resp.statusCode() != 200) {
            String body;
            try (InputStream in = resp.body()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                body = "(unreadable: " + e + ")";
            }
            log("SUBSCRIBE -> " + resp.statusCode() + " " + body);
            return new Subscription(resp.statusCode(), sid, ct, body);
        }
        streamId = sid.orElse(null);
        stream = resp.body();
        streamEnded = false;
        log("SUBSCRIBE -> 200 stream " + streamId);
        reader = Thread.ofVirtual().name("v1-scheduler-reader").start(this::readEvents);
        return new Subscription(200, sid, ct, "");
    }

    /** Subscribes and waits for SUBSCRIBED; fails with the HTTP answer if the master refused. */
    public Event.Subscribed subscribeAndAwait(FrameworkInfo info) {
        Subscription s = subscribe(info);
        if (s.status() != 200) throw new AssertionError("SUBSCRIBE answered " + s.status() + ": " + s.errorBody());
        return awaitSubscribed();
    }

    public Event.Subscribed awaitSubscribed() {
        Event e = awaitEvent(ev -> ev.getType() == Event.Type.SUBSCRIBED || ev.getType() == Event.Type.ERROR,
                ItEnv.EVENT);
        if (e.getType() == Event.Type.ERROR) throw new AssertionError("ERROR instead of SUBSCRIBED: " + e.getError());
        return e.getSubscribed();
    }

    private void readEvents() {
        RecordIO.Reader r = new RecordIO.Reader(stream);
        try {
            while (true) {
                byte[] record = r.next();
                if (record == null) break;
                Event e = decodeEvent(record);
                onEvent(e);
            }
            log("stream ended");
        } catch (IOException | RuntimeException e) {
            if (!streamEnded) {
                streamError = e;
                log("stream failed: " + e);
            }
        } finally {
            streamEnded = true;
        }
    }

    private Event decodeEvent(byte[] record) throws InvalidProtocolBufferException {
        if (encoding == Encoding.PROTOBUF) return Event.parseFrom(record);
        return ProtoJson.parse(new String(record, StandardCharsets.UTF_8), Event.newBuilder()).build();
    }

    private void onEvent(Event e) {
        log(e.getType() + " " + (e.getType() == Event.Type.HEARTBEAT ? "" : ProtoJson.print(e)));
        synchronized (this) {
            switch (e.getType()) {
                case SUBSCRIBED -> frameworkId = e.getSubscribed().getFrameworkId();
                case OFFERS -> {
                    for (Offer o : e.getOffers().getOffersList()) {
                        offersReceived.add(o);
                        if (autoDecline == null) outstanding.put(o.getId().getValue(), o);
                    }
                    if (autoDecline != null) {
                        Filters f = autoDecline;
                        List<Offer> offers = e.getOffers().getOffersList();
                        acks.submit(() -> decline(offers, f));
                    }
                }
                case RESCIND -> {
                    outstanding.remove(e.getRescind().getOfferId().getValue());
                    rescinded.add(e.getRescind().getOfferId());
                }
                case UPDATE -> updates.computeIfAbsent(e.getUpdate().getStatus().getTaskId().getValue(),
                        k -> new CopyOnWriteArrayList<>()).add(e.getUpdate().getStatus());
                default -> { }
            }
            eventTimes.add(Instant.now());
            events.add(e);
        }
        if (e.getType() == Event.Type.UPDATE && autoAck && !e.getUpdate().getStatus().getUuid().isEmpty()) {
            TaskStatus s = e.getUpdate().getStatus();
            acks.submit(() -> {
                Http.Resp r = send(acknowledgeCall(s));
                if (r.status() == 202) {
                    acknowledged.add(s.getTaskId().getValue() + "/" + s.getState());
                } else if (!tornDown) {
                    callFailures.add("ACKNOWLEDGE " + s.getTaskId().getValue() + " " + s.getState() + " -> " + r);
                }
            });
        }
    }

    // ------------------------------------------------------------------ calls

    /** Sends a call as-is (with the stream id unless SUBSCRIBE) and returns the answer, whatever it is. */
    public Http.Resp send(Call call) {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(15))
                .header("Content-Type", encoding.mediaType)
                .header("Accept", encoding.mediaType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(encode(call)));
        if (streamId != null && call.getType() != Call.Type.SUBSCRIBE) b.header(STREAM_ID, streamId);
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Http.Resp(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(call.getType() + " to " + endpoint + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends a call and asserts the master accepted it with 202. */
    public void call(Call call) {
        Http.Resp r = send(call);
        log(call.getType() + " -> " + r.status());
        if (r.status() != 202) {
            throw new AssertionError(call.getType() + " answered " + r + " (expected 202 Accepted)");
        }
    }

    private Call.Builder base(Call.Type type) {
        if (frameworkId == null) throw new IllegalStateException("not subscribed");
        return Call.newBuilder().setType(type).setFrameworkId(frameworkId);
    }

    public static Filters refuse(double seconds) {
        return Filters.newBuilder().setRefuseSeconds(seconds).build();
    }

    /** ACCEPT one offer with LAUNCH of the given tasks; unused resources declined with refuse_seconds 0. */
    public void launch(Offer offer, Collection<TaskInfo> tasks) {
        call(launchCall(offer, tasks, refuse(0)));
    }

    public Call launchCall(Offer offer, Collection<TaskInfo> tasks, Filters filters) {
        forget(offer);
        return base(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
                .addOfferIds(offer.getId())
                .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                        .setLaunch(Offer.Operation.Launch.newBuilder().addAllTaskInfos(tasks)))
                .setFilters(filters)).build();
    }

    /** ACCEPT one offer with LAUNCH_GROUP (default executor). */
    public void launchGroup(Offer offer, ExecutorInfo executor, TaskGroupInfo group) {
        forget(offer);
        call(base(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
                .addOfferIds(offer.getId())
                .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH_GROUP)
                        .setLaunchGroup(Offer.Operation.LaunchGroup.newBuilder()
                                .setExecutor(executor).setTaskGroup(group)))
                .setFilters(refuse(0))).build());
    }

    public void decline(Collection<Offer> offers, Filters filters) {
        Call.Decline.Builder d = Call.Decline.newBuilder().setFilters(filters);
        for (Offer o : offers) {
            forget(o);
            d.addOfferIds(o.getId());
        }
        call(base(Call.Type.DECLINE).setDecline(d).build());
    }

    /**
     * From now on declines every offer as it arrives (an offer the master sent before a SUPPRESS took effect can
     * arrive after it), and declines those already held.
     */
    public void declineAll(Filters filters) {
        synchronized (this) {
            autoDecline = filters;
        }
        declineOutstanding(filters);
    }

    /** Declines every offer currently held. */
    public void declineOutstanding(Filters filters) {
        List<Offer> held = outstandingOffers();
        if (!held.isEmpty()) decline(held, filters);
    }

    public void revive() {
        call(base(Call.Type.REVIVE).build());
    }

    public void suppress() {
        call(base(Call.Type.SUPPRESS).build());
    }

    public void kill(String taskId, AgentID agentId) {
        Call.Kill.Builder k = Call.Kill.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId));
        if (agentId != null) k.setAgentId(agentId);
        call(base(Call.Type.KILL).setKill(k).build());
    }

    public Call acknowledgeCall(TaskStatus s) {
        return base(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
                .setAgentId(s.getAgentId()).setTaskId(s.getTaskId()).setUuid(s.getUuid())).build();
    }

    public void acknowledge(TaskStatus s) {
        call(acknowledgeCall(s));
    }

    /** RECONCILE: explicit for the given tasks (task id → agent id, agent may be null), implicit when empty. */
    public void reconcile(Map<String, AgentID> tasks) {
        Call.Reconcile.Builder r = Call.Reconcile.newBuilder();
        tasks.forEach((id, agent) -> {
            Call.Reconcile.Task.Builder t = Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue(id));
            if (agent != null) t.setAgentId(agent);
            r.addTasks(t);
        });
        call(base(Call.Type.RECONCILE).setReconcile(r).build());
    }

    public void teardown() {
        tornDown = true;
        call(base(Call.Type.TEARDOWN).build());
    }

    // ------------------------------------------------------------------ state

    public FrameworkID frameworkId() {
        return frameworkId;
    }

    public String streamId() {
        return streamId;
    }

    public Encoding encoding() {
        return encoding;
    }

    public void autoAcknowledge(boolean on) {
        autoAck = on;
    }

    public boolean streamEnded() {
        return streamEnded;
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    /** When each event of {@link #events()} arrived (same indexes). */
    public List<Instant> eventTimes() {
        return List.copyOf(eventTimes);
    }

    public int eventCount() {
        return events.size();
    }

    public List<Event> eventsSince(int index) {
        List<Event> all = events();
        return all.subList(Math.min(index, all.size()), all.size());
    }

    public synchronized List<Offer> outstandingOffers() {
        return List.copyOf(outstanding.values());
    }

    public List<Offer> offersReceived() {
        return List.copyOf(offersReceived);
    }

    public List<OfferID> rescinded() {
        return List.copyOf(rescinded);
    }

    public List<String> callFailures() {
        return List.copyOf(callFailures);
    }

    public List<String> acknowledged() {
        return List.copyOf(acknowledged);
    }

    private synchronized void forget(Offer o) {
        outstanding.remove(o.getId().getValue());
    }

    /** Every status update received for a task, in order (reconciliation answers included). */
    public synchronized List<TaskStatus> statuses(String taskId) {
        return List.copyOf(updates.getOrDefault(taskId, List.of()));
    }

    public synchronized Map<String, List<TaskStatus>> allStatuses() {
        Map<String, List<TaskStatus>> copy = new LinkedHashMap<>();
        updates.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return copy;
    }

    public Optional<TaskState> latestState(String taskId) {
        List<TaskStatus> s = statuses(taskId);
        return s.isEmpty() ? Optional.empty() : Optional.of(s.get(s.size() - 1).getState());
    }

    /** Waits for an update of the task in one of the given states; returns it. */
    public TaskStatus awaitState(String taskId, Duration timeout, TaskState... states) {
        List<TaskState> wanted = List.of(states);
        TaskStatus[] hit = new TaskStatus[1];
        await(taskId + " reaches " + wanted).atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
            checkStream();
            for (TaskStatus s : statuses(taskId)) {
                if (wanted.contains(s.getState())) {
                    hit[0] = s;
                    return true;
                }
            }
            return false;
        });
        return hit[0];
    }

    /** Waits for the first event after index {@code since} that matches. */
    public Event awaitEvent(int since, Predicate<Event> match, Duration timeout) {
        return awaitEvent("scheduler event", since, match, timeout);
    }

    /** Same, with a description of what is awaited for the timeout message. */
    public Event awaitEvent(String what, int since, Predicate<Event> match, Duration timeout) {
        Event[] hit = new Event[1];
        await(what).atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
            for (Event e : eventsSince(since)) {
                if (match.test(e)) {
                    hit[0] = e;
                    return true;
                }
            }
            checkStream();
            return false;
        });
        return hit[0];
    }

    public Event awaitEvent(Predicate<Event> match, Duration timeout) {
        return awaitEvent(0, match, timeout);
    }

    /** Takes (removes from the outstanding set) the first outstanding offer that matches, waiting for one. */
    public Offer takeOffer(Predicate<Offer> match, Duration timeout) {
        Offer[] hit = new Offer[1];
        await("an offer").atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
            synchronized (this) {
                for (Offer o : outstanding.values()) {
                    if (match.test(o)) {
                        hit[0] = o;
                        outstanding.remove(o.getId().getValue());
                        return true;
                    }
                }
            }
            checkStream();
            return false;
        });
        return hit[0];
    }

    public Offer takeOffer(Duration timeout) {
        return takeOffer(o -> true, timeout);
    }

    /** Throws if the event stream broke (not if it ended cleanly: tests check that themselves). */
    public void checkStream() {
        if (streamError != null) throw new AssertionError("scheduler event stream failed", streamError);
    }

    public void assertNoCallFailures() {
        if (!callFailures.isEmpty()) throw new AssertionError("calls not accepted with 202: " + callFailures);
    }

    // ------------------------------------------------------------------ plumbing

    private byte[] encode(Call call) {
        return encoding == Encoding.PROTOBUF ? call.toByteArray() : ProtoJson.print(call).getBytes(StandardCharsets.UTF_8);
    }

    private void log(String line) {
        if (eventLog == null) return;
        try {
            Files.writeString(eventLog, Instant.now() + " " + line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the event log is a debugging aid
        }
    }

    /** Closes the event stream (the master then sees the scheduler disconnect) without TEARDOWN. */
    public void disconnect() {
        streamEnded = true;
        InputStream s = stream;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing a broken stream
            }
        }
        Thread t = reader;
        if (t != null) t.interrupt();
        log("disconnected by the test");
    }

    /** Whether {@link #teardown()} was sent. */
    public boolean tornDown() {
        return tornDown;
    }

    @Override
    public void close() {
        disconnect();
        acks.shutdownNow();
        http.shutdownNow();
    }

    /** Convenience for Awaitility-free loops: all task ids with updates. */
    public synchronized List<String> taskIds() {
        return new ArrayList<>(updates.keySet());
    }
}
