package io.strata.master.operator;

import com.google.protobuf.InvalidProtocolBufferException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.strata.common.json.Json;
import io.strata.common.json.ProtoJson;
import io.strata.master.Gate;
import io.strata.master.Master;
import io.strata.master.MasterServer;
import io.strata.master.StateJson;
import io.strata.master.scheduler.SchedulerEndpoint;
import io.strata.master.stream.EventStream;
import java.io.IOException;
import java.util.Map;
import org.apache.mesos.v1.Protos.Flag;
import org.apache.mesos.v1.Protos.VersionInfo;
import org.apache.mesos.v1.master.Protos.Call;
import org.apache.mesos.v1.master.Protos.Event;
import org.apache.mesos.v1.master.Protos.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /api/v1}: the Mesos v1 operator API (the read calls, TEARDOWN, and the SUBSCRIBE event stream). */
public final class OperatorEndpoint {
    public static final String PATH = "/api/v1";
    /** Mesos serves every master endpoint under its process id too: /master/api/v1 is the same API. */
    public static final String MASTER_PATH = "/master" + PATH;
    private static final Logger LOG = LoggerFactory.getLogger(OperatorEndpoint.class);
    private final Gate gate;

    public OperatorEndpoint(Gate gate) {
        this.gate = gate;
    }

    public void register(Javalin app) {
        for (String path : new String[] {PATH, MASTER_PATH}) {
            app.post(path, this::handle);
            app.get(path, ctx -> ctx.status(405).header("Allow", "POST").contentType("text/plain")
                    .result("Expecting one of { 'POST' }, but received 'GET'"));
        }
    }

    private static void text(Context ctx, int status, String body) {
        ctx.status(status).contentType("text/plain; charset=utf-8").result(body);
    }

    private void handle(Context ctx) throws IOException {
        String contentType = mediaType(ctx.header("Content-Type"));
        if (contentType == null || contentType.isEmpty()) {
            text(ctx, 400, "Expecting 'Content-Type' to be present");
            return;
        }
        Call call;
        if (contentType.equals(SchedulerEndpoint.PROTOBUF)) {
            try {
                call = Call.parseFrom(ctx.bodyAsBytes());
            } catch (InvalidProtocolBufferException e) {
                text(ctx, 400, "Failed to parse body into Call protobuf");
                return;
            }
        } else if (contentType.equals(SchedulerEndpoint.JSON)) {
            try {
                Json.MAPPER.readTree(ctx.body());
            } catch (IOException e) {
                text(ctx, 400, "Failed to parse body into JSON: " + e.getMessage().lines().findFirst().orElse(""));
                return;
            }
            try {
                call = ProtoJson.parse(ctx.body(), Call.newBuilder()).build();
            } catch (RuntimeException e) {
                text(ctx, 400, "Failed to convert JSON into Call protobuf: " + e.getMessage());
                return;
            }
        } else {
            text(ctx, 415, "Expecting 'Content-Type' of " + SchedulerEndpoint.JSON + " or " + SchedulerEndpoint.PROTOBUF);
            return;
        }
        if (!call.hasType() || call.getType() == Call.Type.UNKNOWN) {
            text(ctx, 400, "Failed to validate master::Call: Expecting 'type' to be present");
            return;
        }
        EventStream.Encoding encoding = SchedulerEndpoint.acceptEncoding(ctx.header("Accept"));
        if (encoding == null) {
            text(ctx, 406, "Expecting 'Accept' to allow '" + SchedulerEndpoint.PROTOBUF + "' or '" + SchedulerEndpoint.JSON + "'");
            return;
        }
        // As Mesos: a master that is not leading sends every operator call to the leader.
        Master master = gate.leadingOrRedirect(ctx);
        if (master == null) return;
        if (call.getType() == Call.Type.GET_HEALTH) {
            respond(ctx, encoding, Response.newBuilder().setType(Response.Type.GET_HEALTH)
                    .setGetHealth(Response.GetHealth.newBuilder().setHealthy(true)).build());
            return;
        }
        if (call.getType() == Call.Type.GET_VERSION) {
            respond(ctx, encoding, Response.newBuilder().setType(Response.Type.GET_VERSION)
                    .setGetVersion(Response.GetVersion.newBuilder().setVersionInfo(versionInfo())).build());
            return;
        }
        switch (call.getType()) {
            case SUBSCRIBE -> subscribe(ctx, master, encoding);
            case GET_FLAGS -> respond(ctx, encoding, master.call(() -> {
                Response.GetFlags.Builder b = Response.GetFlags.newBuilder();
                for (Map.Entry<String, String> e : new StateJson(master).flagMap().entrySet()) {
                    b.addFlags(Flag.newBuilder().setName(e.getKey()).setValue(e.getValue()));
                }
                return Response.newBuilder().setType(Response.Type.GET_FLAGS).setGetFlags(b).build();
            }));
            case GET_STATE -> respond(ctx, encoding, master.call(() -> Response.newBuilder().setType(Response.Type.GET_STATE)
                    .setGetState(master.operator().getState()).build()));
            case GET_AGENTS -> respond(ctx, encoding, master.call(() -> Response.newBuilder().setType(Response.Type.GET_AGENTS)
                    .setGetAgents(master.operator().getAgents()).build()));
            case GET_FRAMEWORKS -> respond(ctx, encoding, master.call(() -> Response.newBuilder().setType(Response.Type.GET_FRAMEWORKS)
                    .setGetFrameworks(master.operator().getFrameworks()).build()));
            case GET_TASKS -> respond(ctx, encoding, master.call(() -> Response.newBuilder().setType(Response.Type.GET_TASKS)
                    .setGetTasks(master.operator().getTasks()).build()));
            case GET_EXECUTORS -> respond(ctx, encoding, master.call(() -> Response.newBuilder().setType(Response.Type.GET_EXECUTORS)
                    .setGetExecutors(master.operator().getExecutors()).build()));
            case GET_ROLES -> respond(ctx, encoding, master.call(() -> Response.newBuilder().setType(Response.Type.GET_ROLES)
                    .setGetRoles(master.operator().getRoles()).build()));
            case GET_MASTER -> respond(ctx, encoding, master.call(() -> Response.newBuilder().setType(Response.Type.GET_MASTER)
                    .setGetMaster(master.operator().getMaster()).build()));
            case TEARDOWN -> {
                if (!call.hasTeardown()) {
                    text(ctx, 400, "Failed to validate master::Call: Expecting 'teardown' to be present");
                    return;
                }
                boolean known = master.call(() -> {
                    String id = call.getTeardown().getFrameworkId().getValue();
                    boolean k = master.checkFramework(id, null) != Master.FrameworkCheck.NOT_FOUND;
                    if (k) master.teardown(id);
                    return k;
                });
                if (!known) text(ctx, 400, "No framework found with specified ID");
                else ctx.status(200).result("");
            }
            default -> text(ctx, 501, "Operator call " + call.getType() + " is not supported by Strata yet");
        }
    }

    static VersionInfo versionInfo() {
        return VersionInfo.newBuilder().setVersion(MasterServer.MESOS_VERSION).setBuildDate(MasterServer.BUILD_DATE)
                .setBuildTime(MasterServer.BUILD_TIME).setBuildUser("strata").setGitTag(MasterServer.MESOS_VERSION).build();
    }

    private static void respond(Context ctx, EventStream.Encoding encoding, Response response) {
        if (encoding == EventStream.Encoding.PROTOBUF) {
            ctx.status(200).contentType(SchedulerEndpoint.PROTOBUF).result(response.toByteArray());
        } else {
            ctx.status(200).contentType(SchedulerEndpoint.JSON).result(ProtoJson.print(response));
        }
    }

    private void subscribe(Context ctx, Master master, EventStream.Encoding encoding) throws IOException {
        EventStream<Event> stream = new EventStream<>(master.newStreamId(), encoding);
        master.call(() -> {
            master.operator().subscribe(stream);
            return null;
        });
        ctx.status(200).contentType(encoding == EventStream.Encoding.JSON ? SchedulerEndpoint.JSON : SchedulerEndpoint.PROTOBUF);
        try {
            stream.pump(ctx.res().getOutputStream(), e -> EventStream.encode(e, encoding),
                    () -> Event.newBuilder().setType(Event.Type.HEARTBEAT).build(), master.heartbeatInterval());
        } catch (IOException e) {
            LOG.debug("msg=\"operator stream ended\" error=\"{}\"", e.toString());
        } finally {
            master.run(() -> master.operator().unsubscribe(stream));
        }
    }

    private static String mediaType(String header) {
        if (header == null) return null;
        int semi = header.indexOf(';');
        return (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
    }
}
