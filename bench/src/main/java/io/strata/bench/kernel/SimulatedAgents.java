package io.strata.bench.kernel;

import com.google.protobuf.ByteString;
import io.strata.common.protocol.AgentMessage;
import io.strata.common.recordio.RecordIO;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;

/**
 * Many agents that run nothing but speak the real agent protocol (docs/PROTOCOL.md) over HTTP: each holds a
 * SUBSCRIBE stream read on its own virtual thread, answers PING with PONG, reports every LAUNCHed task
 * TASK_RUNNING (and every KILLed one TASK_KILLED) with a fresh 16-byte uuid, and ignores the ACKNOWLEDGEs.
 * Streams are spread over several HttpClients (one selector thread each); UPDATE and PONG posts go through
 * a few other clients, at most {@code maxPosts} UPDATEs and {@code maxPongs} PONGs at a time, so the connections
 * stay bounded (each end of a connection is a file descriptor, and both processes must stay under 20,000).
 * PONGs have their own allowance: a real agent answers a PING on its own connection whatever other agents are
 * doing, so a PONG must never wait behind other agents' UPDATEs here.
 */
final class SimulatedAgents implements AutoCloseable {
    private final URI endpoint;
    private final HttpClient[] streamClients;
    private final HttpClient[] postClients;
    private final Semaphore posts;
    private final Semaphore pongs;
    private final List<Sim> agents = new ArrayList<>();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    final AtomicLong subscribeFailures = new AtomicLong();
    final AtomicLong launches = new AtomicLong();
    final AtomicLong kills = new AtomicLong();
    final AtomicLong pings = new AtomicLong();
    final AtomicLong acknowledgements = new AtomicLong();
    final AtomicLong postFailures = new AtomicLong();
    final AtomicLong postRetries = new AtomicLong();
    final AtomicLong subscribeRetries = new AtomicLong();
    static final int SUBSCRIBE_ATTEMPTS = 5;
    static final int POST_ATTEMPTS = 3;
    final AtomicLong streamsEnded = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param count         agents, each with {@code cpus} and {@code memMb} and a distinct made-up address
     * @param ports         whether each also offers ports [31000-32000], as real agents do
     * @param streamClients HttpClients that carry the streams
     * @param maxPosts      UPDATE posts outstanding at once
     * @param maxPongs      PONG posts outstanding at once
     */
    SimulatedAgents(URI master, int count, double cpus, double memMb, boolean ports, int streamClients, int maxPosts,
                    int maxPongs) {
        this.endpoint = master.resolve(AgentMessage.PATH);
        this.streamClients = new HttpClient[streamClients];
        for (int i = 0; i < streamClients; i++) this.streamClients[i] = SchedulerClient.newHttpClient();
        this.postClients = new HttpClient[Math.max(1, Math.min(8, maxPosts / 8))];
        for (int i = 0; i < postClients.length; i++) this.postClients[i] = SchedulerClient.newHttpClient();
        this.posts = new Semaphore(maxPosts);
        this.pongs = new Semaphore(maxPongs);
        for (int i = 0; i < count; i++) agents.add(new Sim(i, agentInfo(i, cpus, memMb, ports)));
    }

    /** Agent i: address 10.x.y.z, the given cpus and mem, 10 GB disk, and (unless told not to) ports [31000-32000]. */
    private static AgentInfo agentInfo(int i, double cpus, double memMb, boolean ports) {
        String ip = "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
        AgentInfo.Builder b = AgentInfo.newBuilder()
                .setHostname(ip)
                .setPort(5051)
                .addResources(scalar("cpus", cpus))
                .addResources(scalar("mem", memMb))
                .addResources(scalar("disk", 10_000));
        if (ports) {
            b.addResources(Resource.newBuilder().setName("ports").setType(Value.Type.RANGES)
                    .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(31000).setEnd(32000))));
        }
        return b.build();
    }

    private static Resource scalar(String name, double value) {
        return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
                .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
    }

    int size() {
        return agents.size();
    }

    /**
     * Subscribes every agent, {@code concurrency} SUBSCRIBEs outstanding at a time, and returns once each has
     * read its SUBSCRIBED record. Throws on the first refusal or after the timeout.
     */
    void subscribeAll(int concurrency, Duration timeout) throws InterruptedException {
        Semaphore pending = new Semaphore(concurrency);
        CountDownLatch subscribed = new CountDownLatch(agents.size());
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Sim sim : agents) {
            while (!pending.tryAcquire(100, TimeUnit.MILLISECONDS)) check(deadline, subscribed);
            check(deadline, subscribed);
            Thread.ofVirtual().name("sim-agent-" + sim.index).start(() -> sim.run(pending, subscribed));
        }
        while (!subscribed.await(100, TimeUnit.MILLISECONDS)) check(deadline, subscribed);
    }

    private void check(long deadline, CountDownLatch subscribed) {
        if (subscribeFailures.get() > 0) throw new IllegalStateException("an agent could not subscribe: " + firstError.get());
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("timed out with " + (agents.size() - subscribed.getCount()) + " of "
                    + agents.size() + " agents subscribed" + (firstError.get() == null ? "" : "; first error: " + firstError.get()));
        }
    }

    /** The first error any agent met (refused SUBSCRIBE, failed post, ERROR record), or null. */
    String firstError() {
        return firstError.get();
    }

    private void error(String message) {
        firstError.compareAndSet(null, message);
    }

    private final class Sim {
        final int index;
        final AgentInfo info;
        volatile AgentID agentId;
        volatile String streamId;
        volatile InputStream body;

        Sim(int index, AgentInfo info) {
            this.index = index;
            this.info = info;
        }

        void run(Semaphore pending, CountDownLatch subscribed) {
            boolean released = false;
            try {
                HttpResponse<InputStream> response = null;
                // A connection the master drops before answering (its listen backlog overflows when many
                // agents connect at once) is retried with a little backoff, as a real agent re-subscribes.
                for (int attempt = 1; response == null; attempt++) {
                    HttpRequest request = HttpRequest.newBuilder(endpoint)
                            .timeout(Duration.ofSeconds(120))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(AgentMessage.subscribe(info, List.of(), List.of()).toJsonBytes()))
                            .build();
                    try {
                        response = streamClients[index % streamClients.length].send(request, HttpResponse.BodyHandlers.ofInputStream());
                    } catch (IOException e) {
                        if (attempt >= SUBSCRIBE_ATTEMPTS || closed) throw e;
                        subscribeRetries.incrementAndGet();
                        Thread.sleep(100L * attempt);
                    }
                }
                body = response.body();
                if (response.statusCode() != 200) {
                    throw new IOException("SUBSCRIBE answered " + response.statusCode() + ": "
                            + new String(body.readAllBytes(), StandardCharsets.UTF_8));
                }
                streamId = response.headers().firstValue(AgentMessage.STREAM_ID_HEADER)
                        .orElseThrow(() -> new IOException("SUBSCRIBE answered 200 without " + AgentMessage.STREAM_ID_HEADER));
                RecordIO.Reader records = new RecordIO.Reader(new BufferedInputStream(body, 4096));
                byte[] record;
                while ((record = records.next()) != null) {
                    AgentMessage m = AgentMessage.fromJson(record);
                    if (m.type() == AgentMessage.Type.SUBSCRIBED && agentId == null) {
                        agentId = m.agentId();
                        pending.release();
                        released = true;
                        subscribed.countDown();
                    } else {
                        handle(m);
                    }
                }
                if (!closed && agentId == null) throw new IOException("the stream ended before SUBSCRIBED");
                if (!closed) error("agent " + index + ": the master ended its stream");
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    if (agentId == null) subscribeFailures.incrementAndGet();
                    error("agent " + index + ": " + e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                if (!released) pending.release();
                if (agentId != null) streamsEnded.incrementAndGet();
            }
        }

        private void handle(AgentMessage m) throws InterruptedException {
            switch (m.type()) {
                case PING -> {
                    pings.incrementAndGet();
                    post(AgentMessage.pong(agentId));
                }
                case LAUNCH -> {
                    launches.incrementAndGet();
                    report(m.frameworkInfo().getId(), m.task().getTaskId(), TaskState.TASK_RUNNING);
                }
                case LAUNCH_GROUP -> {
                    for (TaskInfo t : m.taskGroup().getTasksList()) {
                        launches.incrementAndGet();
                        report(m.frameworkInfo().getId(), t.getTaskId(), TaskState.TASK_RUNNING);
                    }
                }
                case KILL -> {
                    kills.incrementAndGet();
                    report(m.frameworkId(), m.taskId(), TaskState.TASK_KILLED);
                }
                case ACKNOWLEDGE -> acknowledgements.incrementAndGet();
                case SHUTDOWN_FRAMEWORK -> { } // the master already counts those tasks killed
                case ERROR -> error("agent " + index + " got ERROR: " + m.message());
                default -> error("agent " + index + " got an unexpected " + m.type());
            }
        }

        private void report(FrameworkID frameworkId, TaskID taskId, TaskState state) throws InterruptedException {
            TaskStatus status = TaskStatus.newBuilder()
                    .setTaskId(taskId)
                    .setState(state)
                    .setSource(TaskStatus.Source.SOURCE_EXECUTOR)
                    .setAgentId(agentId)
                    .setExecutorId(ExecutorID.newBuilder().setValue(taskId.getValue()))
                    .setTimestamp(System.currentTimeMillis() / 1000.0)
                    .setUuid(uuid())
                    .build();
            post(AgentMessage.update(agentId, frameworkId, status));
        }

        private void post(AgentMessage m) throws InterruptedException {
            post(m, m.toJsonBytes(), 1);
        }

        /**
         * Posts a call. A connection that fails (say the peer closed a pooled keep-alive connection) is retried,
         * up to {@link #POST_ATTEMPTS} times, as a real agent retries its status updates; an answer other than
         * 202 is an error of the run.
         */
        private void post(AgentMessage m, byte[] body, int attempt) throws InterruptedException {
            Semaphore permits = m.type() == AgentMessage.Type.PONG ? pongs : posts;
            permits.acquire();
            HttpRequest request = HttpRequest.newBuilder(endpoint)
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .header(AgentMessage.STREAM_ID_HEADER, streamId)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            postClients[index % postClients.length].sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, e) -> {
                        permits.release();
                        if (e == null && response.statusCode() == 202) return;
                        if (closed) return;
                        if (e != null && attempt < POST_ATTEMPTS) {
                            postRetries.incrementAndGet();
                            Thread.ofVirtual().start(() -> {
                                try {
                                    post(m, body, attempt + 1);
                                } catch (InterruptedException ie) {
                                    Thread.currentThread().interrupt();
                                }
                            });
                            return;
                        }
                        postFailures.incrementAndGet();
                        error("agent " + index + ": " + m.type() + " post failed"
                                + (e != null ? " " + attempt + " times, last with " + e : ": " + response.statusCode() + " " + response.body()));
                    });
        }
    }

    private static ByteString uuid() {
        UUID u = UUID.randomUUID();
        ByteBuffer b = ByteBuffer.allocate(16);
        b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        return ByteString.copyFrom(b.array());
    }

    @Override
    public void close() {
        closed = true;
        for (Sim sim : agents) {
            InputStream in = sim.body;
            if (in != null) {
                try {
                    in.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
        for (HttpClient c : streamClients) c.shutdownNow();
        for (HttpClient c : postClients) c.shutdownNow();
    }
}
