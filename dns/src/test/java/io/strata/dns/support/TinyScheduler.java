package io.strata.dns.support;

import io.strata.common.json.ProtoJson;
import io.strata.common.recordio.RecordIO;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * The smallest Mesos v1 HTTP scheduler that can run a task, written against the public contract only: SUBSCRIBE
 * (a RecordIO stream of JSON events read on a virtual thread), ACCEPT with LAUNCH, KILL, and ACKNOWLEDGE of every
 * status update that carries a uuid. Times when each status arrived are kept for latency measurements.
 */
public final class TinyScheduler implements AutoCloseable {
    public record Update(TaskStatus status, long receivedNanos) {}

    private final URI endpoint;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Offer> offers = new CopyOnWriteArrayList<>();
    private final List<Update> updates = new CopyOnWriteArrayList<>();
    private volatile FrameworkID frameworkId;
    private volatile String streamId;
    private volatile InputStream stream;

    public TinyScheduler(String masterHostPort) {
        this.endpoint = URI.create("http://" + masterHostPort + "/api/v1/scheduler");
    }

    public void subscribe(String name) throws IOException, InterruptedException {
        FrameworkInfo info = FrameworkInfo.newBuilder().setUser("root").setName(name).setHostname("127.0.0.1").build();
        Call call = Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info)).build();
        HttpResponse<InputStream> resp = http.send(HttpRequest.newBuilder(endpoint).header("Content-Type", "application/json")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(ProtoJson.print(call))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (resp.statusCode() != 200) throw new IOException("SUBSCRIBE answered " + resp.statusCode());
        streamId = resp.headers().firstValue("Mesos-Stream-Id").orElseThrow();
        stream = resp.body();
        Thread.ofVirtual().name("tiny-scheduler").start(this::read);
    }

    private void read() {
        RecordIO.Reader reader = new RecordIO.Reader(stream);
        try {
            byte[] record;
            while ((record = reader.next()) != null) {
                long now = System.nanoTime();
                Event e = ProtoJson.parse(new String(record, StandardCharsets.UTF_8), Event.newBuilder()).buildPartial();
                switch (e.getType()) {
                    case SUBSCRIBED -> frameworkId = e.getSubscribed().getFrameworkId();
                    case OFFERS -> offers.addAll(e.getOffers().getOffersList());
                    case UPDATE -> {
                        TaskStatus s = e.getUpdate().getStatus();
                        updates.add(new Update(s, now));
                        if (s.hasUuid()) {
                            try {
                                send(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
                                        .setAgentId(s.getAgentId()).setTaskId(s.getTaskId()).setUuid(s.getUuid())));
                            } catch (IOException ackFailed) {
                                // the agent resends; the next one is acknowledged
                            }
                        }
                    }
                    default -> { }
                }
            }
        } catch (IOException | RuntimeException e) {
            // stream closed
        }
    }

    public boolean subscribed() {
        return frameworkId != null;
    }

    public FrameworkID frameworkId() {
        return frameworkId;
    }

    public List<Offer> offers() {
        return offers;
    }

    /** The first update for the task in that state, if one arrived. */
    public Update update(String taskId, TaskState state) {
        for (Update u : updates) {
            if (u.status().getTaskId().getValue().equals(taskId) && u.status().getState() == state) return u;
        }
        return null;
    }

    public boolean has(Predicate<TaskStatus> p) {
        return updates.stream().anyMatch(u -> p.test(u.status()));
    }

    /** Launches the tasks on one offer (and declines what is left of it). */
    public void launch(Offer offer, TaskInfo... tasks) throws IOException, InterruptedException {
        offers.remove(offer);
        Call.Accept.Builder accept = Call.Accept.newBuilder().addOfferIds(offer.getId());
        org.apache.mesos.v1.Protos.Offer.Operation.Launch.Builder launch = org.apache.mesos.v1.Protos.Offer.Operation.Launch.newBuilder();
        for (TaskInfo t : tasks) launch.addTaskInfos(t);
        accept.addOperations(org.apache.mesos.v1.Protos.Offer.Operation.newBuilder()
                .setType(org.apache.mesos.v1.Protos.Offer.Operation.Type.LAUNCH).setLaunch(launch));
        send(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(accept));
    }

    public void kill(String taskId, AgentID agent) throws IOException, InterruptedException {
        send(Call.newBuilder().setType(Call.Type.KILL).setKill(Call.Kill.newBuilder()
                .setTaskId(TaskID.newBuilder().setValue(taskId)).setAgentId(agent)));
    }

    private void send(Call.Builder call) throws IOException {
        call.setFrameworkId(frameworkId);
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").header("Mesos-Stream-Id", streamId)
                    .POST(HttpRequest.BodyPublishers.ofString(ProtoJson.print(call.build()))).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 202) throw new IOException(call.getType() + " answered " + r.statusCode() + ": " + r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        if (frameworkId != null) {
            try {
                send(Call.newBuilder().setType(Call.Type.TEARDOWN));
            } catch (IOException e) {
                // the master may be gone already
            }
        }
        InputStream s = stream;
        if (s != null) s.close();
    }
}
