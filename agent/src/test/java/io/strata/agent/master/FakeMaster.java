package io.strata.agent.master;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.strata.common.protocol.AgentMessage;
import io.strata.common.recordio.RecordIO;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.awaitility.Awaitility;

/**
 * A master that speaks only the agent stream of docs/PROTOCOL.md, on 127.0.0.1 and a free port, for tests:
 * it accepts SUBSCRIBE (keeping the agent's id or handing out a new one), records every UPDATE and PONG,
 * and lets the test push records (LAUNCH, KILL, ACKNOWLEDGE, ...) onto the open stream.
 */
public final class FakeMaster implements AutoCloseable {
    private final HttpServer server;
    private final List<AgentMessage> subscriptions = new CopyOnWriteArrayList<>();
    private final List<AgentMessage> updates = new CopyOnWriteArrayList<>();
    private final AtomicInteger pongs = new AtomicInteger();
    private final AtomicInteger nextAgent = new AtomicInteger();
    private final String runId = UUID.randomUUID().toString();
    private volatile Stream current;
    private volatile String refuseWith;

    private static final class Stream {
        volatile String id = UUID.randomUUID().toString();
        final OutputStream out;
        final AgentMessage.Codec codec;
        final CountDownLatch closed = new CountDownLatch(1);

        Stream(OutputStream out, AgentMessage.Codec codec) {
            this.out = out;
            this.codec = codec;
        }
    }

    public FakeMaster() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext(AgentMessage.PATH, this::handle);
        server.start();
    }

    public String hostPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next SUBSCRIBE is answered with this ERROR record (null: accept). */
    public void refuseWith(String message) {
        this.refuseWith = message;
    }

    private void handle(HttpExchange ex) throws IOException {
        List<AgentMessage> messages;
        String contentType = ex.getRequestHeaders().getFirst("Content-Type");
        try {
            byte[] body = ex.getRequestBody().readAllBytes();
            messages = AgentMessage.parseCall(body, contentType,
                    ex.getRequestHeaders().getFirst(AgentMessage.MESSAGE_CONTENT_TYPE_HEADER));
        } catch (RuntimeException e) {
            reply(ex, 400, e.getMessage());
            return;
        }
        if (messages.size() == 1 && messages.get(0).type() == AgentMessage.Type.SUBSCRIBE) {
            subscribe(ex, messages.get(0));
            return;
        }
        for (AgentMessage m : messages) {
            if (m.type() != AgentMessage.Type.UPDATE && m.type() != AgentMessage.Type.PONG) {
                reply(ex, 400, "unexpected " + m.type());
                return;
            }
        }
        Stream s = current;
        String id = ex.getRequestHeaders().getFirst(AgentMessage.STREAM_ID_HEADER);
        if (s == null || !s.id.equals(id)) {
            reply(ex, 403, "stale stream");
            return;
        }
        for (AgentMessage m : messages) {
            if (m.type() == AgentMessage.Type.UPDATE) updates.add(m);
            else pongs.incrementAndGet();
        }
        reply(ex, 202, "");
    }

    private void subscribe(HttpExchange ex, AgentMessage m) throws IOException {
        subscriptions.add(m);
        AgentMessage.Codec codec = AgentMessage.Codec.forMediaType(ex.getRequestHeaders().getFirst("Accept"));
        ex.getResponseHeaders().add("Content-Type", codec.mediaType());
        Stream s = new Stream(ex.getResponseBody(), codec);
        ex.getResponseHeaders().add(AgentMessage.STREAM_ID_HEADER, s.id);
        ex.sendResponseHeaders(200, 0);
        String refusal = refuseWith;
        if (refusal != null) {
            refuseWith = null;
            write(s, AgentMessage.error(refusal));
            ex.close();
            return;
        }
        Stream old = current;
        current = s;
        if (old != null) old.closed.countDown();
        String id = m.agentInfo() != null && m.agentInfo().hasId() ? m.agentInfo().getId().getValue()
                : runId + "-S" + nextAgent.getAndIncrement();
        write(s, AgentMessage.subscribed(AgentID.newBuilder().setValue(id).build(), 15.0));
        try {
            s.closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ex.close();
    }

    private static synchronized void write(Stream s, AgentMessage m) throws IOException {
        RecordIO.write(s.out, s.codec.encode(m));
        s.out.flush();
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) ex.getResponseBody().write(b);
        ex.close();
    }

    /** Pushes a record onto the open stream. */
    public void send(AgentMessage m) {
        Stream s = current;
        if (s == null) throw new IllegalStateException("no agent subscribed");
        try {
            write(s, m);
        } catch (IOException e) {
            throw new IllegalStateException("stream broken", e);
        }
    }

    /** Keeps the stream open but answers the agent's calls with 403, as a master that lost track of it. */
    public void forgetStreamId() {
        Stream s = current;
        if (s != null) s.id = UUID.randomUUID().toString();
    }

    /** Ends the current stream (the agent should subscribe again). */
    public void dropStream() {
        Stream s = current;
        current = null;
        if (s != null) s.closed.countDown();
    }

    public List<AgentMessage> subscriptions() {
        return List.copyOf(subscriptions);
    }

    public int pongs() {
        return pongs.get();
    }

    public List<TaskStatus> updates(String taskId) {
        List<TaskStatus> out = new ArrayList<>();
        for (AgentMessage u : updates) if (u.status().getTaskId().getValue().equals(taskId)) out.add(u.status());
        return out;
    }

    public List<AgentMessage> allUpdates() {
        return List.copyOf(updates);
    }

    /** Waits for an update of the task in the given state and returns it. */
    public TaskStatus await(String taskId, TaskState state, Duration max) {
        return awaitUpdate(s -> s.getTaskId().getValue().equals(taskId) && s.getState() == state, max);
    }

    public TaskStatus awaitUpdate(Predicate<TaskStatus> p, Duration max) {
        TaskStatus[] found = new TaskStatus[1];
        Awaitility.await().atMost(max).pollInterval(Duration.ofMillis(20)).until(() -> {
            for (AgentMessage u : updates) {
                if (p.test(u.status())) {
                    found[0] = u.status();
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** Acknowledges an update, as the master relays a framework's acknowledgement. */
    public void ack(FrameworkID framework, TaskStatus status) {
        send(AgentMessage.acknowledge(framework, status.getTaskId(), status.getUuid()));
    }

    @Override
    public void close() {
        dropStream();
        server.stop(0);
    }
}
