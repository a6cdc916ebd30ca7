package io.strata.marathon.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.strata.common.json.Json;
import io.strata.marathon.Marathon;
import io.strata.marathon.codec.Renderer;
import io.strata.marathon.model.PathId;
import io.strata.marathon.validation.ApiException;
import java.util.function.Supplier;

/** {@code /v2/queue}: apps waiting for offers, with their launch delay; {@code DELETE /v2/queue/{app}/delay} resets it. */
final class QueueResource {
    private final Supplier<Marathon> marathon;

    QueueResource(Supplier<Marathon> marathon) {
        this.marathon = marathon;
    }

    void register(Javalin app) {
        app.get("/v2/queue", this::list);
        app.delete("/v2/queue/<rest>", this::resetDelay);
    }

    private void list(Context ctx) {
        Marathon m = marathon.get();
        ObjectNode o = Json.object();
        ArrayNode q = o.putArray("queue");
        for (Marathon.QueueEntry e : m.queue()) q.add(Renderer.queueEntry(e, m.clock().instant()));
        Http.json(ctx, o);
    }

    private void resetDelay(Context ctx) {
        String rest = ctx.pathParam("rest");
        if (!rest.endsWith("/delay")) throw ApiException.message(405, "HTTP 405 Method Not Allowed");
        PathId id = PathId.of(rest.substring(0, rest.length() - "/delay".length()));
        if (!marathon.get().resetDelay(id)) throw ApiException.notFound("Application " + id + " not found in tasks queue.");
        ctx.status(204).result("");
    }
}
