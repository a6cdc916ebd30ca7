package io.strata.master.agents;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.strata.common.protocol.AgentMessage;
import io.strata.master.Gate;
import io.strata.master.Master;
import io.strata.master.stream.EventStream;
import java.io.IOException;
import java.util.List;
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
        String contentType = ctx.header("Content-Type");
        boolean batch = AgentMessage.isBatch(contentType);
        List<AgentMessage> messages;
        try {
            messages = AgentMessage.parseCall(ctx.bodyAsBytes(), contentType, ctx.header(AgentMessage.MESSAGE_CONTENT_TYPE_HEADER));
        } catch (RuntimeException e) {
            text(ctx, 400, "Malformed agent message: " + e.getMessage());
            return;
        }
        if (messages.isEmpty()) {
            text(ctx, 400, "Malformed agent message: no message in the body");
            return;
        }
        if (!batch && messages.get(0).type() == AgentMessage.Type.SUBSCRIBE) {
            subscribe(ctx, master, messages.get(0));
            return;
        }
        for (AgentMessage m : messages) {
            if (m.type() != AgentMessage.Type.UPDATE && m.type() != AgentMessage.Type.PONG) {
                text(ctx, 400, "Agents may not send " + m.type() + (batch ? " in a batch" : ""));
                return;
            }
        }
        String streamId = ctx.header(AgentMessage.STREAM_ID_HEADER);
        // One step of the master's loop for the whole batch, applied in order.
        boolean ok = master.call(() -> {
            Optional<String> agentId = master.agentForStream(streamId);
            if (agentId.isEmpty()) return false;
            for (AgentMessage m : messages) {
                if (m.type() == AgentMessage.Type.UPDATE) master.agentUpdate(agentId.get(), m);
                else master.agentPong(agentId.get());
            }
            return true;
        });
        if (ok) ctx.status(202).result("");
        else text(ctx, 403, "Unknown or stale agent stream; subscribe again");
    }

    private void subscribe(Context ctx, Master master, AgentMessage message) throws IOException {
        // The stream's records are protobuf when the agent asks for it (Accept: application/x-protobuf), else JSON.
        AgentMessage.Codec codec = AgentMessage.Codec.forMediaType(ctx.header("Accept"));
        EventStream<AgentMessage> stream = new EventStream<>(master.newStreamId(),
                codec == AgentMessage.Codec.PROTOBUF ? EventStream.Encoding.PROTOBUF : EventStream.Encoding.JSON);
        String agentId;
        try {
            agentId = master.call(() -> master.agentSubscribe(message, stream));
        } catch (IllegalArgumentException e) {
            text(ctx, 400, e.getMessage());
            return;
        }
        ctx.status(200).contentType(codec.mediaType()).header(AgentMessage.STREAM_ID_HEADER, stream.id());
        try {
            stream.pump(ctx.res().getOutputStream(), codec::encode, null, master.config().agentPingTimeout());
        } catch (IOException e) {
            LOG.debug("msg=\"agent stream ended\" agent={} error=\"{}\"", agentId, e.toString());
        } finally {
            master.run(() -> master.agentDisconnected(agentId, stream));
        }
    }
}
