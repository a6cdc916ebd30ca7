package io.strata.agent.master;

import io.strata.common.detector.MasterDetector;
import io.strata.common.protocol.AgentMessage;
import io.strata.common.recordio.RecordIO;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.mesos.v1.Protos.AgentID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's end of the master stream (docs/PROTOCOL.md): finds the leading master, opens
 * {@code POST /strata/v1/agent} with SUBSCRIBE, reads the RecordIO records it answers with and hands them to
 * the {@link Handler}; posts the agent's calls (UPDATE, PONG) with the stream id. When the stream breaks, the
 * leader changes, the master stops pinging or a call is refused with 403, it subscribes again after a bounded
 * backoff (100 ms doubling to 2 s).
 *
 * <p>Three virtual threads: the connection loop, a sender that posts calls in order, and a watchdog that polls
 * the detector every second.
 */
public final class AgentStream implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentStream.class);
    static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
    /** Pings the agent may miss before it treats the master as gone (Mesos' max_agent_ping_timeouts). */
    static final int MAX_MISSED_PINGS = 5;
    /** Calls to the master posted at once (each its own HTTP/1.1 exchange). */
    static final int MAX_CALLS_IN_FLIGHT = 16;
    /** Most messages one call carries (a RecordIO batch when more than one is queued). */
    static final int MAX_BATCH = 128;
    /** The encoding the agent speaks: protobuf, with JSON still understood from a master that answers in JSON. */
    private static final AgentMessage.Codec CODEC = AgentMessage.Codec.PROTOBUF;

    /** What the agent does with the stream. Called on the connection thread, one record at a time. */
    public interface Handler {
        /** The SUBSCRIBE message, built fresh for every attempt (agent id, tasks, frameworks as they are now). */
        AgentMessage subscribeMessage();

        void onSubscribed(AgentID agentId, String masterHostPort);

        /** LAUNCH, LAUNCH_GROUP, KILL, ACKNOWLEDGE, SHUTDOWN_FRAMEWORK. */
        void onMessage(AgentMessage message);

        void onDisconnected();
    }

    private record Outgoing(AgentMessage message, long epoch) {}

    private final java.util.concurrent.Callable<MasterDetector> detectorFactory;
    private volatile MasterDetector detector;
    private final Handler handler;
    private final HttpClient client;
    private final LinkedBlockingQueue<Outgoing> outbox = new LinkedBlockingQueue<>();
    private final AtomicLong epoch = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final Object lock = new Object();
    private final java.util.concurrent.Semaphore callSlots = new java.util.concurrent.Semaphore(MAX_CALLS_IN_FLIGHT);

    private volatile boolean running;
    private volatile boolean subscribed;
    private volatile String leader;
    private volatile String streamId;
    private volatile AgentID agentId;
    private volatile InputStream body;
    private volatile long lastRecordNanos;
    private volatile double pingIntervalSeconds = 15;
    private volatile String lastError;
    private Thread connectionThread;
    private Thread senderThread;
    private Thread watchdogThread;

    /**
     * @param detectorFactory makes the detector; called (again) from the connection loop until it succeeds, so
     *                        an agent starts even while ZooKeeper is not reachable yet
     */
    public AgentStream(java.util.concurrent.Callable<MasterDetector> detectorFactory, Handler handler) {
        this.detectorFactory = detectorFactory;
        this.handler = handler;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    public void start() {
        running = true;
        connectionThread = Thread.ofVirtual().name("agent-stream").start(this::connectLoop);
        senderThread = Thread.ofVirtual().name("agent-stream-sender").start(this::sendLoop);
        watchdogThread = Thread.ofVirtual().name("agent-stream-watchdog").start(this::watchLoop);
    }

    public boolean subscribed() {
        return subscribed;
    }

    /** The leading master's host:port this stream is connected (or connecting) to. */
    public Optional<String> leader() {
        return Optional.ofNullable(leader);
    }

    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    /**
     * Queues a call for the current stream. Returns false (and drops it) when not subscribed; status updates
     * are resent by their manager after the next subscription, PONGs do not matter.
     */
    public boolean send(AgentMessage message) {
        if (!subscribed) return false;
        return outbox.offer(new Outgoing(message, epoch.get()));
    }

    /** Waits (bounded) until every queued call has been posted; used before a graceful stop. */
    public void flush(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while ((!outbox.isEmpty() || inFlight.get() > 0) && subscribed && System.nanoTime() < deadline) {
            if (!pause(20)) return;
        }
    }

    /** Drops the current stream; the connection loop subscribes again. */
    public void reconnect(String why) {
        InputStream b = body;
        if (b != null) {
            LOG.info("msg=\"reconnecting to the master\" reason=\"{}\"", why);
            try {
                b.close();
            } catch (IOException ignored) {
                // closing a cancelled body
            }
        }
    }

    // ---- connection ----

    private void connectLoop() {
        long backoffMs = MIN_BACKOFF.toMillis();
        while (running) {
            Optional<String> found;
            try {
                if (detector == null) detector = detectorFactory.call();
                found = detector.leader();
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (!running) return;
                lastError = "cannot find the leading master: " + e.getMessage();
                LOG.warn("msg=\"cannot find the leading master\" error=\"{}\"", e.toString());
                found = Optional.empty();
            }
            if (found.isEmpty()) {
                lastError = "no leading master found";
                if (!pause(backoffMs)) return;
                backoffMs = Math.min(MAX_BACKOFF.toMillis(), backoffMs * 2);
                continue;
            }
            leader = found.get();
            boolean gotSubscribed = false;
            try {
                gotSubscribed = runStream(found.get());
            } catch (IOException e) {
                if (running) {
                    lastError = e.toString();
                    LOG.info("msg=\"master stream ended\" master={} error=\"{}\"", found.get(), e.toString());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                lastError = e.toString();
                LOG.warn("msg=\"master stream failed\" master={}", found.get(), e);
            } finally {
                boolean was = subscribed;
                subscribed = false;
                epoch.incrementAndGet();
                body = null;
                streamId = null;
                if (was && running) {
                    try {
                        handler.onDisconnected();
                    } catch (RuntimeException e) {
                        LOG.warn("msg=\"disconnect handler failed\"", e);
                    }
                }
            }
            if (!running) return;
            backoffMs = gotSubscribed ? MIN_BACKOFF.toMillis() : Math.min(MAX_BACKOFF.toMillis(), backoffMs * 2);
            if (!pause(backoffMs)) return;
        }
    }

    /** One stream: subscribe and read records until it ends. True if it got as far as SUBSCRIBED. */
    private boolean runStream(String hostPort) throws IOException, InterruptedException {
        byte[] subscribe = CODEC.encode(handler.subscribeMessage());
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + hostPort + AgentMessage.PATH))
                .timeout(Duration.ofSeconds(30)) // until the response headers arrive
                .header("Content-Type", CODEC.mediaType())
                .header("Accept", CODEC.mediaType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(subscribe))
                .build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        InputStream in = response.body();
        synchronized (lock) {
            body = in;
            if (!running) {
                in.close();
                return false;
            }
        }
        try (in) {
            if (response.statusCode() != 200) {
                String text = new String(in.readNBytes(2048), java.nio.charset.StandardCharsets.UTF_8).trim();
                lastError = "master answered " + response.statusCode() + ": " + text;
                LOG.warn("msg=\"master refused subscription\" master={} status={} body=\"{}\"", hostPort, response.statusCode(), text);
                return false;
            }
            streamId = response.headers().firstValue(AgentMessage.STREAM_ID_HEADER).orElse(null);
            // The records are in the encoding the master answered with (JSON from a master that ignores Accept).
            AgentMessage.Codec codec = AgentMessage.Codec.forMediaType(response.headers().firstValue("Content-Type").orElse(null));
            lastRecordNanos = System.nanoTime();
            RecordIO.Reader reader = new RecordIO.Reader(new java.io.BufferedInputStream(in, 64 * 1024));
            boolean gotSubscribed = false;
            byte[] record;
            while (running && (record = reader.next()) != null) {
                lastRecordNanos = System.nanoTime();
                AgentMessage message;
                try {
                    message = codec.decode(record);
                } catch (IllegalArgumentException e) {
                    LOG.warn("msg=\"ignoring malformed record from the master\" error=\"{}\"", e.getMessage());
                    continue;
                }
                switch (message.type()) {
                    case SUBSCRIBED -> {
                        gotSubscribed = true;
                        agentId = message.agentId();
                        if (message.pingIntervalSeconds() != null && message.pingIntervalSeconds() > 0) {
                            pingIntervalSeconds = message.pingIntervalSeconds();
                        }
                        lastError = null;
                        subscribed = true;
                        LOG.info("msg=\"subscribed to master\" master={} agent={} stream={}", hostPort,
                                agentId == null ? "?" : agentId.getValue(), streamId);
                        handler.onSubscribed(agentId, hostPort);
                    }
                    case PING -> {
                        if (agentId != null) send(AgentMessage.pong(agentId));
                    }
                    case ERROR -> {
                        lastError = message.message();
                        LOG.error("msg=\"master refused this agent\" master={} reason=\"{}\"", hostPort, message.message());
                        return gotSubscribed;
                    }
                    case LAUNCH, LAUNCH_GROUP, KILL, ACKNOWLEDGE, SHUTDOWN_FRAMEWORK -> {
                        if (!gotSubscribed) {
                            LOG.warn("msg=\"ignoring {} before SUBSCRIBED\"", message.type());
                            continue;
                        }
                        try {
                            handler.onMessage(message);
                        } catch (RuntimeException e) {
                            LOG.error("msg=\"failed to handle master message\" type={}", message.type(), e);
                        }
                    }
                    default -> LOG.warn("msg=\"ignoring unexpected record from the master\" type={}", message.type());
                }
            }
            return gotSubscribed;
        }
    }

    // ---- calls ----

    /**
     * Posts queued calls, up to {@link #MAX_CALLS_IN_FLIGHT} at once: a burst of launches produces hundreds of
     * updates, and one call at a time would make each wait for every earlier round trip. What queued while
     * every slot was busy goes out together, as one batched call (up to {@link #MAX_BATCH} messages, applied by
     * the master in order in one step). Order between calls does not matter: a task has at most one update in
     * flight (the next goes after the acknowledgement).
     */
    private void sendLoop() {
        while (running) {
            java.util.List<Outgoing> batch = new java.util.ArrayList<>();
            try {
                Outgoing first = outbox.poll(1, TimeUnit.SECONDS);
                if (first == null) continue;
                callSlots.acquire();
                batch.add(first);
                outbox.drainTo(batch, MAX_BATCH - 1);
            } catch (InterruptedException e) {
                return;
            }
            inFlight.incrementAndGet();
            try {
                Thread.ofVirtual().name("agent-stream-call").start(() -> {
                    try {
                        post(batch);
                    } finally {
                        inFlight.decrementAndGet();
                        callSlots.release();
                    }
                });
            } catch (RuntimeException | OutOfMemoryError e) {
                inFlight.decrementAndGet();
                callSlots.release();
                throw e;
            }
        }
    }

    private void post(java.util.List<Outgoing> batch) {
        long current = epoch.get();
        java.util.List<AgentMessage> messages = new java.util.ArrayList<>(batch.size());
        for (Outgoing o : batch) {
            if (o.epoch() == current) messages.add(o.message()); // others were for a stream that is gone
        }
        if (messages.isEmpty() || !subscribed) return;
        String host = leader;
        String id = streamId;
        if (host == null) return;
        String what = messages.size() == 1 ? messages.get(0).type().name() : messages.size() + " messages";
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + host + AgentMessage.PATH))
                    .timeout(Duration.ofSeconds(10));
            if (messages.size() == 1) {
                b.header("Content-Type", CODEC.mediaType())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(CODEC.encode(messages.get(0))));
            } else {
                b.header("Content-Type", AgentMessage.RECORDIO_MEDIA_TYPE)
                        .header(AgentMessage.MESSAGE_CONTENT_TYPE_HEADER, CODEC.mediaType())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(AgentMessage.frameAll(messages, CODEC)));
            }
            if (id != null) b.header(AgentMessage.STREAM_ID_HEADER, id);
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 403) {
                reconnect("master does not know this stream (403)");
            } else if (r.statusCode() / 100 != 2) {
                LOG.warn("msg=\"master rejected a call\" type={} status={} body=\"{}\"", what, r.statusCode(),
                        r.body().length() > 200 ? r.body().substring(0, 200) : r.body());
            }
        } catch (IOException e) {
            LOG.debug("msg=\"call to master failed\" type={} error=\"{}\"", what, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- leader changes and silent masters ----

    private void watchLoop() {
        while (running) {
            if (!pause(1000)) return;
            String current = leader;
            if (current == null || body == null || detector == null) continue;
            Optional<String> now;
            try {
                now = detector.leader();
            } catch (RuntimeException e) {
                now = Optional.empty();
            }
            if (now.isPresent() && !now.get().equals(current)) {
                reconnect("leading master changed from " + current + " to " + now.get());
                continue;
            }
            long silentNanos = System.nanoTime() - lastRecordNanos;
            if (subscribed && silentNanos > (long) (pingIntervalSeconds * MAX_MISSED_PINGS * 1e9)) {
                reconnect("no ping from the master for " + silentNanos / 1_000_000_000L + " s");
            }
        }
    }

    private boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return running;
        } catch (InterruptedException e) {
            return false;
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            running = false;
        }
        reconnect("agent stopping");
        for (Thread t : new Thread[] {connectionThread, senderThread, watchdogThread}) {
            if (t != null) t.interrupt();
        }
        for (Thread t : new Thread[] {connectionThread, senderThread, watchdogThread}) {
            if (t == null) continue;
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        // shutdownNow, not close(): close() waits for every exchange to finish, and a SUBSCRIBE whose response
        // arrived just as the connection thread was interrupted leaves a stream nobody reads or closes.
        client.shutdownNow();
        try {
            client.awaitTermination(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        MasterDetector d = detector;
        if (d != null) d.close();
    }
}
