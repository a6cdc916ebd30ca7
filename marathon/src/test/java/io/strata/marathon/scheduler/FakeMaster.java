package io.strata.marathon.scheduler;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.strata.common.recordio.RecordIO;
import java.io.OutputStream;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * A scripted Mesos master for scheduler tests: speaks the v1 scheduler API in protobuf, offers one agent's worth of
 * resources after SUBSCRIBE and on every REVIVE, reports launched tasks RUNNING and killed ones KILLED.
 */
final class FakeMaster implements AutoCloseable {
    final List<Call> calls = new CopyOnWriteArrayList<>();
    final List<TaskInfo> launched = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final AtomicInteger offers = new AtomicInteger();
    private final Javalin http;
    volatile Call subscribe;

    FakeMaster() {
        http = Javalin.create(cfg -> {
            cfg.useVirtualThreads = true;
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            cfg.jetty.defaultHost = "127.0.0.1";
            cfg.jetty.defaultPort = 0;
        });
        http.post("/api/v1/scheduler", this::handle);
        http.start();
    }

    int port() {
        return http.port();
    }

    private void handle(Context ctx) throws Exception {
        Call call = Call.parseFrom(ctx.bodyAsBytes());
        calls.add(call);
        switch (call.getType()) {
            case SUBSCRIBE -> {
                subscribe = call;
                ctx.status(200).header("Mesos-Stream-Id", "stream-1").contentType("application/x-protobuf");
                OutputStream out = ctx.res().getOutputStream();
                push(Event.newBuilder().setType(Event.Type.SUBSCRIBED).setSubscribed(Event.Subscribed.newBuilder()
                        .setFrameworkId(FrameworkID.newBuilder().setValue("fw-1")).setHeartbeatIntervalSeconds(15)).build());
                offer();
                while (true) {
                    Event e = events.poll(200, TimeUnit.MILLISECONDS);
                    if (e == null) continue;
                    out.write(RecordIO.frame(e.toByteArray()));
                    out.flush();
                }
            }
            case ACCEPT -> {
                for (Offer.Operation op : call.getAccept().getOperationsList()) {
                    for (TaskInfo t : op.getLaunch().getTaskInfosList()) {
                        launched.add(t);
                        update(t.getTaskId().getValue(), TaskState.TASK_RUNNING);
                    }
                }
                ctx.status(202);
            }
            case KILL -> {
                update(call.getKill().getTaskId().getValue(), TaskState.TASK_KILLED);
                ctx.status(202);
            }
            case REVIVE -> {
                offer();
                ctx.status(202);
            }
            default -> ctx.status(202);
        }
    }

    void update(String taskId, TaskState state) {
        push(Event.newBuilder().setType(Event.Type.UPDATE).setUpdate(Event.Update.newBuilder().setStatus(TaskStatus.newBuilder()
                .setTaskId(org.apache.mesos.v1.Protos.TaskID.newBuilder().setValue(taskId)).setState(state)
                .setAgentId(AgentID.newBuilder().setValue("agent-1")).setUuid(com.google.protobuf.ByteString.copyFromUtf8(UUID.randomUUID().toString()))
                .setSource(TaskStatus.Source.SOURCE_EXECUTOR))).build());
    }

    void offer() {
        int n = offers.incrementAndGet();
        Offer o = Offer.newBuilder().setId(OfferID.newBuilder().setValue("offer-" + n)).setFrameworkId(FrameworkID.newBuilder().setValue("fw-1"))
                .setAgentId(AgentID.newBuilder().setValue("agent-1")).setHostname("127.0.0.1")
                .addResources(Resource.newBuilder().setName("cpus").setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(4)))
                .addResources(Resource.newBuilder().setName("mem").setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(4096)))
                .addResources(Resource.newBuilder().setName("ports").setType(Value.Type.RANGES).setRanges(Value.Ranges.newBuilder()
                        .addRange(Value.Range.newBuilder().setBegin(31000 + n * 10L).setEnd(31000 + n * 10L + 9))))
                .build();
        push(Event.newBuilder().setType(Event.Type.OFFERS).setOffers(Event.Offers.newBuilder().addOffers(o)).build());
    }

    void push(Event e) {
        events.add(e);
    }

    long count(Call.Type type) {
        return calls.stream().filter(c -> c.getType() == type).count();
    }

    @Override
    public void close() {
        http.stop();
    }
}
