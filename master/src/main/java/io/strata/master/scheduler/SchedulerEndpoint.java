package io.strata.master.scheduler;

import com.google.protobuf.InvalidProtocolBufferException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.strata.common.json.Json;
import io.strata.common.json.ProtoJson;
import io.strata.master.Gate;
import io.strata.master.Master;
import io.strata.master.stream.EventStream;
import java.io.IOException;
import java.util.Optional;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/scheduler}: the Mesos v1 scheduler HTTP API, in JSON or protobuf. SUBSCRIBE answers 200
 * with a RecordIO event stream and a {@code Mesos-Stream-Id}; every other call answers 202. Errors are the status
 * codes and plain-text reasons Mesos gives.
 */
public final class SchedulerEndpoint {
    public static final String PATH = "/api/v1/scheduler";
    /** Mesos serves every master endpoint under its process id too: /master/api/v1/scheduler is the same API. */
    public static final String MASTER_PATH = "/master" + PATH;
    public static final String JSON = "application/json";
    public static final String PROTOBUF = "application/x-protobuf";
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerEndpoint.class);
    private final Gate gate;

    public SchedulerEndpoint(Gate gate) {
        this.gate = gate;
    }

    public void register(Javalin app) {
        for (String path : new String[] {PATH, MASTER_PATH}) {
            app.post(path, this::handle);
            for (var method : new String[] {"GET", "PUT", "DELETE", "PATCH"}) {
                app.addHttpHandler(io.javalin.http.HandlerType.valueOf(method), path, ctx ->
                        ctx.status(405).header("Allow", "POST").contentType("text/plain")
                                .result("Expecting one of { 'POST' }, but received '" + ctx.method() + "'"));
            }
        }
    }

    static String mediaType(String header) {
        if (header == null) return null;
        int semi = header.indexOf(';');
        return (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
    }

    /** Which of JSON / protobuf the Accept header allows, JSON first, as Mesos chooses; null when neither. */
    public static EventStream.Encoding acceptEncoding(String accept) {
        if (accept == null || accept.isBlank()) return EventStream.Encoding.JSON;
        boolean json = false;
        boolean proto = false;
        for (String part : accept.split(",")) {
            String t = mediaType(part);
            if (t.equals("*/*") || t.equals("application/*") || t.equals(JSON)) json = true;
            if (t.equals("*/*") || t.equals("application/*") || t.equals(PROTOBUF)) proto = true;
        }
        return json ? EventStream.Encoding.JSON : proto ? EventStream.Encoding.PROTOBUF : null;
    }

    private static void text(Context ctx, int status, String body) {
        ctx.status(status).contentType("text/plain; charset=utf-8").result(body);
    }

    private void handle(Context ctx) throws IOException {
        Master master = gate.leadingOrRedirect(ctx);
        if (master == null) return;
        String contentType = mediaType(ctx.header("Content-Type"));
        if (contentType == null || contentType.isEmpty()) {
            text(ctx, 400, "Expecting 'Content-Type' to be present");
            return;
        }
        Call call;
        if (contentType.equals(PROTOBUF)) {
            try {
                call = Call.parseFrom(ctx.bodyAsBytes());
            } catch (InvalidProtocolBufferException e) {
                text(ctx, 400, "Failed to parse body into Call protobuf");
                return;
            }
        } else if (contentType.equals(JSON)) {
            String body = ctx.body();
            try {
                Json.MAPPER.readTree(body);
            } catch (IOException e) {
                text(ctx, 400, "Failed to parse body into JSON: " + e.getMessage().lines().findFirst().orElse(""));
                return;
            }
            try {
                Call.Builder b = ProtoJson.parse(body, Call.newBuilder());
                if (!b.isInitialized()) {
                    text(ctx, 400, "Failed to convert JSON into Call protobuf: Missing required fields: "
                            + String.join(", ", b.findInitializationErrors()));
                    return;
                }
                call = b.build();
            } catch (IllegalArgumentException e) {
                text(ctx, 400, "Failed to convert JSON into Call protobuf: " + e.getMessage());
                return;
            }
        } else {
            text(ctx, 415, "Expecting 'Content-Type' of " + JSON + " or " + PROTOBUF);
            return;
        }
        String invalid = validate(call);
        if (invalid != null) {
            master.run(() -> master.invalidSchedulerCallsIncrement());
            text(ctx, 400, "Failed to validate scheduler::Call: " + invalid);
            return;
        }
        if (call.getType() == Call.Type.SUBSCRIBE) {
            subscribe(ctx, master, call);
            return;
        }
        String frameworkId = call.getFrameworkId().getValue();
        String streamId = ctx.header("Mesos-Stream-Id");
        int[] status = {202};
        String[] reason = {""};
        master.call(() -> {
            switch (master.checkFramework(frameworkId, streamId)) {
                case NOT_FOUND -> { status[0] = 400; reason[0] = "Framework cannot be found"; return null; }
                case NOT_SUBSCRIBED -> { status[0] = 403; reason[0] = "Framework is not subscribed"; return null; }
                case MISSING_STREAM_ID -> { status[0] = 400; reason[0] = "All non-subscribe calls should include the 'Mesos-Stream-Id' header"; return null; }
                case WRONG_STREAM_ID -> {
                    status[0] = 400;
                    reason[0] = "The stream ID '" + streamId + "' included in this request didn't match the stream ID currently associated with framework ID " + frameworkId;
                    return null;
                }
                case OK -> { }
            }
            switch (call.getType()) {
                case TEARDOWN -> master.teardown(frameworkId);
                case ACCEPT -> master.accept(frameworkId, call.getAccept());
                case DECLINE -> master.decline(frameworkId, call.getDecline());
                case ACCEPT_INVERSE_OFFERS, DECLINE_INVERSE_OFFERS, REQUEST, ACKNOWLEDGE_OPERATION_STATUS -> { }
                case REVIVE -> master.revive(frameworkId, call.getRevive());
                case SUPPRESS -> master.suppress(frameworkId, call.getSuppress());
                case KILL -> master.kill(frameworkId, call.getKill());
                case SHUTDOWN -> master.shutdownExecutor(frameworkId, call.getShutdown());
                case ACKNOWLEDGE -> master.acknowledge(frameworkId, call.getAcknowledge());
                case RECONCILE -> master.reconcile(frameworkId, call.getReconcile());
                case MESSAGE -> master.message(frameworkId, call.getMessage());
                case UPDATE_FRAMEWORK -> {
                    try {
                        master.updateFramework(frameworkId, call.getUpdateFramework().getFrameworkInfo());
                        status[0] = 200;
                    } catch (IllegalArgumentException e) {
                        status[0] = 400;
                        reason[0] = e.getMessage();
                    }
                }
                case RECONCILE_OPERATIONS -> { status[0] = 501; reason[0] = "RECONCILE_OPERATIONS is not supported by Strata yet"; }
                default -> { status[0] = 501; reason[0] = ""; }
            }
            return null;
        });
        text(ctx, status[0], reason[0]);
    }

    private void subscribe(Context ctx, Master master, Call call) throws IOException {
        EventStream.Encoding encoding = acceptEncoding(ctx.header("Accept"));
        if (encoding == null) {
            text(ctx, 406, "Expecting 'Accept' to allow '" + PROTOBUF + "' or '" + JSON + "'");
            return;
        }
        if (ctx.header("Mesos-Stream-Id") != null) {
            text(ctx, 400, "Subscribe calls should not include the 'Mesos-Stream-Id' header");
            return;
        }
        EventStream<Event> stream = new EventStream<>(master.newStreamId(), encoding);
        Optional<String> frameworkId = master.call(() -> master.subscribe(call.getSubscribe(), stream));
        ctx.status(200);
        ctx.header("Mesos-Stream-Id", stream.id());
        ctx.contentType(encoding == EventStream.Encoding.JSON ? JSON : PROTOBUF);
        ctx.header("Cache-Control", "no-cache");
        try {
            stream.pump(ctx.res().getOutputStream(), e -> EventStream.encode(e, encoding),
                    () -> Event.newBuilder().setType(Event.Type.HEARTBEAT).build(), master.heartbeatInterval());
        } catch (IOException e) {
            LOG.debug("msg=\"scheduler stream ended\" framework={} error=\"{}\"", frameworkId.orElse("-"), e.toString());
        } finally {
            frameworkId.ifPresent(id -> master.run(() -> master.schedulerDisconnected(id, stream)));
        }
    }

    /** Mesos' scheduler call validation; null when the call is valid. */
    static String validate(Call call) {
        if (!call.hasType() || call.getType() == Call.Type.UNKNOWN) return "Expecting 'type' to be present";
        if (call.getType() == Call.Type.SUBSCRIBE) {
            if (!call.hasSubscribe()) return "Expecting 'subscribe' to be present";
            var info = call.getSubscribe().getFrameworkInfo();
            if (!info.getId().equals(call.getFrameworkId())) return "'framework_id' differs from 'subscribe.framework_info.id'";
            return null;
        }
        if (!call.hasFrameworkId()) return "Expecting 'framework_id' to be present";
        return switch (call.getType()) {
            case ACCEPT -> call.hasAccept() ? null : "Expecting 'accept' to be present";
            case DECLINE -> call.hasDecline() ? null : "Expecting 'decline' to be present";
            case KILL -> call.hasKill() ? null : "Expecting 'kill' to be present";
            case SHUTDOWN -> call.hasShutdown() ? null : "Expecting 'shutdown' to be present";
            case ACKNOWLEDGE -> !call.hasAcknowledge() ? "Expecting 'acknowledge' to be present"
                    : call.getAcknowledge().getUuid().size() != 16 ? "Invalid UUID in 'acknowledge.uuid': expected 16 bytes" : null;
            case RECONCILE -> call.hasReconcile() ? null : "Expecting 'reconcile' to be present";
            case MESSAGE -> call.hasMessage() ? null : "Expecting 'message' to be present";
            case REQUEST -> call.hasRequest() ? null : "Expecting 'request' to be present";
            case UPDATE_FRAMEWORK -> call.hasUpdateFramework() ? null : "Expecting 'update_framework' to be present";
            default -> null;
        };
    }
}
