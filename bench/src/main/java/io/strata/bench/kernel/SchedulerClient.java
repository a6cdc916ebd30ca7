package io.strata.bench.kernel;

import io.strata.common.json.ProtoJson;
import io.strata.common.recordio.RecordIO;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * A Mesos v1 scheduler over real HTTP, as a third-party framework would be: SUBSCRIBE in JSON, the RecordIO
 * event stream read on a virtual thread (each event stamped with the moment its record was read, before it
 * is parsed or handled), and calls posted with the {@code Mesos-Stream-Id}, at most {@code maxInFlight} at a
 * time, as a scheduler library with a small connection pool would.
 */
final class SchedulerClient implements AutoCloseable {
    static final String JSON = "application/json";

    /** One event and the {@link System#nanoTime()} at which its record came off the wire. */
    record Received(long nanos, Event event) {}

    private static final Received END = new Received(0, Event.getDefaultInstance());

    private final HttpClient http;
    private final URI endpoint;
    private final int maxInFlight;
    private final Semaphore inFlight;
    private final LinkedBlockingQueue<Received> events = new LinkedBlockingQueue<>();
    private final AtomicReference<Throwable> firstCallError = new AtomicReference<>();
    private final AtomicLong calls = new AtomicLong();
    private volatile String streamId;
    private volatile FrameworkID frameworkId;
    private volatile InputStream body;
    private volatile boolean closed;
    private volatile Throwable streamError;
    private Thread reader;

    SchedulerClient(HttpClient http, URI master, int maxInFlight) {
        this.http = http;
        this.endpoint = master.resolve("/api/v1/scheduler");
        this.maxInFlight = maxInFlight;
        this.inFlight = new Semaphore(maxInFlight);
    }

    /** An HTTP/1.1 client (no h2c upgrade attempts) whose callbacks run on virtual threads. */
    static HttpClient newHttpClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    /** SUBSCRIBE and wait for SUBSCRIBED; throws with the master's answer when refused. */
    FrameworkID subscribe(FrameworkInfo info, Duration timeout) throws IOException, InterruptedException {
        Call call = Call.newBuilder().setType(Call.Type.SUBSCRIBE)
                .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info)).build();
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", JSON)
                .header("Accept", JSON)
                .POST(HttpRequest.BodyPublishers.ofString(ProtoJson.print(call)))
                .build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            String text;
            try (InputStream in = response.body()) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            throw new IOException("SUBSCRIBE answered " + response.statusCode() + ": " + text);
        }
        streamId = response.headers().firstValue("Mesos-Stream-Id")
                .orElseThrow(() -> new IOException("SUBSCRIBE answered 200 without a Mesos-Stream-Id header"));
        body = response.body();
        reader = Thread.ofVirtual().name("scheduler-events").start(this::read);
        Received first = next(timeout);
        if (first == null) throw new IOException("no SUBSCRIBED event within " + timeout);
        if (first.event().getType() == Event.Type.ERROR) {
            throw new IOException("SUBSCRIBE refused: " + first.event().getError().getMessage());
        }
        if (first.event().getType() != Event.Type.SUBSCRIBED) {
            throw new IOException("the first event was " + first.event().getType() + ", not SUBSCRIBED");
        }
        frameworkId = first.event().getSubscribed().getFrameworkId();
        return frameworkId;
    }

    private void read() {
        try (InputStream in = new BufferedInputStream(body, 1 << 16)) {
            RecordIO.Reader records = new RecordIO.Reader(in);
            byte[] record;
            while ((record = records.next()) != null) {
                long at = System.nanoTime();
                Event event = ProtoJson.parse(new String(record, StandardCharsets.UTF_8), Event.newBuilder()).build();
                events.add(new Received(at, event));
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) streamError = e;
        } finally {
            events.add(END);
        }
    }

    /**
     * The next event, or null after the timeout.
     *
     * @throws IOException once the event stream has ended
     */
    Received next(Duration timeout) throws InterruptedException, IOException {
        Received r = events.poll(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        if (r == END) {
            events.add(END);
            throw new IOException("the scheduler event stream ended"
                    + (streamError == null ? "" : ": " + streamError));
        }
        return r;
    }

    FrameworkID frameworkId() {
        return frameworkId;
    }

    Call.Builder call(Call.Type type) {
        return Call.newBuilder().setType(type).setFrameworkId(frameworkId);
    }

    /**
     * Posts a call; blocks while {@code maxInFlight} calls are outstanding. The future fails with the master's
     * status and reason unless it answered 202 (or 200). The first failure is also kept for {@link #firstError()}.
     */
    CompletableFuture<Void> send(Call call) throws InterruptedException {
        inFlight.acquire();
        calls.incrementAndGet();
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", JSON)
                .header("Accept", JSON)
                .header("Mesos-Stream-Id", streamId)
                .POST(HttpRequest.BodyPublishers.ofString(ProtoJson.print(call)))
                .build();
        CompletableFuture<Void> done;
        try {
            done = http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenAccept(response -> {
                if (response.statusCode() != 202 && response.statusCode() != 200) {
                    throw new CompletionException(new IOException(call.getType() + " answered "
                            + response.statusCode() + ": " + response.body()));
                }
            });
        } catch (RuntimeException e) {
            inFlight.release();
            throw e;
        }
        return done.whenComplete((ok, error) -> {
            inFlight.release();
            if (error != null) firstCallError.compareAndSet(null, error instanceof CompletionException c && c.getCause() != null ? c.getCause() : error);
        });
    }

    CompletableFuture<Void> accept(List<OfferID> offerIds, List<Offer.Operation> operations, Filters filters)
            throws InterruptedException {
        Call.Accept.Builder accept = Call.Accept.newBuilder().addAllOfferIds(offerIds).addAllOperations(operations);
        if (filters != null) accept.setFilters(filters);
        return send(call(Call.Type.ACCEPT).setAccept(accept).build());
    }

    CompletableFuture<Void> decline(List<OfferID> offerIds, double refuseSeconds) throws InterruptedException {
        return send(call(Call.Type.DECLINE).setDecline(Call.Decline.newBuilder().addAllOfferIds(offerIds)
                .setFilters(Filters.newBuilder().setRefuseSeconds(refuseSeconds))).build());
    }

    /** Acknowledges a status update that carries a uuid; does nothing for those that do not. */
    CompletableFuture<Void> acknowledge(TaskStatus status) throws InterruptedException {
        if (!status.hasUuid()) return CompletableFuture.completedFuture(null);
        return send(call(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
                .setAgentId(status.getAgentId()).setTaskId(status.getTaskId()).setUuid(status.getUuid())).build());
    }

    CompletableFuture<Void> suppress() throws InterruptedException {
        return send(call(Call.Type.SUPPRESS).setSuppress(Call.Suppress.getDefaultInstance()).build());
    }

    void teardown() throws InterruptedException, IOException {
        try {
            send(call(Call.Type.TEARDOWN).build()).join();
        } catch (CompletionException e) {
            throw new IOException("TEARDOWN failed: " + e.getCause(), e.getCause());
        }
    }

    /** Waits until every call posted so far has been answered. */
    boolean awaitCalls(Duration timeout) throws InterruptedException {
        if (!inFlight.tryAcquire(maxInFlight, timeout.toMillis(), TimeUnit.MILLISECONDS)) return false;
        inFlight.release(maxInFlight);
        return true;
    }

    /** The first call the master did not answer with 202, or null. */
    Throwable firstError() {
        return firstCallError.get();
    }

    long callsSent() {
        return calls.get();
    }

    @Override
    public void close() {
        closed = true;
        InputStream in = body;
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        if (reader != null) reader.interrupt();
    }
}
