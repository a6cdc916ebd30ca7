package io.strata.master.agents;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.strata.common.protocol.AgentMessage;
import io.strata.master.Gate;
import io.strata.master.Master;
import io.strata.master.stream.EventStream;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /strata/v1/agent}: the agent stream (docs/PROTOCOL.md), master side. */
public final class AgentEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(AgentEndpoint.class);
    private final Gate gate;

    public AgentEndpoint(Gate gate) {
        this.gate = gate;
    }

    public void register(Javalin app) {
        app.post(AgentMessage.PATH, this::handle);
    }

    private static void text(Context ctx, int status, String body) {
        ctx.status(status).contentType("text/plain; charset=utf-8").result(body);
    }

    private void handle(Context ctx) throws IOException {
        Master master = gate.leadingOrRedirect(ctx);
        if (master == null) return;
        AgentMessage message;
        try {
            message = AgentMessage.fromJson(ctx.bodyAsBytes());
        } catch (RuntimeException e) {
            text(ctx, 400, "Malformed agent message: " + e.getMessage());
            return;
        }
        switch (message.type()) {
            case SUBSCRIBE -> subscribe(ctx, master, message);
            case UPDATE, PONG -> {
                String streamId = ctx.header(AgentMessage.STREAM_ID_HEADER);
                boolean ok = master.call(() -> {
                    Optional<String> agentId = master.agentForStream(streamId);
                    if (agentId.isEmpty()) return false;
                    if (message.type() == AgentMessage.Type.UPDATE) master.agentUpdate(agentId.get(), message);
                    else master.agentPong(agentId.get());
                    return true;
                });
                if (ok) ctx.status(202).result("");
                else text(ctx, 403, "Unknown or stale agent stream; subscribe again");
            }
            default -> text(ctx, 400, "Agents may not send " + message.type());
        }
    }

    private void subscribe(Context ctx, Master master, AgentMessage message) throws IOException {
        EventStream<AgentMessage> stream = new EventStream<>(master.newStreamId(), EventStream.Encoding.JSON);
        String agentId;
        try {
            agentId = master.call(() -> master.agentSubscribe(message, stream));
        } catch (IllegalArgumentException e) {
            text(ctx, 400, e.getMessage());
            return;
        }
        ctx.status(200).contentType("application/json").header(AgentMessage.STREAM_ID_HEADER, stream.id());
        try {
            stream.pump(ctx.res().getOutputStream(), AgentMessage::toJsonBytes, null, master.config().agentPingTimeout());
        } catch (IOException e) {
            LOG.debug("msg=\"agent stream ended\" agent={} error=\"{}\"", agentId, e.toString());
        } finally {
            master.run(() -> master.agentDisconnected(agentId, stream));
        }
    }
}
